from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from reporting.models import Delegation, Report, ReportAttachment, ReportVersion, Submission
from responsibilities.admin import ReadOnlyAdmin

# Every model here changes only through its services (versions, signatures, submissions and
# delegations are records with an author), so the admin shows them and changes nothing.


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["organization", "kind", "period_in_words", "status", "updated_at"]

    @admin.display(description=_("期间"), ordering="period")
    def period_in_words(self, obj) -> str:
        return obj.period_label  # 2026年上半年, never the code
    list_filter = ["kind", "status"]
    list_select_related = ["organization"]
    search_fields = ["organization__name"]


@admin.register(ReportVersion)
class ReportVersionAdmin(ReadOnlyAdmin):
    list_display = ["report", "number", "doc_number", "signed_at", "signer", "pdf_sha256"]
    list_select_related = ["report__organization", "signer"]


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    list_display = ["organization", "delegate", "start_date", "end_date", "reason"]
    list_select_related = ["organization", "delegate"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["report", "to_organization", "status", "submitted_at", "on_time"]
    list_filter = ["status", "on_time"]
    list_select_related = ["report__organization", "to_organization"]


@admin.register(ReportAttachment)
class ReportAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["version", "position", "title", "original_name", "size", "uploaded_at"]
    search_fields = ["title", "original_name", "version__report__organization__name"]
