"""Writes of the assessment flow (检查考核, 000 第七条, 第十七条): campaign → 自评 → 审核评分 → 发布 and 通报.

Each state change is one service here: it checks who may act and refuses with a Chinese ValidationError
saying why, records its actor, and appends to the accountability log in the same transaction.
Who may act: the assessed organization's staff (`manage` there, but not on the assessing organization)
self-assess; the assessing organization's staff (`manage` on it) review, score and publish.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.assessments import scoring
from accountability.models import (
    Assessment,
    AssessmentFile,
    Campaign,
    Indicator,
    IndicatorScore,
    Rubric,
    Suggestion,
)
from accountability.rubrics.services import rubric_problems
from responsibilities import log, permissions
from responsibilities.models import Capability, Organization
from responsibilities.work.uploads import discard_on_error, store_upload


@dataclass(frozen=True)
class Entry:
    """One leaf's input from a form: points (award), occurrences (deduct), veto (veto), note."""

    points: Decimal | None = None
    occurrences: int | None = None
    veto: bool = False
    note: str = ""


# -- who may act --------------------------------------------------------------------------------


def may_review(user, campaign: Campaign) -> bool:
    """The assessing organization's staff: `manage` on the campaign's organization."""
    return permissions.can(user, Capability.MANAGE, campaign.organization)


def may_self_assess(user, assessment: Assessment) -> bool:
    """The assessed organization's staff: `manage` on it, and not the assessor's staff (no 代填 from above)."""
    return permissions.can(user, Capability.MANAGE, assessment.organization) and not may_review(
        user, assessment.campaign)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def leaves(rubric: Rubric) -> list[Indicator]:
    """The rubric's scored leaves in display order (first-level order, then their own)."""
    indicators = list(rubric.indicators.order_by("sort_order", "pk"))
    order = {i.pk: n for n, i in enumerate(i for i in indicators if i.parent_id is None)}
    return sorted((i for i in indicators if i.parent_id is not None),
                  key=lambda i: (order.get(i.parent_id, 0), i.sort_order, i.pk))


# -- campaign -------------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(*, organization: Organization, actor, year: int, title: str, methods: list[str],
                    start_date: datetime.date, end_date: datetime.date, rubric: Rubric,
                    assessed: list[Organization], thresholds: scoring.Thresholds | None = None) -> Campaign:
    """Open a campaign over `assessed` (organizations below `organization`), one Assessment each (待自评).

    Raises ValidationError (Chinese) for an unusable rubric, an organization outside the subtree, no method,
    dates out of order or thresholds not descending."""
    _require(permissions.can(actor, Capability.MANAGE, organization), _("只有考核单位的工作人员可以发起考核。"))
    thresholds = thresholds or scoring.Thresholds()
    errors: list[str] = []
    if rubric.organization_id != organization.pk:
        errors.append(_("请选择本单位的指标体系。"))
    errors += [_("指标体系尚不完整：%(p)s") % {"p": p} for p in rubric_problems(rubric)]
    if not methods:
        errors.append(_("请至少选择一种考核方式。"))
    elif set(methods) - set(Campaign.Method.values):
        errors.append(_("考核方式无效。"))
    if end_date < start_date:
        errors.append(_("结束日期不能早于开始日期。"))
    if not assessed:
        errors.append(_("请至少选择一个被考核单位。"))
    outside = [o.name for o in assessed if o.pk == organization.pk or not o.path.startswith(organization.path)]
    if outside:
        errors.append(_("只能考核本单位的下级组织：%(names)s 不是下级组织。") % {"names": "、".join(outside)})
    if not (thresholds.good > thresholds.fairly_good > thresholds.average >= 0) or thresholds.good > 100:
        errors.append(_("等次分数线应满足：100 ≥ “好” > “较好” > “一般” ≥ 0。"))
    if errors:
        raise ValidationError(errors)
    campaign = Campaign.objects.create(
        organization=organization, year=year, title=title.strip(), methods=list(methods), start_date=start_date,
        end_date=end_date, rubric=rubric, good_from=thresholds.good, fairly_good_from=thresholds.fairly_good,
        average_from=thresholds.average, created_by=actor,
    )
    Assessment.objects.bulk_create([Assessment(campaign=campaign, organization=o) for o in assessed])
    log.append(action="campaign.created", subject=campaign, actor=actor, year=year, title=campaign.title,
               methods=campaign.methods, assessed=sorted(o.pk for o in assessed), rubric=rubric.pk)
    return campaign


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("campaign__organization", "organization").get(
        pk=assessment.pk)


def _check_entries(indicators: list[Indicator], entries: dict[int, Entry], *, complete: bool) -> list[str]:
    errors = []
    for leaf in indicators:
        entry = entries.get(leaf.pk, Entry())
        if leaf.method == Indicator.Method.AWARD:
            if entry.points is None:
                if complete:
                    errors.append(_("请为“%(name)s”填写得分。") % {"name": leaf.name})
            elif not (0 <= entry.points <= leaf.points):
                errors.append(_("“%(name)s”的得分应在 0 到 %(max)s 分之间。") % {
                    "name": leaf.name, "max": f"{leaf.points.normalize():f}"})
        if entry.occurrences is not None and entry.occurrences < 0:
            errors.append(_("“%(name)s”的扣分次数不能为负数。") % {"name": leaf.name})
    return errors


# -- self-assessment (自评) ----------------------------------------------------------------------------


@discard_on_error()
@transaction.atomic
def assessment_self_save(*, assessment: Assessment, actor, entries: dict[int, Entry], summary: str = "",
                         uploads: dict[int, list] | None = None, submit: bool = False) -> Assessment:
    """Save the self-assessment (scores, notes, evidence files per indicator); `submit` hands it to the assessor
    (待自评 → 已自评). Refused once submitted. Files follow responsibilities.work.uploads' rules."""
    assessment = _locked(assessment)
    _require(may_self_assess(actor, assessment), _("只有被考核单位的工作人员可以填写自评。"))
    if assessment.status != Assessment.Status.PENDING:
        raise ValidationError(_("自评已于 %(at)s 提交，不能再修改；如需补充，请联系考核单位。") % {
            "at": f"{timezone.localtime(assessment.self_assessed_at):%Y-%m-%d %H:%M}"
            if assessment.self_assessed_at else "—"})
    indicators = leaves(assessment.campaign.rubric)
    errors = _check_entries(indicators, entries, complete=submit)
    if errors:
        raise ValidationError(errors)
    by_pk = {leaf.pk: leaf for leaf in indicators}
    stored = []
    for indicator_pk, files in (uploads or {}).items():
        if indicator_pk not in by_pk:
            raise ValidationError(_("指标无效。"))
        for upload in files:
            file = store_upload(upload)
            stored.append(AssessmentFile.objects.create(
                assessment=assessment, indicator=by_pk[indicator_pk], original_name=file.original_name,
                stored_name=file.stored_name, content_type=file.content_type, size=file.size, sha256=file.sha256,
                uploaded_by=actor))
    for leaf in indicators:
        entry = entries.get(leaf.pk, Entry())
        IndicatorScore.objects.update_or_create(
            assessment=assessment, indicator=leaf,
            defaults={"self_points": entry.points, "self_occurrences": entry.occurrences,
                      "self_veto": entry.veto, "self_note": entry.note.strip()})
    assessment.self_summary = summary.strip()
    assessment.self_total = _result(assessment, indicators, own=True)[0]
    if submit:
        assessment.status = Assessment.Status.SELF_ASSESSED
        assessment.self_assessed_at, assessment.self_assessed_by = timezone.now(), actor
    assessment.save()
    log.append(action="assessment.self_submitted" if submit else "assessment.self_saved", subject=assessment,
               actor=actor, campaign=assessment.campaign_id, self_total=str(assessment.self_total),
               files=[f.sha256 for f in stored])
    return assessment


# -- review and scoring (审核) ------------------------------------------------------------------------


def _result(assessment: Assessment, indicators: list[Indicator], *, own: bool = False) -> tuple[Decimal, bool]:
    """(total, vetoed) from the stored scores; the assessor's unless `own` (the self-assessment).
    Accepted suggestions count as one more occurrence each on their deduction leaf."""
    scores = {s.indicator_id: s for s in assessment.scores.all()}
    accepted: dict[int, int] = {}
    if not own:
        for indicator_id in assessment.suggestions.filter(status=Suggestion.Status.ACCEPTED).values_list(
                "indicator_id", flat=True):
            accepted[indicator_id] = accepted.get(indicator_id, 0) + 1
    parts, vetoed = [], False
    for leaf in indicators:
        score = scores.get(leaf.pk)
        points = (score.self_points if own else score.points) if score else None
        occurrences = ((score.self_occurrences if own else score.occurrences) if score else None) or 0
        if leaf.method == Indicator.Method.AWARD:
            parts.append(scoring.awarded_score(leaf.points, points))
        elif leaf.method == Indicator.Method.DEDUCT:
            parts.append(scoring.deduction_score(leaf.points, leaf.per_occurrence or Decimal("0"),
                                                 occurrences + accepted.get(leaf.pk, 0), leaf.cap))
        elif score and (score.self_veto if own else score.veto):
            vetoed = True
    return scoring.total(parts), vetoed


def thresholds_of(campaign: Campaign) -> scoring.Thresholds:
    return scoring.Thresholds(campaign.good_from, campaign.fairly_good_from, campaign.average_from)


def _rerank(campaign: Campaign) -> None:
    scored = list(campaign.assessments.filter(
        status__in=[Assessment.Status.SCORED, Assessment.Status.PUBLISHED]).order_by("pk"))
    for assessment, position in zip(scored, scoring.rank([(a.total, a.vetoed) for a in scored]), strict=True):
        if assessment.rank != position:
            assessment.rank = position
            assessment.save(update_fields=["rank"])


def _apply_result(assessment: Assessment) -> None:
    total, vetoed = _result(assessment, leaves(assessment.campaign.rubric))
    assessment.total, assessment.vetoed = total, vetoed
    assessment.grade = scoring.grade(total, vetoed=vetoed, thresholds=thresholds_of(assessment.campaign))


def _require_reviewable(actor, assessment: Assessment) -> None:
    _require(may_review(actor, assessment.campaign), _("只有考核单位的工作人员可以审核评分，被考核单位不能为自己评分。"))
    if assessment.campaign.is_published:
        raise ValidationError(_("考核结果已发布，不能再修改评分。"))
    if assessment.status == Assessment.Status.PENDING:
        raise ValidationError(_("%(org)s 尚未提交自评，不能评分；可先催促其完成自评。") % {
            "org": assessment.organization.name})


@transaction.atomic
def assessment_score(*, assessment: Assessment, actor, entries: dict[int, Entry], comment: str = "") -> Assessment:
    """The assessor's score of every leaf with comments (已自评/已评分 → 已评分): total, veto flag, grade, and the
    ranks of all scored peers in the campaign. Every award leaf needs points."""
    assessment = _locked(assessment)
    _require_reviewable(actor, assessment)
    indicators = leaves(assessment.campaign.rubric)
    errors = _check_entries(indicators, entries, complete=True)
    if errors:
        raise ValidationError(errors)
    for leaf in indicators:
        entry = entries.get(leaf.pk, Entry())
        IndicatorScore.objects.update_or_create(
            assessment=assessment, indicator=leaf,
            defaults={"points": entry.points if leaf.method == Indicator.Method.AWARD else None,
                      "occurrences": entry.occurrences if leaf.method == Indicator.Method.DEDUCT else None,
                      "veto": entry.veto if leaf.method == Indicator.Method.VETO else False,
                      "comment": entry.note.strip()})
    assessment.review_comment = comment.strip()
    _apply_result(assessment)
    assessment.status = Assessment.Status.SCORED
    assessment.scored_at, assessment.scored_by = timezone.now(), actor
    assessment.save()
    _rerank(assessment.campaign)
    assessment.refresh_from_db()
    log.append(action="assessment.scored", subject=assessment, actor=actor, campaign=assessment.campaign_id,
               total=str(assessment.total), vetoed=assessment.vetoed, grade=assessment.grade)
    return assessment


@transaction.atomic
def suggestion_decide(*, suggestion: Suggestion, actor, accept: bool, reason: str) -> Suggestion:
    """Accept (counts as one deduction on its indicator) or reject a suggested deduction, with a reason.
    A scored assessment's result and the campaign's ranks are recomputed."""
    suggestion = Suggestion.objects.select_for_update().select_related("assessment").get(pk=suggestion.pk)
    assessment = _locked(suggestion.assessment)
    _require_reviewable(actor, assessment)
    if suggestion.status != Suggestion.Status.PROPOSED:
        raise ValidationError(_("该扣分建议已处理（%(s)s），不能重复处理。") % {"s": suggestion.get_status_display()})
    if not reason.strip():
        raise ValidationError(_("请填写采纳或不采纳的理由。"))
    suggestion.status = Suggestion.Status.ACCEPTED if accept else Suggestion.Status.REJECTED
    suggestion.reason, suggestion.decided_by, suggestion.decided_at = reason.strip()[:500], actor, timezone.now()
    suggestion.save()
    if assessment.status == Assessment.Status.SCORED:
        _apply_result(assessment)
        assessment.save()
        _rerank(assessment.campaign)
    log.append(action="suggestion.accepted" if accept else "suggestion.rejected", subject=suggestion, actor=actor,
               assessment=assessment.pk, kind=suggestion.kind, reason=suggestion.reason)
    return suggestion


# -- publication and the 通报 -------------------------------------------------------------------------


def bulletin_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "assessments"
    path.mkdir(parents=True, exist_ok=True)
    return path


def bulletin_path(campaign: Campaign) -> Path:
    return bulletin_dir() / campaign.pdf_name


def publish_problems(campaign: Campaign) -> list[str]:
    """Why the campaign cannot be published yet ([] when it can)."""
    if campaign.is_published:
        return [_("考核结果已于 %(at)s 发布。") % {"at": f"{timezone.localtime(campaign.published_at):%Y-%m-%d %H:%M}"}]
    problems = []
    unscored = list(campaign.assessments.exclude(status=Assessment.Status.SCORED).select_related("organization"))
    if unscored:
        problems.append(_("尚有 %(n)s 个单位未完成评分：%(names)s。") % {
            "n": len(unscored), "names": "、".join(a.organization.name for a in unscored)})
    pending = Suggestion.objects.filter(assessment__campaign=campaign, status=Suggestion.Status.PROPOSED).count()
    if pending:
        problems.append(_("尚有 %(n)s 条扣分建议未处理（采纳或不采纳）。") % {"n": pending})
    return problems


@transaction.atomic
def campaign_publish(*, campaign: Campaign, actor, now: datetime.datetime | None = None) -> Campaign:
    """Publish every result to its assessed organization (one log entry each) and issue the 通报: a document
    number from the assessing organization's counter (as report_sign), the GB/T 9704 PDF and its SHA-256.
    Refused while any organization is unscored or any suggestion undecided (000 第十七条: 反馈、通报)."""
    from accountability.assessments.bulletin import bulletin_document
    from reporting.pdf import render_pdf
    from reporting.reports.services import _next_number, document_number

    campaign = Campaign.objects.select_for_update().select_related("organization").get(pk=campaign.pk)
    _require(may_review(actor, campaign), _("只有考核单位的工作人员可以发布考核结果。"))
    problems = publish_problems(campaign)
    if problems:
        raise ValidationError(problems)
    now = now or timezone.now()
    _rerank(campaign)
    day = timezone.localdate(now)
    campaign.doc_year, campaign.doc_seq = day.year, _next_number(campaign.organization, day.year)
    campaign.doc_number = document_number(campaign.organization, day.year, campaign.doc_seq)
    campaign.status, campaign.published_at, campaign.published_by = Campaign.Status.PUBLISHED, now, actor
    for assessment in campaign.assessments.select_related("organization").order_by("rank", "organization__path"):
        assessment.status = Assessment.Status.PUBLISHED
        assessment.save(update_fields=["status"])
        log.append(action="assessment.published", subject=assessment, actor=actor, at=now, campaign=campaign.pk,
                   total=str(assessment.total), grade=assessment.grade, vetoed=assessment.vetoed,
                   rank=assessment.rank)
    pdf = render_pdf(bulletin_document(campaign))
    campaign.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    campaign.pdf_name = f"{secrets.token_hex(16)}.pdf"
    bulletin_path(campaign).write_bytes(pdf)
    campaign.save()
    log.append(action="campaign.published", subject=campaign, actor=actor, at=now, doc_number=campaign.doc_number,
               sha256=campaign.pdf_sha256)
    return campaign
