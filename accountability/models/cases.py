"""Findings and their rectification (问题清单与整改) and accountability cases (问责).

DOMAIN.md §5–§6; the seeds' 追责情形 (000 篇二 第十二条, 篇三 (三)), 第十三条 (who bears what) and
第十四条 (decided by the organization with management authority, filed with the upper organization
department). A finding and a case carry their deadline on the row (`due_date`, `due_at`,
`next_reminder_at`), so the scheduler's sweeps chase them as they chase obligations
(responsibilities.scheduling.chase).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from responsibilities.claims import ClaimQuerySet
from responsibilities.models import Organization, Person, RoleAssignment, StoredUpload

__all__ = ["AccountabilityFile", "Case", "CaseSubject", "Circumstance", "Finding", "Measure"]


class AccountabilityFile(StoredUpload):
    """An evidence file of a finding or a case, stored once (responsibilities.work.uploads rules) and
    referenced by every finding and case it supports: escalating a finding shares its files."""

    class Meta(StoredUpload.Meta):
        verbose_name = _("问责佐证文件")
        verbose_name_plural = _("问责佐证文件")


class Severity(models.TextChoices):
    # Contexts keep these apart from the same words elsewhere (an assessment's grade 一般).
    MINOR = "minor", pgettext_lazy("问题严重程度", "一般")
    MAJOR = "major", pgettext_lazy("问题严重程度", "较重")
    SERIOUS = "serious", pgettext_lazy("问题严重程度", "严重")


class Finding(models.Model):
    """One problem found by an assessment or an inspection, with its rectification (整改)."""

    class Source(models.TextChoices):
        ASSESSMENT = "assessment", _("检查考核")
        INSPECTION = "inspection", _("巡察督查")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        PENDING = "pending", _("待整改")
        RECTIFYING = "rectifying", _("整改中")
        SUBMITTED = "submitted", _("已整改待核验")
        CLOSED = "closed", _("已销号")
        OVERDUE = "overdue", _("逾期")

    # Still to be rectified: what reminders chase and the overdue sweep marks.
    OWED = (Status.PENDING, Status.RECTIFYING)

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="findings", verbose_name=_("整改单位")
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    source_reference = models.CharField(_("来源说明"), max_length=300, blank=True)
    description = models.TextField(_("问题描述"))
    severity = models.CharField(_("严重程度"), max_length=16, choices=Severity.choices, default=Severity.MINOR)
    facts_date = models.DateField(_("问题发生日期"))
    responsible_role = models.CharField(
        _("责任岗位"), max_length=32, choices=RoleAssignment.Role.choices, default=RoleAssignment.Role.SECRETARY
    )
    responsible_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("责任人")
    )
    measures = models.TextField(_("整改措施"))
    due_date = models.DateField(_("整改期限"))
    due_at = models.DateTimeField(_("逾期时点"))
    next_reminder_at = models.DateTimeField(_("下次提醒"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    rectification = models.TextField(_("整改情况"), blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    files = models.ManyToManyField(AccountabilityFile, blank=True, related_name="findings", verbose_name=_("整改佐证"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交整改时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("核验人"),
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题清单")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "rectifying", "submitted", "closed", "overdue"]),
                name="finding_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], name="finding_due_idx", condition=Q(status__in=["pending", "rectifying"])),
            models.Index(fields=["next_reminder_at"], name="finding_remind_idx",
                         condition=Q(next_reminder_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.description[:40]

    @property
    def permission_organization(self) -> Organization:
        return self.organization

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class Circumstance(models.Model):
    """A 追责情形 of the seeds' general list of ten or network list of nine (accountability.catalogue)."""

    class List(models.TextChoices):
        GENERAL = "general", _("意识形态工作责任制")
        NETWORK = "network", _("网络意识形态工作责任制")

    code = models.SlugField(_("代码"), max_length=50, unique=True)
    list = models.CharField(_("清单"), max_length=16, choices=List.choices)
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("情形"))
    citation = models.CharField(_("依据"), max_length=200)

    class Meta:
        verbose_name = _("追责情形")
        verbose_name_plural = _("追责情形")
        ordering = ["list", "number"]

    def __str__(self) -> str:
        return f"（{self.number}）{self.text[:40]}"


class Measure(models.Model):
    """A 问责措施 of the configurable catalogue (seeded from accountability.catalogue.MEASURES)."""

    code = models.SlugField(_("代码"), max_length=50, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    category = models.CharField(_("类别"), max_length=50, blank=True)
    severity = models.PositiveSmallIntegerField(_("轻重（越大越重）"), default=1)
    citation = models.CharField(_("依据"), max_length=200, blank=True)
    active = models.BooleanField(_("可选用"), default=True)

    class Meta:
        verbose_name = _("问责措施")
        verbose_name_plural = _("问责措施")
        ordering = ["severity", "code"]

    def __str__(self) -> str:
        return f"{self.category}·{self.name}" if self.category and self.category != self.name else self.name


class Case(models.Model):
    """An accountability case (问责) against an organization's leadership team and/or its leaders."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("登记")
        PRELIMINARY = "preliminary", _("初核")
        OPENED = "opened", _("立案")
        INVESTIGATING = "investigating", _("调查")
        DECIDED = "decided", _("决定")
        EXECUTING = "executing", _("执行")
        FILED = "filed", _("备案")
        ARCHIVED = "archived", _("归档")
        DISMISSED = "dismissed", _("不予立案")

    class Source(models.TextChoices):
        FINDING = "finding", _("问题清单")
        INSPECTION = "inspection", _("巡察督查")
        REPORT = "report", _("信访举报")
        OTHER = "other", _("其他")

    class Mode(models.TextChoices):
        COLLECTIVE = "collective", _("集体决策")
        INDIVIDUAL = "individual", _("个人决定或批准")

    # Cases still being worked (an inspector's "in progress").
    IN_PROGRESS = (Status.REGISTERED, Status.PRELIMINARY, Status.OPENED, Status.INVESTIGATING, Status.DECIDED,
                   Status.EXECUTING)

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="cases", verbose_name=_("被问责组织")
    )
    title = models.CharField(_("案由"), max_length=200)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    source_reference = models.CharField(_("来源说明"), max_length=300, blank=True)
    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("来源问题")
    )
    facts_date = models.DateField(_("问题发生日期"))
    facts = models.TextField(_("基本事实"))
    circumstances = models.ManyToManyField(Circumstance, blank=True, related_name="cases", verbose_name=_("追责情形"))
    files = models.ManyToManyField(AccountabilityFile, blank=True, related_name="cases", verbose_name=_("证据材料"))
    proposer = models.CharField(
        _("问责建议"), max_length=300, blank=True, help_text=_("例如：市委宣传部提出的问责建议（第十四条）")
    )
    authority = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("问责决定机关"),
        help_text=_("对被问责组织有管理权限的党组织，默认为其上级党委"),
    )
    decision_mode = models.CharField(_("决策方式"), max_length=16, choices=Mode.choices, default=Mode.COLLECTIVE)
    decided_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("个人决定者")
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REGISTERED)
    status_note = models.TextField(_("说明"), blank=True)
    decision_date = models.DateField(_("决定日期"), null=True, blank=True)
    decision_number = models.CharField(_("决定书文号"), max_length=100, blank=True)
    decision_pdf = models.CharField(max_length=100, blank=True, verbose_name=_("决定书 PDF 文件名"))
    decision_sha256 = models.CharField(_("决定书 SHA-256"), max_length=64, blank=True)
    # The filing (备案) with the upper organization department, chased like any deadline.
    filing_to = models.CharField(_("备案机关"), max_length=200, blank=True)
    due_date = models.DateField(_("备案期限"), null=True, blank=True)
    due_at = models.DateTimeField(_("逾期时点"), null=True, blank=True)
    next_reminder_at = models.DateTimeField(_("下次提醒"), null=True, blank=True)
    filing_overdue_at = models.DateTimeField(_("备案逾期时间"), null=True, blank=True)
    filed_at = models.DateTimeField(_("备案时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("问责案件")
        verbose_name_plural = _("问责案件")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["registered", "preliminary", "opened", "investigating", "decided",
                                        "executing", "filed", "archived", "dismissed"]),
                name="case_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def permission_organization(self) -> Organization:
        return self.organization


class CaseSubject(models.Model):
    """Who is held to account in a case: the leadership team collectively (no person) or one leader,
    with the role held on the date of the facts, the decision facts, the proposed and final
    responsibility (第十三条) and the measure."""

    class Role(models.TextChoices):
        FIRST = "first_responsible", _("第一责任人")
        DIRECT = "direct_responsible", _("直接责任人")
        MEMBER = "member", _("班子成员")

    class Responsibility(models.TextChoices):
        MAIN = "main_leadership", _("主要领导责任")
        IMPORTANT = "important_leadership", _("重要领导责任")
        PERSONAL = "personal", _("个人责任")
        NONE = "none", _("不承担领导责任")
        COLLECTIVE = "collective", _("集体责任")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="subjects", verbose_name=_("案件"))
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("被问责人")
    )
    role = models.CharField(_("岗位"), max_length=32, choices=Role.choices, blank=True)
    title = models.CharField(_("时任职务"), max_length=200, blank=True)
    participated = models.BooleanField(_("参与决策"), default=True)
    opposed = models.BooleanField(_("明确反对且未被采纳"), default=False)
    in_charge = models.BooleanField(_("直接分管"), default=False)
    proposed = models.CharField(_("建议认定"), max_length=32, choices=Responsibility.choices, blank=True)
    proposed_rule = models.CharField(_("认定规则"), max_length=300, blank=True)
    proposed_clause = models.CharField(_("依据条款"), max_length=200, blank=True)
    responsibility = models.CharField(_("认定责任"), max_length=32, choices=Responsibility.choices, blank=True)
    override_reason = models.TextField(_("调整理由"), blank=True)
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("问责措施")
    )

    class Meta:
        verbose_name = _("被问责对象")
        verbose_name_plural = _("被问责对象")
        ordering = ["case_id", "person_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="case_subject_once"),
            models.UniqueConstraint(fields=["case"], condition=Q(person__isnull=True), name="case_team_once"),
        ]

    def __str__(self) -> str:
        return self.person.name if self.person_id else str(_("领导班子（集体）"))

    @property
    def is_team(self) -> bool:
        return self.person_id is None

    @property
    def permission_organization(self) -> Organization:
        return self.case.organization
