"""Formal reports: drafts in versions, the secretary's sign-off, document numbers, upward submission.

A report belongs to its issuing organization and, for periodic kinds, to a period. Every save
makes a new version; signing freezes a version for good (number, PDF, SHA-256). A change after
signing makes a new version that needs a new signature.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibilities.models import Department, Organization, Person, StoredUpload
from responsibilities.periods import Period, PeriodKind, period_label


class ReportKind(models.TextChoices):
    HALF_YEAR = "half_year", _("半年专题汇报")
    INSPECTION = "inspection", _("年度专项督查报告")
    MAJOR = "major", _("重大情况专题报告")
    SUMMARY = "summary", _("汇总报告")
    NOTICE = "notice", _("通报")


# The kind of period a periodic report of each kind is made for (a 重大情况 report has none): the
# frequencies of the work systems the reports complete (responsibilities/defaults.py: party_report and
# summary_report half-yearly, inspection yearly). The one rule: report_create refuses any other pairing,
# and the report and board forms ask `period_mismatch` for their messages.
PERIOD_KINDS = {
    ReportKind.HALF_YEAR: PeriodKind.HALF,
    ReportKind.SUMMARY: PeriodKind.HALF,
    ReportKind.INSPECTION: PeriodKind.YEAR,
    ReportKind.NOTICE: PeriodKind.YEAR,
}


def period_mismatch(kind: str, period: Period | None) -> str:
    """"" when `period` suits a report of `kind`; else a Chinese sentence saying which period it takes
    (e.g. 「半年专题汇报的期间应为半年，如 2026年上半年 或 2026年下半年。」)."""
    wanted = PERIOD_KINDS.get(kind)
    label = ReportKind(kind).label if kind in ReportKind.values else kind
    if wanted is None:
        return "" if period is None else _("%(kind)s不按期间报送，请不选报告期间。") % {"kind": label}
    if period is None:
        return _("请选择报告期间。")
    if period.kind == wanted:
        return ""
    if wanted == PeriodKind.HALF:
        return _("%(kind)s的期间应为半年，如 2026年上半年 或 2026年下半年。") % {"kind": label}
    return _("%(kind)s的期间应为年度，如 2026年度。") % {"kind": label}


# The work system (WorkSystem.code) whose obligation a signed report of each kind completes.
COMPLETES = {
    ReportKind.HALF_YEAR: "party_report",
    ReportKind.SUMMARY: "summary_report",
    ReportKind.INSPECTION: "inspection",
    ReportKind.MAJOR: "major_report",
}


class Report(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SIGNED = "signed", _("已签发")
        SUBMITTED = "submitted", _("已报送")
        RECEIVED = "received", _("已签收")
        RETURNED = "returned", _("已退回")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="reports", verbose_name=_("发文组织")
    )
    kind = models.CharField(_("报告类型"), max_length=16, choices=ReportKind.choices)
    period = models.CharField(_("期间"), max_length=10, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("起草人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("报告")
        verbose_name_plural = _("报告")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            # One periodic report of a kind per organization and period (ad-hoc ones have no period).
            models.UniqueConstraint(
                fields=["organization", "kind", "period"], condition=~Q(period=""), name="report_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "signed", "submitted", "received", "returned"]),
                name="report_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_kind_display()} · {self.period_label}"

    @property
    def period_label(self) -> str:
        """The period in words (2026年上半年), "" for an ad-hoc report; `period` keeps the code."""
        return period_label(self.period)

    @property
    def permission_organization(self) -> Organization:
        return self.organization


class ReportVersion(models.Model):
    """One saved state of a report. Signed versions are frozen: the services never change them."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions", verbose_name=_("报告"))
    number = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=200)
    addressee = models.CharField(_("主送机关"), max_length=200)
    copy_to = models.CharField(_("抄送"), max_length=300, blank=True)
    blocks = models.JSONField(_("正文"), default=list)  # [{"level": 0-4, "text": "..."}]
    attachments = models.JSONField(_("附件"), default=list)  # ["附件名称", ...]
    facts = models.JSONField(_("数据统计"), default=dict, blank=True)
    note = models.CharField(_("修改说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("保存人")
    )
    created_at = models.DateTimeField(_("保存时间"), auto_now_add=True)
    # Sign-off (签发): all set together, once, by reporting.reports.services.report_sign.
    signed_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("签发账号"),
    )
    signer = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="signed_versions",
        verbose_name=_("签发人"),
    )
    delegation = models.ForeignKey(
        "Delegation", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("委托")
    )
    issuer = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("发文组织")
    )
    # A department issuing in its own name (the propaganda department's region summary), numbered in
    # its own series; null when the organization issues the document.
    issuer_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("发文部门")
    )
    doc_year = models.PositiveSmallIntegerField(_("发文年度"), null=True, blank=True)
    doc_seq = models.PositiveIntegerField(_("发文序号"), null=True, blank=True)
    doc_number = models.CharField(_("发文字号"), max_length=100, blank=True)
    pdf_name = models.CharField(max_length=100, blank=True, verbose_name=_("PDF 文件名"))
    pdf_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    # The accountability log's head (seq, hash) when the signed PDF was rendered, printed in its closing
    # block (issue #8 §4 anchoring; `manage.py verify_log --anchor SEQ:HASH` checks it). 0 / "": none.
    anchor_seq = models.PositiveBigIntegerField(_("存证日志序号"), null=True, blank=True)
    anchor_hash = models.CharField(_("存证日志哈希"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("报告版本")
        verbose_name_plural = _("报告版本")
        ordering = ["report_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_number_unique"),
            # 发文字号: one number per issuing organization (or department) and year, never two documents
            # with the same.
            models.UniqueConstraint(
                fields=["issuer", "doc_year", "doc_seq"],
                condition=Q(doc_seq__isnull=False, issuer_department__isnull=True),
                name="report_version_document_number_unique",
            ),
            models.UniqueConstraint(
                fields=["issuer_department", "doc_year", "doc_seq"],
                condition=Q(doc_seq__isnull=False, issuer_department__isnull=False),
                name="report_version_department_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | (Q(doc_seq__isnull=False) & ~Q(pdf_sha256="")),
                name="report_version_signed_has_number_and_hash",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} · v{self.number}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def permission_organization(self) -> Organization:
        return self.report.organization


class DocumentCounter(models.Model):
    """The last document number an organization (or one of its departments) issued in a year (发文字号
    without gaps)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("组织")
    )
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("部门")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    last = models.PositiveIntegerField(_("最后编号"), default=0)

    class Meta:
        verbose_name = _("发文编号")
        verbose_name_plural = _("发文编号")
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], condition=Q(department__isnull=True),
                                    name="document_counter_one_per_year"),
            models.UniqueConstraint(fields=["department", "year"], condition=Q(department__isnull=False),
                                    name="document_counter_department_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} · {self.year} · {self.last}"


class ReportAttachment(StoredUpload):
    """A file attached to a report version (附件). A new version carries the files of the version it
    follows (new rows pointing at the same stored file); a signed version's files never change."""

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="files",
                                verbose_name=_("报告版本"))
    title = models.CharField(_("附件名称"), max_length=200)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta(StoredUpload.Meta):
        verbose_name = _("报告附件")
        verbose_name_plural = _("报告附件")
        ordering = ["position", "pk"]

    @property
    def permission_organization(self) -> Organization:
        return self.version.report.organization

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


class DelegationQuerySet(models.QuerySet):
    def in_force_on(self, day: datetime.date) -> DelegationQuerySet:
        """Delegations whose window holds `day` and that have not been revoked."""
        return self.filter(start_date__lte=day, end_date__gte=day, revoked_at__isnull=True)


class Delegation(models.Model):
    """The secretary's written delegation: a deputy may sign for the organization in this window,
    until it is revoked."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="delegations", verbose_name=_("组织")
    )
    delegate = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="delegations", verbose_name=_("受托人")
    )
    start_date = models.DateField(_("起始日期"))
    end_date = models.DateField(_("结束日期"))
    reason = models.CharField(_("委托事由"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("撤销人"),
    )

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("签发委托")
        verbose_name_plural = _("签发委托")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="delegation_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.delegate} · {self.start_date:%Y-%m-%d}–{self.end_date:%Y-%m-%d}"

    @property
    def permission_organization(self) -> Organization:
        return self.organization

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_in_force_on(self, day: datetime.date) -> bool:
        return not self.is_revoked and self.start_date <= day <= self.end_date


class Submission(models.Model):
    """A signed version sent to the upper organization, and what it made of it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已报送")
        RECEIVED = "received", _("已签收")
        RETURNED = "returned", _("已退回")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("报告"))
    version = models.ForeignKey(ReportVersion, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("报告版本"))
    to_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="received_submissions", verbose_name=_("报送至")
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(_("报送时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("报送人")
    )
    deadline = models.DateField(_("报送期限"), null=True, blank=True)
    on_time = models.BooleanField(_("按时"), default=True)
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("处理人"),
    )
    return_reason = models.CharField(_("退回理由"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("报送")
        verbose_name_plural = _("报送")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            # A version is submitted once; a returned report comes back as a new version.
            models.UniqueConstraint(fields=["version"], name="submission_once_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.report} → {self.to_organization}"

    @property
    def permission_organization(self) -> Organization:
        return self.report.organization

    @property
    def days_late(self) -> int:
        """Calendar days (Beijing time) by which it missed its deadline: 0 when on time (`on_time`, fixed
        at submission), at least 1 when late, e.g. submitted 23 June for a 20 June deadline: 3."""
        if self.on_time:
            return 0
        if self.deadline is None:
            return 1
        return max(1, (timezone.localdate(self.submitted_at) - self.deadline).days)
