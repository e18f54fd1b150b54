from django.contrib import admin
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


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["person", "organization", "role", "start_date", "end_date", "portfolio"]
    list_filter = ["role"]
    search_fields = ["person__name", "organization__name"]
    autocomplete_fields = ["person", "organization"]
    list_select_related = ["person", "organization"]
    date_hierarchy = "start_date"
    readonly_fields = ["created_at", "created_by", "ended_by"]


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


@admin.register(Obligation)
class ObligationAdmin(admin.ModelAdmin):
    list_display = ["organization", "work_system", "period", "due_date", "status"]
    list_filter = ["status", "work_system"]
    list_select_related = ["organization", "work_system"]
    search_fields = ["organization__name"]
    # Status changes go through the services (they record who and why), not through the admin.
    readonly_fields = [f.name for f in Obligation._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "title", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "title"]
