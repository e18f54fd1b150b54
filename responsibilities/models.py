"""Organizations, their departments, office-holders and dated role assignments.

Grants live in guardian's object-permission tables with direct foreign keys to
Organization (one row per user, capability and granted organization); the
permission module extends each grant to the organization's whole subtree.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from treebeard.mp_tree import MP_Node

from responsibilities.claims import ClaimQuerySet
from responsibilities.periods import DeadlineRule, PeriodKind, period_label


class Capability(models.TextChoices):
    """What a grant on an organization allows (guardian permission codenames on Organization).
    Defined here for Organization.Meta.permissions; used everywhere through responsibilities.permissions."""

    VIEW = "view", _("查看")
    MANAGE = "manage", _("管理责任与任务")
    DRAFT_REPORT = "draft_report", _("起草报告")
    SIGN_REPORT = "sign_report", _("签发")
    INSPECT = "inspect", _("纪检巡察")
    ADMINISTER = "administer", _("系统管理")


class Organization(MP_Node):
    """A party organization. Its subtree is one prefix query on the indexed `path`."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("党委")
        GROUP = "group", _("党组")
        WORKING_COMMITTEE = "working_committee", _("党工委")
        GENERAL_BRANCH = "general_branch", _("党总支")
        BRANCH = "branch", _("党支部")

    # treebeard's tree fields again, only to give them Chinese labels (the columns are unchanged).
    path = models.CharField(_("树路径"), max_length=255, unique=True)
    depth = models.PositiveIntegerField(_("层级"))
    numchild = models.PositiveIntegerField(_("下级数量"), default=0)
    name = models.CharField(_("名称"), max_length=200)
    short_name = models.CharField(
        _("简称"), max_length=50, blank=True, help_text=_("用于发文字号，例如“X县委”。")
    )
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    report_lead_days = models.PositiveSmallIntegerField(
        _("汇总提前天数"),
        default=10,
        help_text=_("下级向本组织报送需汇总的材料时，期限比本组织的期限提前的天数"),
    )

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        default_permissions = ()
        # Capabilities granted per organization; each reaches the whole subtree.
        permissions = Capability.choices
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
    # guardian's fields again, only to give them Chinese labels (the columns are unchanged).
    permission = models.ForeignKey(Permission, on_delete=models.CASCADE, verbose_name=_("权限"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("用户"))
    content_object = models.ForeignKey(Organization, on_delete=models.CASCADE, verbose_name=_("组织"))

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("用户授权")
        verbose_name_plural = _("用户授权")


class OrganizationGroupPermission(GroupObjectPermissionBase):
    permission = models.ForeignKey(Permission, on_delete=models.CASCADE, verbose_name=_("权限"))
    group = models.ForeignKey(Group, on_delete=models.CASCADE, verbose_name=_("用户组"))
    content_object = models.ForeignKey(Organization, on_delete=models.CASCADE, verbose_name=_("组织"))

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
    # The leadership team (领导班子) proper: not the leading group (领导小组) nor its liaisons.
    TEAM_ROLES = (Role.SECRETARY, Role.DIRECT, Role.MEMBER, Role.PUBLICITY)

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


# ---------------------------------------------------------------------------------
# Work systems (工作制度), the responsibility list (责任清单) and obligations
# ---------------------------------------------------------------------------------


class Responsible(models.TextChoices):
    """Who answers for a duty or an obligation inside an organization."""

    SECRETARY = "secretary", _("第一责任人")
    DIRECT = "direct", _("直接责任人")
    MEMBERS = "members", _("班子成员（一岗双责）")
    PUBLICITY = "publicity", _("宣传委员")
    PROPAGANDA = "propaganda", _("宣传部门")
    GROUP_OFFICE = "group_office", _("领导小组办公室")


# The role holders notified for each kind of responsibility.
RESPONSIBLE_ROLES: dict[str, tuple[str, ...]] = {
    Responsible.SECRETARY: (RoleAssignment.Role.SECRETARY,),
    Responsible.DIRECT: (RoleAssignment.Role.DIRECT,),
    Responsible.MEMBERS: (RoleAssignment.Role.MEMBER,),
    Responsible.PUBLICITY: (RoleAssignment.Role.PUBLICITY,),
    Responsible.PROPAGANDA: (RoleAssignment.Role.DIRECT, RoleAssignment.Role.PUBLICITY),
    Responsible.GROUP_OFFICE: (RoleAssignment.Role.GROUP_OFFICE_DIRECTOR,),
}


class Frequency(models.TextChoices):
    """How often a work system recurs: once per period of a `PeriodKind` (its values are those
    kinds'), or 适时 with no period."""

    MONTH = PeriodKind.MONTH, _("每月")
    QUARTER = PeriodKind.QUARTER, _("每季度")
    HALF = PeriodKind.HALF, _("每半年")
    YEAR = PeriodKind.YEAR, _("每年")
    AS_NEEDED = "as_needed", _("适时（及时报告）")

    @property
    def period_kind(self) -> PeriodKind | None:
        return None if self is Frequency.AS_NEEDED else PeriodKind(self.value)


class EvidenceKind(models.TextChoices):
    MEETING = "meeting", _("会议记录")
    DOCUMENT = "document", _("文件材料")
    REPORT = "report", _("签发的报告")


class WorkSystem(models.Model):
    """A work system from DOMAIN.md §4 with its default rules; organizations may override them."""

    code = models.SlugField(_("代码"), max_length=50, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    obligation = models.CharField(_("工作要求"), max_length=300)
    citation = models.CharField(_("依据条款"), max_length=200, blank=True)
    frequency = models.CharField(_("频次"), max_length=16, choices=Frequency.choices)
    required_count = models.PositiveSmallIntegerField(_("每期要求次数"), default=1)
    deadline_rule = models.CharField(
        _("期限规则"), max_length=32, choices=DeadlineRule.choices, default=DeadlineRule.END_OF_PERIOD
    )
    deadline_days = models.PositiveSmallIntegerField(_("期限天数"), default=0)
    fixed_dates = models.CharField(_("固定日期"), max_length=100, blank=True, help_text=_("按期次填写 MM-DD，逗号分隔，如 06-30,12-31"))
    cascaded = models.BooleanField(
        _("逐级汇总"), default=False, help_text=_("下级期限 = 上级期限 − 上级设定的提前天数")
    )
    responsible = models.CharField(_("责任主体"), max_length=32, choices=Responsible.choices)
    applies_to = models.JSONField(_("适用组织类型"), default=list)
    evidence = models.CharField(_("佐证材料"), max_length=16, choices=EvidenceKind.choices)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("工作制度")
        verbose_name_plural = _("工作制度")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class WorkSystemOverride(models.Model):
    """An organization's own numbers for a work system; applies to its subtree unless overridden below.

    Empty fields inherit from the nearest ancestor's override, then from the work system.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="work_system_overrides", verbose_name=_("组织")
    )
    work_system = models.ForeignKey(
        WorkSystem, on_delete=models.CASCADE, related_name="overrides", verbose_name=_("工作制度")
    )
    enabled = models.BooleanField(_("适用"), null=True, blank=True)
    frequency = models.CharField(_("频次"), max_length=16, choices=Frequency.choices, blank=True)
    required_count = models.PositiveSmallIntegerField(_("每期要求次数"), null=True, blank=True)
    deadline_rule = models.CharField(_("期限规则"), max_length=32, choices=DeadlineRule.choices, blank=True)
    deadline_days = models.PositiveSmallIntegerField(_("期限天数"), null=True, blank=True)
    fixed_dates = models.CharField(_("固定日期"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("工作制度调整")
        verbose_name_plural = _("工作制度调整")
        constraints = [
            models.UniqueConstraint(fields=["organization", "work_system"], name="override_one_per_org_system"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.work_system}"

    @property
    def permission_organization(self) -> Organization:
        return self.organization

    def clean(self) -> None:
        """Refuse a rule that cannot give a deadline (it would be skipped by every generation)."""
        from django.core.exceptions import ValidationError

        from responsibilities.periods import Period, deadline_for

        if self.work_system_id is None:
            return
        system = self.work_system
        frequency = self.frequency or system.frequency
        if frequency == Frequency.AS_NEEDED:
            return
        rule = self.deadline_rule or system.deadline_rule
        fixed = self.fixed_dates or system.fixed_dates
        try:
            for period in Period.all_in_year(Frequency(frequency).period_kind, 2026):
                deadline_for(period, rule, days=self.deadline_days or system.deadline_days, fixed_dates=fixed)
        except ValueError as exc:
            raise ValidationError(
                _("期限规则与频次不匹配：%(error)s（固定日期须按期次逐一填写 MM-DD，如每半年填“06-30,12-31”）。")
                % {"error": exc}
            ) from exc


class DutyItemQuerySet(models.QuerySet):
    def active(self) -> DutyItemQuerySet:
        return self.filter(retired_at__isnull=True)


class DutyItem(models.Model):
    """One line of an organization's responsibility list (可落实、可比较、可认定)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="duty_items", verbose_name=_("组织")
    )
    content = models.TextField(_("责任内容"))
    responsible = models.CharField(_("责任主体"), max_length=32, choices=Responsible.choices)
    responsible_person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="duty_items", verbose_name=_("责任人")
    )
    lead_unit = models.CharField(_("牵头单位"), max_length=200, blank=True)
    responsible_units = models.CharField(_("责任单位"), max_length=500, blank=True)
    verification = models.TextField(_("认定标准（佐证）"), help_text=_("以什么材料证明已落实"))
    work_system = models.ForeignKey(
        WorkSystem, on_delete=models.PROTECT, null=True, blank=True, related_name="duty_items", verbose_name=_("关联工作制度")
    )
    recurrence = models.CharField(_("频次"), max_length=100, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    source = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies", verbose_name=_("下发来源")
    )
    source_version = models.PositiveIntegerField(_("来源版本"), default=0)
    version = models.PositiveIntegerField(_("版本"), default=1)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = DutyItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("责任清单条目")
        verbose_name_plural = _("责任清单条目")
        ordering = ["organization_id", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source"],
                condition=Q(source__isnull=False),
                name="duty_item_one_copy_per_org",
            ),
        ]

    def __str__(self) -> str:
        return self.content[:40]

    @property
    def permission_organization(self) -> Organization:
        return self.organization


class ObligationQuerySet(ClaimQuerySet):
    def open(self) -> ObligationQuerySet:
        return self.filter(status__in=(Obligation.Status.OPEN, Obligation.Status.OVERDUE))

    def late_at(self, moment: datetime.datetime) -> ObligationQuerySet:
        """Obligations whose deadline has passed at `moment`: the query form of `Obligation.is_late_at`."""
        return self.filter(due_at__lte=moment)

    def in_period(self, start: datetime.date, end: datetime.date) -> ObligationQuerySet:
        return self.filter(period_start__gte=start, period_end__lte=end)


class Obligation(models.Model):
    """One dated occurrence of a work system for an organization and period."""

    class Status(models.TextChoices):
        OPEN = "open", _("待办")
        DONE = "done", _("已完成")
        OVERDUE = "overdue", _("逾期")
        DONE_LATE = "done_late", _("逾期完成")
        WAIVED = "waived", _("免除")

    # Lookups by organization use the unique (organization, work_system, period) index;
    # fewer indexes keep the sweeps' bulk status updates cheap.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="obligations", verbose_name=_("组织"),
        db_index=False,
    )
    work_system = models.ForeignKey(
        WorkSystem, on_delete=models.PROTECT, related_name="obligations", verbose_name=_("工作制度")
    )
    period = models.CharField(_("期间"), max_length=10)
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    due_date = models.DateField(_("截止日期"), null=True, blank=True)
    # Counted in working days through a year whose holidays were not yet entered (periods.deadline_provisional):
    # shown as 暂定, and moved by scheduling.workdays when that year's calendar is entered.
    due_provisional = models.BooleanField(_("截止日期暂定"), default=False)
    # The first moment the obligation is late: the start of the day after due_date (Asia/Shanghai).
    due_at = models.DateTimeField(_("逾期时点"), null=True, blank=True)
    required_count = models.PositiveSmallIntegerField(_("要求次数"), default=1)
    responsible = models.CharField(_("责任主体"), max_length=32, choices=Responsible.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    next_reminder_at = models.DateTimeField(_("下次提醒"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("完成登记人"), db_index=False,
    )
    waived_reason = models.CharField(_("免除理由"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    objects = ObligationQuerySet.as_manager()

    class Meta:
        verbose_name = _("工作任务")
        verbose_name_plural = _("工作任务")
        ordering = ["due_date", "organization_id", "work_system_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "work_system", "period"], name="obligation_one_per_org_system_period"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "done", "overdue", "done_late", "waived"]),
                name="obligation_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="obligation_period_ordered"
            ),
        ]
        indexes = [
            # The sweeps' work queues: partial, so a row leaves them when it is claimed.
            models.Index(fields=["due_at"], name="obligation_due_idx", condition=Q(status="open")),
            models.Index(
                fields=["next_reminder_at"], name="obligation_remind_idx", condition=Q(next_reminder_at__isnull=False)
            ),
            models.Index(fields=["period_start", "period_end", "status"], name="obligation_period_idx"),
            # The calendar warning's question: is an open deadline provisional (a year's holidays missing)?
            models.Index(fields=["due_date"], name="obligation_provisional_idx",
                         condition=Q(status="open", due_provisional=True)),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.work_system} · {self.period_label}"

    @property
    def period_label(self) -> str:
        """The period in words (2026年上半年); the code stays in `period` for URLs and lookups."""
        return period_label(self.period)

    @property
    def permission_organization(self) -> Organization:
        return self.organization

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.OVERDUE)

    def is_late_at(self, moment: datetime.datetime) -> bool:
        """Is `moment` past the deadline? From `due_at` on (00:00 Beijing time after the deadline day) it is late;
        an obligation without a deadline never is. The one lateness rule: completion (done or done_late),
        re-opening (open or overdue), a report's 按时/逾期 and the overdue sweep (`late_at`) all ask it."""
        return self.due_at is not None and moment >= self.due_at


class MeetingRecord(models.Model):
    """Evidence for meetings and studies: date, place, chair, attendees, topic, discussion, decisions."""

    obligation = models.ForeignKey(
        Obligation, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("工作任务")
    )
    held_on = models.DateField(_("会议日期"))
    place = models.CharField(_("地点"), max_length=200)
    chair = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="chaired_meetings", verbose_name=_("主持人")
    )
    attendees = models.ManyToManyField(Person, related_name="meetings", verbose_name=_("参会人员"))
    other_attendees = models.CharField(_("其他参会人员"), max_length=500, blank=True)
    topic = models.CharField(_("议题"), max_length=300)
    discussion = models.TextField(_("讨论情况"))
    decisions = models.TextField(_("议定事项"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    # Corrections keep the row (its files, its 登记时间) and raise the version; each earlier version's
    # content stays in the obligation's history (the `evidence_corrected` event's data).
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("撤回理由"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("会议记录")
        verbose_name_plural = _("会议记录")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.topic}"

    @property
    def permission_organization(self) -> Organization:
        return self.obligation.organization


class StoredUpload(models.Model):
    """A file uploaded through responsibilities.work.uploads: stored outside the web root under a generated
    name, served only through a view that checked who may see it. Obligations' evidence and
    accountability's evidence files are both such files."""

    original_name = models.CharField(_("文件名"), max_length=255)
    stored_name = models.CharField(max_length=100, unique=True, verbose_name=_("存储文件名"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class EvidenceFile(StoredUpload):
    """An obligation's evidence file; attached to one of its meeting records (签到表, 会议纪要, 照片) or not."""

    obligation = models.ForeignKey(
        Obligation, on_delete=models.PROTECT, related_name="files", verbose_name=_("工作任务")
    )
    meeting = models.ForeignKey(
        MeetingRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="files",
        verbose_name=_("会议记录"),
    )
    title = models.CharField(_("标题"), max_length=200, blank=True)

    class Meta(StoredUpload.Meta):
        verbose_name = _("佐证文件")
        verbose_name_plural = _("佐证文件")

    @property
    def permission_organization(self) -> Organization:
        return self.obligation.organization


class WorkCalendarDay(models.Model):
    """A statutory holiday or an adjusted working day (调休). Editable: the State Council announces each November."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日")
        WORKDAY = "workday", _("调休上班日")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"


class Notification(models.Model):
    """An in-app message; the e-mail copy is sent by a sweep that claims `emailed_at`.

    One notification per (obligation or item, kind, offset, recipient): a tick that runs
    twice, late or in two workers at once cannot send the same reminder twice.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("到期提醒")
        OVERDUE = "overdue", _("逾期通知")
        ESCALATION = "escalation", _("逾期督办")
        MESSAGE = "message", _("消息")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("接收人")
    )
    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications",
        verbose_name=_("工作任务"),
    )
    # Any other deadline-bearing item the sweeps chase (responsibilities.scheduling.chase), e.g.
    # "accountability.finding" and its id; obligations use their own column above.
    item_type = models.CharField(_("事项类型"), max_length=60, blank=True, default="")
    item_id = models.BigIntegerField(_("事项"), null=True, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    offset_days = models.SmallIntegerField(_("提前天数"), default=0)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    # When the step the notice asks for was done (the obligation completed or waived, the report
    # signed, submitted, received): `work.services.notifications_close`, the one writer.
    done_at = models.DateTimeField(_("已办结时间"), null=True, blank=True)
    sender = models.ForeignKey(  # who sent a message by hand (催报); empty for the scheduler's notices
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("发送人"),
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "kind", "offset_days", "recipient"],
                condition=Q(obligation__isnull=False),
                name="notification_once_per_obligation_kind_offset_recipient",
            ),
            models.UniqueConstraint(
                fields=["item_type", "item_id", "kind", "offset_days", "recipient"],
                condition=Q(item_id__isnull=False),
                name="notification_once_per_item_kind_offset_recipient",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx"),
            models.Index(fields=["emailed_at"], name="notification_outbox_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


# The events (what happened to a row, by whom and when) live in responsibilities/events.py; imported
# here so that Django registers them with this app and callers find every model in one place.
from responsibilities.events import DutyItemEvent, Event, ObligationEvent, OrganizationEvent  # noqa: E402,F401
from responsibilities.heartbeat import Heartbeat  # noqa: E402,F401
from responsibilities.jobs import ExportJob  # noqa: E402,F401
from responsibilities.log import LogEntry  # noqa: E402,F401
from responsibilities.security import LoginThrottle, SecurityEvent  # noqa: E402,F401
