from django.urls import path

from reporting import board_views, views

app_name = "reporting"

urlpatterns = [
    # Reports: drafting in versions, the secretary's sign-off, submission upward, PDFs
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/versions/", views.report_versions, name="report_versions"),
    path("reports/<int:pk>/versions/<int:number>/pdf/", views.version_pdf, name="version_pdf"),
    path("reports/<int:pk>/sign/", views.report_sign, name="report_sign"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    # The receiving end: 签收 / 退回
    path("submissions/", views.submission_inbox, name="submission_inbox"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/receive/", views.submission_receive, name="submission_receive"),
    path("submissions/<int:pk>/return/", views.submission_return, name="submission_return"),
    # The secretary's delegations of the sign-off
    path("orgs/<int:pk>/delegations/", views.delegation_list, name="delegation_list"),
    # The submission board (报送情况), the region summary (汇总报告) and verification (验证)
    path("reports/board/", board_views.board, name="board"),
    path("reports/board/rows/", board_views.board_rows, name="board_rows"),
    path("reports/board/remind/", board_views.board_remind, name="board_remind"),
    path("reports/board/summary/", board_views.board_summary, name="board_summary"),
    path("verify/", board_views.verify, name="verify"),
]
