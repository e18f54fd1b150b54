"""The app's routes, grouped by feature package (each group's views live in that package)."""

from django.urls import path

from responsibilities.dashboards import views as dashboard_views
from responsibilities.duties import views as duty_views
from responsibilities.importing import views as importing_views
from responsibilities.org import views as org_views
from responsibilities.securitylog import views as securitylog_views
from responsibilities.work import views as work_views

app_name = "responsibilities"

urlpatterns = [
    # The organization tree, organization and person pages, role assignments.
    path("orgs/", org_views.organization_tree, name="organization_tree"),
    path("orgs/<int:pk>/", org_views.organization_detail, name="organization_detail"),
    path("orgs/<int:pk>/children/", org_views.organization_children, name="organization_children"),
    path("orgs/<int:pk>/roles/add/", org_views.role_add, name="role_add"),
    path("orgs/<int:pk>/move/", org_views.organization_move, name="organization_move"),
    path("roles/<int:pk>/end/", org_views.role_end, name="role_end"),
    path("people/<int:pk>/", org_views.person_detail, name="person_detail"),
    # Excel import of organizations and leadership teams.
    path("import/", importing_views.import_upload, name="import"),
    path("import/template.xlsx", importing_views.import_template, name="import_template"),
    path("import/jobs/<int:pk>/", importing_views.import_job, name="import_job"),
    path("import/jobs/<int:pk>/progress/", importing_views.import_job_progress, name="import_job_progress"),
    # 我的工作: tasks, their evidence, and the notification inbox.
    path("work/", work_views.my_work, name="my_work"),
    path("obligations/<int:pk>/", work_views.obligation_detail, name="obligation_detail"),
    path("obligations/<int:pk>/meeting/", work_views.obligation_meeting, name="obligation_meeting"),
    path("obligations/<int:pk>/files/", work_views.obligation_files, name="obligation_files"),
    path("obligations/<int:pk>/waive/", work_views.obligation_waive, name="obligation_waive"),
    path("obligations/<int:pk>/reopen/", work_views.obligation_reopen, name="obligation_reopen"),
    path("meetings/<int:pk>/files/", work_views.meeting_files, name="meeting_files"),
    path("meetings/<int:pk>/correct/", work_views.meeting_correct, name="meeting_correct"),
    path("meetings/<int:pk>/withdraw/", work_views.meeting_withdraw, name="meeting_withdraw"),
    path("evidence/<int:pk>/download/", work_views.evidence_download, name="evidence_download"),
    path("inbox/", work_views.inbox, name="inbox"),
    path("inbox/read/", work_views.inbox_mark_read, name="inbox_mark_read"),
    # The responsibility list (责任清单): edit, retire, print, push to subordinates.
    path("duties/", duty_views.duty_home, name="duty_home"),
    path("duties/import/template.xlsx", duty_views.duty_import_template, name="duty_import_template"),
    path("orgs/<int:pk>/duties/", duty_views.duty_list, name="duty_list"),
    path("orgs/<int:pk>/duties/import/", duty_views.duty_import, name="duty_import"),
    path("orgs/<int:pk>/duties/add/", duty_views.duty_add, name="duty_add"),
    path("orgs/<int:pk>/duties/cascade/", duty_views.duty_cascade, name="duty_cascade"),
    path("orgs/<int:pk>/duties/print/", duty_views.duty_print, name="duty_print"),
    path("duties/<int:pk>/edit/", duty_views.duty_edit, name="duty_edit"),
    path("duties/<int:pk>/retire/", duty_views.duty_retire, name="duty_retire"),
    # Dashboards: the compliance matrix (合规矩阵) with its drill-down, and charts (统计图表).
    path("dashboard/matrix/", dashboard_views.compliance_matrix, name="compliance_matrix"),
    path("dashboard/matrix/rows/", dashboard_views.compliance_matrix_rows, name="compliance_matrix_rows"),
    path("dashboard/obligations/", dashboard_views.obligation_list, name="obligation_list"),
    path("dashboard/charts/", dashboard_views.charts, name="charts"),
    # 安全日志 (superusers only).
    path("security/log/", securitylog_views.security_log, name="security_log"),
]
