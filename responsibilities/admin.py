from django import forms
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdminMixin

from responsibilities import permissions, text
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
from responsibilities.scheduling import workdays
from responsibilities.scheduling.forms import CalendarYearForm


def user_label(user) -> str:
    """How the admin names a user: 「张三（county_a_xcb）」, the person's name (else the account's own
    name) with the login; the login alone when no name is known."""
    try:
        name = user.person.name
    except Person.DoesNotExist:
        name = text.display_name(user)
    return f"{name}（{user.username}）" if name and name != user.username else user.username


class NamedUsersAdmin(admin.ModelAdmin):
    """Users appear by name (`user_label`) in this admin's list columns and foreign-key selects."""

    def _user_fields(self) -> list[str]:
        User = get_user_model()
        return [f.name for f in self.model._meta.get_fields()
                if f.concrete and f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model is User]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.related_model is get_user_model():
            field.label_from_instance = user_label
            field.queryset = field.queryset.select_related("person")
        return field

    def get_list_display(self, request):
        users = set(self._user_fields())
        return [_user_column(self.model, name) if name in users else name
                for name in super().get_list_display(request)]

    def get_queryset(self, request):
        names = set(self._user_fields()) & set(super().get_list_display(request))
        qs = super().get_queryset(request)
        return qs.select_related(*(f"{name}__person" for name in names)) if names else qs


def _user_column(model, name: str):
    field = model._meta.get_field(name)

    @admin.display(description=field.verbose_name, ordering=name)
    def column(obj) -> str:
        user = getattr(obj, name)
        return user_label(user) if user is not None else "—"

    column.__name__ = f"{name}_by_name"
    return column


class NamedUsersAutocomplete(AutocompleteJsonView):
    """The admin's search-as-you-type selects name users the same way."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, get_user_model()):
            result["text"] = user_label(obj)
        return result


admin.site.autocomplete_view = lambda request: NamedUsersAutocomplete.as_view(admin_site=admin.site)(request)


class NamedUserAdmin(UserAdmin):
    list_display = ("username", "name", "email", "is_staff", "is_active")
    list_select_related = ("person",)
    search_fields = ("username", "first_name", "last_name", "email", "person__name")

    @admin.display(description=_("姓名"), ordering="person__name")
    def name(self, user) -> str:
        label = user_label(user)
        return label.removesuffix(f"（{user.username}）") if label != user.username else "—"


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), NamedUserAdmin)


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


class ThroughServicesAdmin(NamedUsersAdmin):
    """An admin whose form writes through the services while it is validated (they check the rules,
    record the request's user as actor and write the event), so a refusal is a form error, never a
    500. Should the page still come back with errors (e.g. an inline row), what the services wrote
    is rolled back with the rest."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic():
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if (getattr(response, "context_data", None) or {}).get("errors"):
                # Rendered first: the page shows what the user sent; then nothing of it stays.
                response.render()
                transaction.set_rollback(True)
        return response


class OrganizationAdminForm(forms.ModelForm):
    """Adds through `organization_create` and moves (a changed 上级组织) through `organization_move`,
    inside the form's validation (the admin view's transaction), so the author is recorded and a
    refusal (e.g. a move under the organization's own descendant) is a Chinese form error, never a
    500. Name, short name, kind, order and lead days stay plain edits. `actor` is set per request by
    ThroughServicesAdmin.get_form."""

    actor = None
    parent = forms.ModelChoiceField(
        Organization.objects.order_by("path"), required=False, label=_("上级组织"), help_text=_("留空为顶级组织。")
    )

    class Meta:
        model = Organization
        fields = ["name", "short_name", "kind", "sort_order", "report_lead_days"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].label_from_instance = lambda org: f"{'　' * (org.depth - 1)}{org.name}"
        self.current_parent = Organization.objects.get_parent(self.instance) if self.instance.pk else None
        self.initial.setdefault("parent", self.current_parent and self.current_parent.pk)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        parent = data.get("parent")
        try:
            if self.instance.pk is None:
                created = org_services.organization_create(
                    name=data["name"], kind=data["kind"], parent=parent, short_name=data.get("short_name") or "",
                    sort_order=data.get("sort_order") or 0, actor=self.actor,
                )
                self.instance.pk = created.pk
            elif parent != self.current_parent:
                if parent is None:
                    raise ValidationError(_("已有上级的组织不能改为顶级组织。"), code="root")
                org_services.organization_move(organization=self.instance, new_parent=parent, actor=self.actor)
            else:
                return data
        except ValidationError as exc:
            self.add_error("parent", exc)
            return data
        # Same object the admin and its inlines hold, now with the tree fields the service wrote.
        self.instance.refresh_from_db()
        return data


@admin.register(Organization)
class OrganizationAdmin(GuardedModelAdminMixin, ThroughServicesAdmin):
    """Organizations are added and moved through the org services (their rules, author and event);
    no drag-and-drop moves. Per-organization grants (“对象权限”) as before."""

    form = OrganizationAdminForm
    list_display = ["indented_name", "short_name", "kind", "level"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    ordering = ["path"]
    list_per_page = 100
    inlines = [DepartmentInline]

    @admin.display(description=_("名称"), ordering="path")
    def indented_name(self, org: Organization) -> str:
        return f"{'　' * (org.depth - 1)}{org.name}"

    @admin.display(description=_("层级"), ordering="depth")
    def level(self, org: Organization) -> int:
        return org.depth

    # Guardian's per-organization grant pages (“对象权限”) save through the grant services.
    def get_obj_perms_manage_user_form(self, request):
        return _logged_grants(super().get_obj_perms_manage_user_form(request), "user", request.user)

    def get_obj_perms_manage_group_form(self, request):
        return _logged_grants(super().get_obj_perms_manage_group_form(request), "group", request.user)


def _logged_grants(form_class, holder_attr: str, actor):
    """Guardian's object-permission form, saving through permissions.grant / revoke with `actor`."""

    @transaction.atomic
    def save_obj_perms(self) -> None:
        holder = getattr(self, holder_attr)
        wanted = set(self.cleaned_data[self.get_obj_perms_field_name()])
        held = set(self.get_obj_perms_field_initial())
        for codename in sorted(held - wanted):
            permissions.revoke(holder, codename, self.obj, actor=actor)
        for codename in sorted(wanted - held):
            permissions.grant(holder, codename, self.obj, actor=actor)

    return type(form_class.__name__, (form_class,), {"save_obj_perms": save_obj_perms})



class PersonAdminForm(forms.ModelForm):
    """Adds through `person_create` (its author recorded on the organization's events) inside the
    form's validation; later edits are plain. `actor` is set per request by ThroughServicesAdmin.get_form."""

    actor = None

    class Meta:
        model = Person
        fields = ["name", "title", "organization", "department", "user"]

    def clean(self):
        data = super().clean()
        if self.errors or self.instance.pk is not None:
            return data
        try:
            created = org_services.person_create(
                name=data["name"], title=data.get("title") or "", organization=data["organization"],
                department=data.get("department"), user=data.get("user"), actor=self.actor,
            )
        except ValidationError as exc:
            self.add_error(None, exc)
            return data
        self.instance.pk = created.pk
        self.instance.refresh_from_db()
        return data


@admin.register(Person)
class PersonAdmin(ThroughServicesAdmin):
    form = PersonAdminForm
    list_display = ["name", "title", "organization", "department", "user"]
    search_fields = ["name", "title", "organization__name"]
    autocomplete_fields = ["organization", "user"]
    list_select_related = ["organization", "department", "user"]


class RoleAssignmentAdminForm(forms.ModelForm):
    """Adds through `role_assign` and ends through `role_end`, inside the form's validation (the admin
    view's transaction), so their rules and Chinese refusals apply here as on the site and a refusal
    is a form error, never a 500 (PostgreSQL's exclusion constraint backs `role_assign` up).
    `actor` is set per request by ThroughServicesAdmin.get_form."""

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
class RoleAssignmentAdmin(ThroughServicesAdmin):
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

    def save_model(self, request, obj, form, change) -> None:
        """Nothing left to write: the service saved the assignment while the form was validated."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class GrantAdminForm(forms.ModelForm):
    """Adds a grant through `permissions.grant` inside the form's validation, so the change is logged
    with the request's user as actor. `actor` is set per request by ThroughServicesAdmin.get_form."""

    actor = None
    holder_field = "user"

    def clean(self):
        data = super().clean()
        if self.errors or self.instance.pk is not None:
            return data
        holder, organization = data[self.holder_field], data["content_object"]
        capability = data["permission"].codename
        if not permissions.grant(holder, capability, organization, actor=self.actor):
            self.add_error(None, _("该授权已存在。"))
            return data
        self.instance = self._meta.model.objects.get(
            **{self.holder_field: holder}, permission=data["permission"], content_object=organization
        )
        return data

    def _post_clean(self) -> None:
        # The service saved the row; the model's own unique check would now find it.
        pass


class GrantAdmin(ThroughServicesAdmin):
    """Grants are added and revoked through `permissions.grant` / `permissions.revoke` (logged with
    the request's user); a grant is held or not, so it is never edited."""

    holder_field = "user"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.holder_field = self.holder_field
        if "permission" in form.base_fields:  # not on the (read-only) view of a grant
            form.base_fields["permission"].queryset = Permission.objects.filter(
                content_type__app_label="responsibilities", content_type__model="organization"
            )
        return form

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        """Nothing left to write: the service saved the grant while the form was validated."""

    def delete_model(self, request, obj) -> None:
        permissions.revoke(getattr(obj, self.holder_field), obj.permission.codename, obj.content_object,
                           actor=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset) -> None:
        for row in queryset.select_related(self.holder_field, "permission", "content_object"):
            self.delete_model(request, row)


@admin.register(OrganizationUserPermission)
class OrganizationUserPermissionAdmin(GrantAdmin):
    form = type("UserGrantAdminForm", (GrantAdminForm,), {"Meta": type("Meta", (), {
        "model": OrganizationUserPermission, "fields": ["user", "permission", "content_object"]})})
    list_display = ["user", "permission", "content_object"]
    list_select_related = ["user", "permission", "content_object"]
    search_fields = ["user__username", "content_object__name"]
    autocomplete_fields = ["user", "content_object"]


@admin.register(OrganizationGroupPermission)
class OrganizationGroupPermissionAdmin(GrantAdmin):
    holder_field = "group"
    form = type("GroupGrantAdminForm", (GrantAdminForm,), {"Meta": type("Meta", (), {
        "model": OrganizationGroupPermission, "fields": ["group", "permission", "content_object"]})})
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
    """Editable each November, when the State Council announces next year's holidays and 调休 days.

    Every change goes through `scheduling.workdays` (logged, and the open deadlines that follow the
    changed days are moved); a whole year is loaded from the notice's dates on the 「按通知录入全年」 page.
    """

    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]
    change_list_template = "admin/responsibilities/workcalendarday/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.load_year_view)
        return [path("load-year/", view, name="responsibilities_workcalendarday_load_year"), *super().get_urls()]

    def load_year_view(self, request):
        if not permissions.may_edit_work_calendar(request.user):
            raise PermissionDenied
        form = CalendarYearForm(request.POST or None)
        plan = None
        if request.method == "POST" and form.is_valid():
            year, holidays, days = (form.cleaned_data[k] for k in ("year", "holidays", "workdays"))
            if "confirm" in request.POST:
                plan = workdays.work_calendar_load_year(year=year, holidays=holidays, workdays=days,
                                                        actor=request.user)
                self.message_user(request, _(
                    "已录入%(year)s年节假日安排：放假 %(h)s 天，调休上班 %(w)s 天（新增 %(a)s、修改 %(c)s、删除 %(r)s）；"
                    "%(m)s 项工作任务的截止日期随之调整。") % {
                    "year": year, "h": len(holidays), "w": len(days), "a": len(plan.added), "c": len(plan.changed),
                    "r": len(plan.removed), "m": plan.moved})
                return redirect(f"{reverse('admin:responsibilities_workcalendarday_changelist')}?date__year={year}")
            plan = workdays.plan_year(year=year, holidays=holidays, workdays=days)
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form, "plan": plan,
            "title": _("按国务院办公厅通知录入全年节假日安排"),
            "days": _preview_rows(plan) if plan else [],
        }
        return TemplateResponse(request, "admin/responsibilities/workcalendarday/load_year.html", context)

    def save_model(self, request, obj, form, change):
        previous = form.initial.get("date") if change else None
        plan = workdays.work_calendar_change(
            enter={obj.date: (obj.kind, obj.name)}, remove=[previous] if previous and previous != obj.date else [],
            actor=request.user,
        )
        obj.pk = WorkCalendarDay.objects.get(date=obj.date).pk
        self._moved(request, plan.moved)

    def delete_model(self, request, obj):
        self.delete_queryset(request, WorkCalendarDay.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        plan = workdays.work_calendar_change(enter={}, remove=list(queryset.values_list("date", flat=True)),
                                             actor=request.user)
        self._moved(request, plan.moved)

    def _moved(self, request, moved: int) -> None:
        if moved:
            self.message_user(request, _("%(n)s 项工作任务的截止日期已随工作日历调整。") % {"n": moved})

    def has_add_permission(self, request) -> bool:
        return permissions.may_edit_work_calendar(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return permissions.may_edit_work_calendar(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return permissions.may_edit_work_calendar(request.user)


def _preview_rows(plan) -> list[dict]:
    """The preview's table: each day entered, changed or removed, in date order."""
    kinds = dict(WorkCalendarDay.Kind.choices)
    rows = [{"date": d, "kind": kinds[k], "name": n, "change": _("新增")} for d, (k, n) in plan.added.items()]
    rows += [{"date": d, "kind": kinds[k], "name": n, "change": _("修改")}
             for d, (_before, (k, n)) in plan.changed.items()]
    rows += [{"date": d, "kind": kinds[k], "name": n, "change": _("删除")} for d, (k, n) in plan.removed.items()]
    return sorted(rows, key=lambda row: row["date"])


class ReadOnlyAdmin(NamedUsersAdmin):
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

    list_display = ["organization", "work_system", "period_in_words", "due_date", "status"]

    @admin.display(description=_("期间"), ordering="period")
    def period_in_words(self, obj) -> str:
        return obj.period_label  # 2026年上半年, never the code
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
