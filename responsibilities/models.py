"""Organizations, their departments, office-holders and dated role assignments.

Grants live in guardian's object-permission tables with direct foreign keys to
Organization (one row per user, capability and granted organization); the
permission module extends each grant to the organization's whole subtree.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from treebeard.mp_tree import MP_Node


class Organization(MP_Node):
    """A party organization. Its subtree is one prefix query on the indexed `path`."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("党委")
        GROUP = "group", _("党组")
        WORKING_COMMITTEE = "working_committee", _("党工委")
        GENERAL_BRANCH = "general_branch", _("党总支")
        BRANCH = "branch", _("党支部")

    name = models.CharField(_("名称"), max_length=200)
    short_name = models.CharField(
        _("简称"), max_length=50, blank=True, help_text=_("用于发文字号，例如“X县委”。")
    )
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        default_permissions = ()
        # Capabilities granted per organization; each reaches the whole subtree.
        permissions = [
            ("view", _("查看")),
            ("manage", _("管理责任与任务")),
            ("draft_report", _("起草报告")),
            ("sign_report", _("签发")),
            ("inspect", _("纪检巡察")),
            ("administer", _("系统管理")),
        ]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_paths(self) -> list[str]:
        """Paths of this organization and every ancestor, root first."""
        step = self.steplen
        return [self.path[: step * i] for i in range(1, self.depth + 1)]

    @property
    def permission_organization(self) -> Organization:
        return self


class OrganizationUserPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Organization, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("用户授权")
        verbose_name_plural = _("用户授权")


class OrganizationGroupPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Organization, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("用户组授权")
        verbose_name_plural = _("用户组授权")


class Department(models.Model):
    """A working department of an organization (reports and filings are addressed to these)."""

    class Kind(models.TextChoices):
        PROPAGANDA = "propaganda", _("宣传部门")
        ORGANIZATION = "organization", _("组织部门")
        DISCIPLINE = "discipline", _("纪检机关")
        INSPECTION = "inspection", _("巡察机构")
        OFFICE = "office", _("办公室")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="departments", verbose_name=_("所属组织")
    )
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=200)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["organization_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind"], name="department_one_per_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def permission_organization(self) -> Organization:
        return self.organization


class Person(models.Model):
    """An office-holder. Zeren records office-holders' duties only (DOMAIN.md §8)."""

    name = models.CharField(_("姓名"), max_length=100)
    title = models.CharField(_("职务"), max_length=200, blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("所在组织"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("所在部门"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("用户账号"),
    )

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def permission_organization(self) -> Organization:
        return self.organization


class RoleAssignmentQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date) -> RoleAssignmentQuerySet:
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)

    def current(self) -> RoleAssignmentQuerySet:
        return self.active_on(timezone.localdate())

    def overlapping(
        self, start: datetime.date, end: datetime.date | None
    ) -> RoleAssignmentQuerySet:
        """Assignments whose [start_date, end_date] meets [start, end] (None = open-ended)."""
        qs = self.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        if end is not None:
            qs = qs.filter(start_date__lte=end)
        return qs


class RoleAssignment(models.Model):
    """Person × organization × role over a date range (end date inclusive, open-ended allowed)."""

    class Role(models.TextChoices):
        SECRETARY = "secretary", _("第一责任人（书记）")
        DIRECT = "direct", _("直接责任人（分管领导）")
        MEMBER = "member", _("班子成员（一岗双责）")
        PUBLICITY = "publicity", _("宣传委员")
        GROUP_HEAD = "group_head", _("领导小组组长")
        GROUP_DEPUTY = "group_deputy", _("领导小组副组长")
        GROUP_MEMBER = "group_member", _("领导小组成员")
        GROUP_OFFICE_DIRECTOR = "group_office_director", _("领导小组办公室主任")
        LIAISON = "liaison", _("联络员")

    # Roles that at most one person may hold in an organization on any date.
    SINGLE_HOLDER_ROLES = (Role.SECRETARY, Role.GROUP_HEAD)

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="roles", verbose_name=_("人员")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="roles", verbose_name=_("组织")
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    start_date = models.DateField(_("起始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True, help_text=_("含当日；留空表示至今"))
    portfolio = models.CharField(
        _("分管领域"), max_length=500, blank=True, help_text=_("分管的部门、单位或包抓村（社区）")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("结束登记人"),
    )

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        ordering = ["organization_id", "role", "-start_date"]
        indexes = [
            models.Index(fields=["organization", "role", "start_date"]),
            models.Index(fields=["person", "start_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="role_assignment_end_not_before_start",
            ),
        ]
        # PostgreSQL additionally holds an exclusion constraint (migration 0002):
        # no two single-holder assignments of one organization overlap in time.

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_role_display()} · {self.person}"

    @property
    def permission_organization(self) -> Organization:
        return self.organization

    def is_active_on(self, day: datetime.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)
