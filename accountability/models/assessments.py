"""Inspection and assessment (检查考核, 000 第七条, 第十七条; 000 篇四 第十四条; 002 篇六 一票否决).

- Rubric (指标体系): one per organization and year, a tree of Indicators; leaves carry the points.
- Campaign: a year's assessment of subordinate organizations by an assessing organization.
- Assessment: one assessed organization in a campaign, moving 待自评 → 已自评 → 已评分 → 已发布.
- IndicatorScore: the self-assessment and the assessor's score of one leaf for one assessment.
- AssessmentFile: evidence uploaded with the self-assessment, per indicator.
- Suggestion: a deduction proposed from the data, with its evidence, accepted or rejected by the assessor.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from responsibilities.models import Organization, StoredUpload

__all__ = ["Rubric", "Indicator", "Campaign", "Assessment", "IndicatorScore", "AssessmentFile", "Suggestion"]

POINTS = {"max_digits": 6, "decimal_places": 1}


class Rubric(models.Model):
    """指标体系 of an organization for a year (copied from the default, then edited)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="rubrics", verbose_name=_("组织")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核指标体系")
        verbose_name_plural = _("考核指标体系")
        ordering = ["-year", "organization_id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="rubric_one_per_org_year"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def permission_organization(self) -> Organization:
        return self.organization


class Indicator(models.Model):
    """One node of the tree. A leaf is scored by points awarded or by deductions per occurrence up to a cap;
    a veto leaf (一票否决) carries no points and fails the assessment when found."""

    class Method(models.TextChoices):
        AWARD = "award", _("评分")
        DEDUCT = "deduct", _("扣分")
        VETO = "veto", _("一票否决")

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("指标体系"))
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("上级指标")
    )
    name = models.CharField(_("指标"), max_length=200)
    code = models.CharField(_("代码"), max_length=40, blank=True)  # ties data-based suggestions to a leaf
    method = models.CharField(_("评分方式"), max_length=8, choices=Method.choices, blank=True)
    points = models.DecimalField(_("分值"), default=Decimal("0"), **POINTS)
    per_occurrence = models.DecimalField(_("每次扣分"), null=True, blank=True, **POINTS)
    cap = models.DecimalField(_("扣分上限"), null=True, blank=True, **POINTS)
    criteria = models.TextField(_("评分标准"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(method__in=["", "award", "deduct", "veto"]), name="indicator_method_valid"),
            models.CheckConstraint(condition=Q(points__gte=0), name="indicator_points_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def permission_organization(self) -> Organization:
        return self.rubric.organization

    @property
    def is_leaf(self) -> bool:
        return bool(self.method)


class Campaign(models.Model):
    """A year's inspection and assessment of subordinate organizations (000 第七条, 第十七条)."""

    class Method(models.TextChoices):
        RANDOM = "random", _("随机抽查")
        CROSS = "cross", _("交叉检查")
        SURVEY = "survey", _("问卷调查")
        FORUM = "forum", _("座谈")
        DEMOCRATIC = "democratic", _("民主评议")
        REPORT = "report", _("专题汇报")

    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        PUBLISHED = "published", _("已发布")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="assessment_campaigns", verbose_name=_("考核单位")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=200)
    methods = models.JSONField(_("考核方式"), default=list)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("指标体系"))
    good_from = models.DecimalField(_("“好”的最低分"), default=Decimal("90"), **POINTS)
    fairly_good_from = models.DecimalField(_("“较好”的最低分"), default=Decimal("80"), **POINTS)
    average_from = models.DecimalField(_("“一般”的最低分"), default=Decimal("60"), **POINTS)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("发布人"),
    )
    # The 通报 (assessment bulletin) fixed at publication: number from the issuer's document counter.
    doc_year = models.PositiveSmallIntegerField(_("发文年度"), null=True, blank=True)
    doc_seq = models.PositiveIntegerField(_("发文序号"), null=True, blank=True)
    doc_number = models.CharField(_("发文字号"), max_length=100, blank=True)
    pdf_name = models.CharField(max_length=100, blank=True, verbose_name=_("PDF 文件名"))
    pdf_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("考核")
        verbose_name_plural = _("考核")
        ordering = ["-year", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["open", "published"]), name="campaign_status_valid"),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="campaign_dates_ordered"),
            models.CheckConstraint(
                condition=Q(good_from__gt=models.F("fairly_good_from"))
                & Q(fairly_good_from__gt=models.F("average_from")),
                name="campaign_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | (~Q(doc_number="") & ~Q(pdf_sha256="")),
                name="campaign_published_has_bulletin",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def permission_organization(self) -> Organization:
        return self.organization

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def method_labels(self) -> list[str]:
        labels = dict(self.Method.choices)
        return [str(labels.get(m, m)) for m in self.methods]


class Assessment(models.Model):
    """One assessed organization in a campaign, and its result once scored."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待自评")
        SELF_ASSESSED = "self_assessed", _("已自评")
        SCORED = "scored", _("已评分")
        PUBLISHED = "published", _("已发布")

    class Grade(models.TextChoices):
        GOOD = "good", _("好")
        FAIRLY_GOOD = "fairly_good", _("较好")
        AVERAGE = "average", _("一般")
        POOR = "poor", _("差")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("考核"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("被考核单位")
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    self_summary = models.TextField(_("自评说明"), blank=True)
    self_total = models.DecimalField(_("自评得分"), null=True, blank=True, **POINTS)
    self_assessed_at = models.DateTimeField(_("自评提交时间"), null=True, blank=True)
    self_assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("自评提交人"),
    )
    review_comment = models.TextField(_("审核意见"), blank=True)
    total = models.DecimalField(_("得分"), null=True, blank=True, **POINTS)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    grade = models.CharField(_("等次"), max_length=12, choices=Grade.choices, blank=True)
    rank = models.PositiveSmallIntegerField(_("排名"), null=True, blank=True)
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("评分人"),
    )

    class Meta:
        verbose_name = _("考核对象")
        verbose_name_plural = _("考核对象")
        ordering = ["campaign_id", "organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organization"], name="assessment_one_per_org"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "self_assessed", "scored", "published"]),
                name="assessment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "self_assessed"]) | (Q(total__isnull=False) & ~Q(grade="")),
                name="assessment_scored_has_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.organization}"

    @property
    def permission_organization(self) -> Organization:
        return self.organization


class IndicatorScore(models.Model):
    """The self-assessment and the assessor's score of one leaf indicator.

    Award leaves use *_points (0..points); deduction leaves *_occurrences; veto leaves *_veto."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("考核对象"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("指标"))
    self_points = models.DecimalField(_("自评得分"), null=True, blank=True, **POINTS)
    self_occurrences = models.PositiveSmallIntegerField(_("自查扣分次数"), null=True, blank=True)
    self_veto = models.BooleanField(_("自查存在否决情形"), default=False)
    self_note = models.TextField(_("自评说明"), blank=True)
    points = models.DecimalField(_("核定得分"), null=True, blank=True, **POINTS)
    occurrences = models.PositiveSmallIntegerField(_("核定扣分次数"), null=True, blank=True)
    veto = models.BooleanField(_("否决"), default=False)
    comment = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="indicator_score_one_per_leaf"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.indicator}"

    @property
    def permission_organization(self) -> Organization:
        return self.assessment.organization


class AssessmentFile(StoredUpload):
    """Evidence for one indicator of a self-assessment; stored like work evidence, served by a checked view."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="files", verbose_name=_("考核对象"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("指标"))

    class Meta(StoredUpload.Meta):
        verbose_name = _("自评佐证材料")
        verbose_name_plural = _("自评佐证材料")

    @property
    def permission_organization(self) -> Organization:
        return self.assessment.organization


class Suggestion(models.Model):
    """A deduction proposed from the data, with the evidence that shows it; the assessor decides."""

    class Kind(models.TextChoices):
        LATE_REPORT = "late_report", _("半年专题汇报逾期")
        MISSING_ANALYSIS = "missing_analysis", _("季度分析研判未开展")
        PLACEHOLDER = "placeholder", _("签发的报告含模板占位文字")
        LATE_RECORD = "late_record", _("会议记录补录")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待处理")
        ACCEPTED = "accepted", _("已采纳")
        REJECTED = "rejected", _("未采纳")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="suggestions", verbose_name=_("考核对象"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("指标"))
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("情况"), max_length=500)
    # The evidence: "<app_label>.<model>" and its id, and the page that shows it.
    evidence_type = models.CharField(max_length=60, verbose_name=_("佐证类型"))
    evidence_id = models.CharField(max_length=40, verbose_name=_("佐证编号"))
    evidence_url = models.CharField(_("佐证链接"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    reason = models.CharField(_("理由"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("处理人"),
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("扣分建议")
        verbose_name_plural = _("扣分建议")
        ordering = ["assessment_id", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "kind", "evidence_type", "evidence_id"], name="suggestion_once_per_evidence"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "accepted", "rejected"]), name="suggestion_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def permission_organization(self) -> Organization:
        return self.assessment.organization
