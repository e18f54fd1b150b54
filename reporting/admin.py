from django.contrib import admin

from reporting.models import Delegation, Report, ReportVersion, Submission


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["organization", "kind", "period", "status", "updated_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["organization"]
    search_fields = ["organization__name"]
    # Reports change only through the services (versions, signatures and submissions are records).
    readonly_fields = ["organization", "kind", "period", "status", "created_by", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ReportVersion)
class ReportVersionAdmin(admin.ModelAdmin):
    list_display = ["report", "number", "doc_number", "signed_at", "signer", "pdf_sha256"]
    list_select_related = ["report__organization", "signer"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["organization", "delegate", "start_date", "end_date", "reason"]
    list_select_related = ["organization", "delegate"]
    autocomplete_fields = ["organization", "delegate"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["report", "to_organization", "status", "submitted_at", "on_time"]
    list_filter = ["status", "on_time"]
    list_select_related = ["report__organization", "to_organization"]

    def has_add_permission(self, request) -> bool:
        return False
