"""The app's routes, grouped by feature package (each group's views live in that package)."""

from django.urls import path

from reporting.board import views as board_views
from reporting.delegations import views as delegation_views
from reporting.ledgers import views as ledger_views
from reporting.reports import views as report_views
from reporting.submissions import views as submission_views
from reporting.verify import views as verify_views

app_name = "reporting"

urlpatterns = [
    # Reports: drafting in versions, the secretary's sign-off (签发), submission upward (报送), PDFs.
    path("reports/", report_views.report_list, name="report_list"),
    path("reports/new/", report_views.report_create, name="report_create"),
    path("reports/<int:pk>/", report_views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", report_views.report_edit, name="report_edit"),
    path("reports/<int:pk>/versions/", report_views.report_versions, name="report_versions"),
    path("reports/<int:pk>/versions/<int:number>/pdf/", report_views.version_pdf, name="version_pdf"),
    path("reports/previews/<int:pk>/", report_views.preview_job, name="preview_job"),
    path("reports/previews/<int:pk>/progress/", report_views.preview_job_progress, name="preview_job_progress"),
    path("reports/previews/<int:pk>/pdf/", report_views.preview_job_pdf, name="preview_job_pdf"),
    path("reports/<int:pk>/attachments/", report_views.report_attachments_add, name="report_attachments_add"),
    path("reports/<int:pk>/attachments/<int:attachment_pk>/remove/", report_views.report_attachment_remove,
         name="report_attachment_remove"),
    path("attachments/<int:pk>/", report_views.attachment_download, name="attachment_download"),
    path("reports/<int:pk>/sign/", report_views.report_sign, name="report_sign"),
    path("reports/<int:pk>/request-sign/", report_views.report_request_sign, name="report_request_sign"),
    path("reports/<int:pk>/submit/", report_views.report_submit, name="report_submit"),
    # The receiving end of submissions: 签收 / 退回.
    path("submissions/", submission_views.submission_inbox, name="submission_inbox"),
    path("submissions/<int:pk>/", submission_views.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/receive/", submission_views.submission_receive, name="submission_receive"),
    path("submissions/<int:pk>/receive/undo/", submission_views.submission_receive_undo,
         name="submission_receive_undo"),
    path("submissions/<int:pk>/return/", submission_views.submission_return, name="submission_return"),
    # The 第一责任人's delegations of the sign-off.
    path("orgs/<int:pk>/delegations/", delegation_views.delegation_list, name="delegation_list"),
    path("delegations/<int:pk>/revoke/", delegation_views.delegation_revoke, name="delegation_revoke"),
    # The submission board (报送情况) and the region summary (汇总报告).
    path("reports/board/", board_views.board, name="board"),
    path("reports/board/rows/", board_views.board_rows, name="board_rows"),
    path("reports/board/remind/", board_views.board_remind, name="board_remind"),
    path("reports/board/summary/", board_views.board_summary, name="board_summary"),
    # Verification (文件验证): is this PDF a document signed in Zeren?
    path("verify/", verify_views.verify, name="verify"),
    # 台账导出: small exports download at once, large ones run as a job with a progress bar.
    path("ledgers/", ledger_views.ledger_form, name="ledgers"),
    path("ledgers/export/", ledger_views.ledger_export, name="ledger_export"),
    path("ledgers/jobs/<int:pk>/", ledger_views.ledger_job, name="ledger_job"),
    path("ledgers/jobs/<int:pk>/progress/", ledger_views.ledger_job_progress, name="ledger_job_progress"),
    path("ledgers/jobs/<int:pk>/download/", ledger_views.ledger_download, name="ledger_download"),
]
