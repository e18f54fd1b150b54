from django.urls import path

from responsibilities import dashboard_views, duty_views, ledger_views, views, work_views

app_name = "responsibilities"

urlpatterns = [
    path("orgs/", views.organization_tree, name="organization_tree"),
    path("orgs/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("orgs/<int:pk>/children/", views.organization_children, name="organization_children"),
    path("orgs/<int:pk>/roles/add/", views.role_add, name="role_add"),
    path("orgs/<int:pk>/move/", views.organization_move, name="organization_move"),
    path("roles/<int:pk>/end/", views.role_end, name="role_end"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("work/", work_views.my_work, name="my_work"),
    path("obligations/<int:pk>/", work_views.obligation_detail, name="obligation_detail"),
    path("obligations/<int:pk>/meeting/", work_views.obligation_meeting, name="obligation_meeting"),
    path("obligations/<int:pk>/files/", work_views.obligation_files, name="obligation_files"),
    path("obligations/<int:pk>/waive/", work_views.obligation_waive, name="obligation_waive"),
    path("obligations/<int:pk>/reopen/", work_views.obligation_reopen, name="obligation_reopen"),
    path("evidence/<int:pk>/download/", work_views.evidence_download, name="evidence_download"),
    path("inbox/", work_views.inbox, name="inbox"),
    path("inbox/read/", work_views.inbox_mark_read, name="inbox_mark_read"),
    # Responsibility list (责任清单)
    path("orgs/<int:pk>/duties/", duty_views.duty_list, name="duty_list"),
    path("orgs/<int:pk>/duties/add/", duty_views.duty_add, name="duty_add"),
    path("orgs/<int:pk>/duties/cascade/", duty_views.duty_cascade, name="duty_cascade"),
    path("orgs/<int:pk>/duties/print/", duty_views.duty_print, name="duty_print"),
    path("duties/<int:pk>/edit/", duty_views.duty_edit, name="duty_edit"),
    path("duties/<int:pk>/retire/", duty_views.duty_retire, name="duty_retire"),
    # Dashboards: compliance matrix (合规矩阵) with its drill-down list, and charts (统计图表)
    path("dashboard/matrix/", dashboard_views.compliance_matrix, name="compliance_matrix"),
    path("dashboard/matrix/rows/", dashboard_views.compliance_matrix_rows, name="compliance_matrix_rows"),
    path("dashboard/obligations/", dashboard_views.obligation_list, name="obligation_list"),
    path("dashboard/charts/", dashboard_views.charts, name="charts"),
    # 台账导出 (ledgers): small exports download at once, large ones run as a job with a progress bar
    path("ledgers/", ledger_views.ledger_form, name="ledgers"),
    path("ledgers/export/", ledger_views.ledger_export, name="ledger_export"),
    path("ledgers/jobs/<int:pk>/", ledger_views.ledger_job, name="ledger_job"),
    path("ledgers/jobs/<int:pk>/progress/", ledger_views.ledger_job_progress, name="ledger_job_progress"),
    path("ledgers/jobs/<int:pk>/download/", ledger_views.ledger_download, name="ledger_download"),
]
