"""The receiving end of submissions: 签收 / 退回."""

from django.urls import path

from reporting.submissions import views

urlpatterns = [
    path("submissions/", views.submission_inbox, name="submission_inbox"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/receive/", views.submission_receive, name="submission_receive"),
    path("submissions/<int:pk>/return/", views.submission_return, name="submission_return"),
]
