from django.contrib import admin
from guardian.admin import GuardedModelAdminMixin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from responsibilities.models import (
    Department,
    Organization,
    OrganizationGroupPermission,
    OrganizationUserPermission,
    Person,
    RoleAssignment,
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
