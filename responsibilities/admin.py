from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdminMixin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from responsibilities.models import (
    Department,
    Notification,
    Obligation,
    Organization,
    OrganizationGroupPermission,
    OrganizationUserPermission,
    Person,
    RoleAssignment,
    WorkCalendarDay,
    WorkSystem,
    WorkSystemOverride,
)
from responsibilities.org import services as org_services


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(GuardedModelAdminMixin, TreeAdmin):
    """Tree editing (add, move) plus per-organization grants (“对象权限”)."""

    form = movenodeform_factory(Organization)
    list_display = ["name", "short_name", "kind", "depth"]
    list_filter = ["kind", "depth"]
    search_fields = ["name", "short_name"]
    list_per_page = 100
    inlines = [DepartmentInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "organization", "department", "user"]
    search_fields = ["name", "title", "organization__name"]
    autocomplete_fields = ["organization", "user"]
    list_select_related = ["organization", "department", "user"]


class RoleAssignmentAdminForm(forms.ModelForm):
    """Adds through `role_assign` and ends through `role_end`, inside the form's validation (the admin
    view's transaction), so their rules and Chinese refusals apply here as on the site and a refusal
    is a form error, never a 500 (PostgreSQL's exclusion constraint backs `role_assign` up).
    `actor` is set per request by RoleAssignmentAdmin.get_form."""

    actor = None

    class Meta:
        model = RoleAssignment
        fields = ["person", "organization", "role", "start_date", "end_date", "portfolio"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            if self.instance.pk is None:
                self.instance = org_services.role_assign(
                    person=data["person"], organization=data["organization"], role=data["role"],
                    start_date=data["start_date"], end_date=data.get("end_date"),
                    portfolio=data.get("portfolio") or "", actor=self.actor,
                )
            elif data.get("end_date") != RoleAssignment.objects.get(pk=self.instance.pk).end_date:
                if data.get("end_date") is None:
                    raise ValidationError(_("任职结束日期一经登记只能提前，不能清除。"), code="ended")
                self.instance = org_services.role_end(
                    assignment=self.instance, end_date=data["end_date"], actor=self.actor
                )
        except ValidationError as exc:
            self.add_error(None, exc)
        return data

    def _post_clean(self) -> None:
        # The model's own checks ran inside the service; the instance is the saved one.
        pass


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Role assignments are records (任职记录): added and ended through the org services, never
    rewritten or deleted here."""

    form = RoleAssignmentAdminForm
    list_display = ["person", "organization", "role", "start_date", "end_date", "portfolio"]
    list_filter = ["role"]
    search_fields = ["person__name", "organization__name"]
    autocomplete_fields = ["person", "organization"]
    list_select_related = ["person", "organization"]
    date_hierarchy = "start_date"

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        fixed = ["created_at", "created_by", "ended_by"]
        if obj is not None:  # only the end date may change, through role_end
            fixed = ["person", "organization", "role", "start_date", "portfolio", *fixed]
        return fixed

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change) -> None:
        """Nothing left to write: the service saved the assignment while the form was validated."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OrganizationUserPermission)
class OrganizationUserPermissionAdmin(admin.ModelAdmin):
    list_display = ["user", "permission", "content_object"]
    list_select_related = ["user", "permission", "content_object"]
    search_fields = ["user__username", "content_object__name"]
    autocomplete_fields = ["user", "content_object"]


@admin.register(OrganizationGroupPermission)
class OrganizationGroupPermissionAdmin(admin.ModelAdmin):
    list_display = ["group", "permission", "content_object"]
    list_select_related = ["group", "permission", "content_object"]
    autocomplete_fields = ["group", "content_object"]


@admin.register(WorkSystem)
class WorkSystemAdmin(admin.ModelAdmin):
    list_display = ["name", "frequency", "required_count", "deadline_rule", "fixed_dates", "responsible", "evidence", "cascaded"]
    list_editable = ["required_count"]
    search_fields = ["name", "code", "citation"]


@admin.register(WorkSystemOverride)
class WorkSystemOverrideAdmin(admin.ModelAdmin):
    """Per-organization numbers (e.g. a school's 14 studies a year); they apply to the whole subtree."""

    list_display = ["organization", "work_system", "enabled", "frequency", "required_count", "deadline_rule", "note"]
    list_select_related = ["organization", "work_system"]
    autocomplete_fields = ["organization"]
    search_fields = ["organization__name", "work_system__name"]


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(admin.ModelAdmin):
    """Editable each November, when the State Council announces next year's holidays and 调休 days."""

    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records with one service writer (their rules, author and event live there): shown, never
    added, changed or deleted here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Obligation)
class ObligationAdmin(ReadOnlyAdmin):
    """Status changes go through the obligation services (they record who and why)."""

    list_display = ["organization", "work_system", "period", "due_date", "status"]
    list_filter = ["status", "work_system"]
    list_select_related = ["organization", "work_system"]
    search_fields = ["organization__name"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Written by the scheduler and board reminders; read and e-mail times are claimed by their sweeps."""

    list_display = ["recipient", "kind", "title", "sender", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient", "sender"]
    search_fields = ["recipient__username", "title"]
