from django.urls import path

from responsibilities import views, work_views

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
]
