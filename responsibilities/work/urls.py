"""我的工作: tasks, their evidence, and the notification inbox."""

from django.urls import path

from responsibilities.work import views

urlpatterns = [
    path("work/", views.my_work, name="my_work"),
    path("obligations/<int:pk>/", views.obligation_detail, name="obligation_detail"),
    path("obligations/<int:pk>/meeting/", views.obligation_meeting, name="obligation_meeting"),
    path("obligations/<int:pk>/files/", views.obligation_files, name="obligation_files"),
    path("obligations/<int:pk>/waive/", views.obligation_waive, name="obligation_waive"),
    path("obligations/<int:pk>/reopen/", views.obligation_reopen, name="obligation_reopen"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_mark_read, name="inbox_mark_read"),
]
