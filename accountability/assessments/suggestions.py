"""Deductions suggested from the data, each with its evidence (issue #8: an overdue half-yearly report, a missing
quarterly analysis, a report signed with placeholder text, a meeting record entered long after the meeting).

A suggestion lands on the rubric leaf whose `code` names its kind (defaults: half_year_report,
quarterly_analysis, report_quality, timely_records); a rubric without that leaf gets no such suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accountability.models import Assessment, Indicator, Suggestion
from reporting.document import in_document_language
from responsibilities import log
from responsibilities.models import Obligation

CODES = {
    Suggestion.Kind.LATE_REPORT: "half_year_report",
    Suggestion.Kind.MISSING_ANALYSIS: "quarterly_analysis",
    Suggestion.Kind.PLACEHOLDER: "report_quality",
    Suggestion.Kind.LATE_RECORD: "timely_records",
}


@dataclass(frozen=True)
class Found:
    kind: str
    description: str
    evidence: object  # a saved model instance
    url: str


def _obligations(organization, year: int, system: str):
    return Obligation.objects.filter(organization=organization, work_system__code=system,
                                     period_start__year=year).order_by("period_start")


def late_half_year_reports(organization, year: int, now=None) -> list[Found]:
    """The 党委报告制度's half-yearly reports of `year` completed after their deadline or still undone past it."""
    now = now or timezone.now()
    found = []
    for obligation in _obligations(organization, year, "party_report"):
        late_done = obligation.status == Obligation.Status.DONE_LATE
        overdue = obligation.status == Obligation.Status.OVERDUE or (
            obligation.status == Obligation.Status.OPEN and obligation.is_late_at(now))
        if not (late_done or overdue):
            continue
        when = obligation.period_label
        due = f"{obligation.due_date:%Y-%m-%d}" if obligation.due_date else "—"
        text = (f"{when}向上级党委专题报告逾期完成（期限 {due}）" if late_done
                else f"{when}向上级党委专题报告逾期未报（期限 {due}）")
        found.append(Found(Suggestion.Kind.LATE_REPORT, text, obligation,
                           reverse("responsibilities:obligation_detail", args=[obligation.pk])))
    return found


def missing_quarterly_analyses(organization, year: int, now=None) -> list[Found]:
    """Quarterly analysis-and-judgment obligations (分析研判制度) of `year` past their deadline and not done."""
    now = now or timezone.now()
    found = []
    for obligation in _obligations(organization, year, "analysis"):
        if obligation.is_open and obligation.is_late_at(now):
            found.append(Found(Suggestion.Kind.MISSING_ANALYSIS,
                               f"{obligation.period_label}未开展意识形态领域情况分析研判", obligation,
                               reverse("responsibilities:obligation_detail", args=[obligation.pk])))
    return found


def flagged_records(organization, year: int) -> list[Found]:
    """Reports signed with placeholder text and meeting records entered long after the meeting, from the
    inspector's flags (accountability.flags); none while that module is not there."""
    try:
        from accountability import flags
    except ImportError:
        return []
    found = []
    for version in flags.placeholder_versions(organization, year):
        found.append(Found(Suggestion.Kind.PLACEHOLDER,
                           f"签发的报告《{version.title}》（{version.doc_number or '未编号'}）含模板占位文字", version,
                           reverse("reporting:report_detail", args=[version.report_id])))
    for meeting in flags.late_meeting_records(organization, year):
        entered = timezone.localtime(meeting.created_at).date()
        found.append(Found(Suggestion.Kind.LATE_RECORD,
                           f"{meeting.held_on:%Y-%m-%d}“{meeting.topic}”的会议记录于 {entered:%Y-%m-%d} 补录", meeting,
                           reverse("responsibilities:obligation_detail", args=[meeting.obligation_id])))
    return found


@in_document_language
def find(assessment: Assessment, now=None) -> list[Found]:
    organization, year = assessment.organization, assessment.campaign.year
    return (late_half_year_reports(organization, year, now) + missing_quarterly_analyses(organization, year, now)
            + flagged_records(organization, year))


@transaction.atomic
def suggestions_propose(*, assessment: Assessment, actor, now=None) -> list[Suggestion]:
    """Propose each deduction the data shows that is not proposed yet (idempotent); returns the new ones.
    The caller has checked that `actor` may review (accountability.assessments.services.may_review)."""
    from accountability.assessments.services import _require_reviewable

    assessment = Assessment.objects.select_for_update().select_related("campaign", "organization").get(
        pk=assessment.pk)
    _require_reviewable(actor, assessment)
    leaves = {i.code: i for i in Indicator.objects.filter(
        rubric=assessment.campaign.rubric, method=Indicator.Method.DEDUCT).exclude(code="")}
    created = []
    for item in find(assessment, now):
        indicator = leaves.get(CODES[item.kind])
        if indicator is None:
            continue
        suggestion, new = Suggestion.objects.get_or_create(
            assessment=assessment, kind=item.kind, evidence_type=item.evidence._meta.label_lower,
            evidence_id=str(item.evidence.pk),
            defaults={"indicator": indicator, "description": item.description[:500], "evidence_url": item.url})
        if new:
            created.append(suggestion)
    if created:
        log.append(action="assessment.suggestions_proposed", subject=assessment, actor=actor,
                   suggestions=[s.pk for s in created])
    return created
