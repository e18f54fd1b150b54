"""Reads of the assessment pages, scoped by responsibilities.permissions."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from accountability.assessments.services import leaves, may_review
from accountability.models import (
    Assessment,
    AssessmentFile,
    Campaign,
    Indicator,
    IndicatorScore,
    Rubric,
    Suggestion,
)
from responsibilities import permissions
from responsibilities.models import Capability, Organization


def campaigns_visible(user) -> QuerySet[Campaign]:
    """Campaigns run by an organization in the user's view (the assessor's side)."""
    return permissions.visible(user, Capability.VIEW, Campaign.objects.select_related("organization", "rubric"),
                               via="organization")


def own_assessments(user) -> QuerySet[Assessment]:
    """Assessments of organizations in the user's view, in campaigns run from outside that view
    (the assessed side: “我单位的考核”)."""
    visible_campaigns = campaigns_visible(user).values("pk")
    return permissions.visible(
        user, Capability.VIEW,
        Assessment.objects.select_related("campaign__organization", "organization"), via="organization",
    ).exclude(campaign__in=visible_campaigns).order_by("-campaign__year", "campaign_id")


def assessable_organizations(organization: Organization) -> QuerySet[Organization]:
    """Whom `organization` may assess: its direct subordinates."""
    return Organization.objects.get_children(organization).order_by("sort_order", "path")


def rubrics_of(organization: Organization) -> QuerySet[Rubric]:
    return Rubric.objects.filter(organization=organization).order_by("-year")


def may_see_result(user, assessment: Assessment) -> bool:
    """The assessor's staff (view on the assessing organization) always; the assessed side once published."""
    return permissions.can(user, Capability.VIEW, assessment.campaign.organization) or (
        assessment.status == Assessment.Status.PUBLISHED)


def may_see_bulletin(user, campaign: Campaign) -> bool:
    """The 通报 goes to the assessed organizations once published (000 第十七条); the assessor sees it always."""
    if permissions.can(user, Capability.VIEW, campaign.organization):
        return True
    return campaign.is_published and any(
        permissions.can(user, Capability.VIEW, a.organization) for a in campaign.assessments.select_related(
            "organization"))


@dataclass
class Row:
    """One leaf on the self-assessment / review pages, with its group, score, files and suggestions."""

    indicator: Indicator
    group: str
    score: IndicatorScore | None
    files: list[AssessmentFile]
    suggestions: list[Suggestion]
    values: dict = field(default_factory=dict)  # what the form shows: posted input, or the stored score


def assessment_rows(assessment: Assessment) -> list[Row]:
    rubric = assessment.campaign.rubric
    groups = dict(rubric.indicators.filter(parent=None).values_list("pk", "name"))
    scores = {s.indicator_id: s for s in assessment.scores.all()}
    files: dict[int, list] = {}
    for file in assessment.files.all():
        files.setdefault(file.indicator_id, []).append(file)
    suggestions: dict[int, list] = {}
    for suggestion in assessment.suggestions.select_related("decided_by"):
        suggestions.setdefault(suggestion.indicator_id, []).append(suggestion)
    return [Row(leaf, groups.get(leaf.parent_id, ""), scores.get(leaf.pk), files.get(leaf.pk, []),
                suggestions.get(leaf.pk, [])) for leaf in leaves(rubric)]


def campaign_assessments(campaign: Campaign) -> QuerySet[Assessment]:
    return campaign.assessments.select_related("organization").order_by("organization__sort_order",
                                                                        "organization__path")


def results(campaign: Campaign) -> QuerySet[Assessment]:
    return campaign.assessments.select_related("organization").order_by("rank", "organization__path")


def progress(campaign: Campaign) -> dict[str, int]:
    """How many assessed organizations are at each status, and in all."""
    counts = dict.fromkeys(Assessment.Status.values, 0)
    for status in campaign.assessments.values_list("status", flat=True):
        counts[status] += 1
    counts["total"] = sum(counts.values())
    return counts


def with_values(rows: list[Row], data, *, own: bool) -> list[Row]:
    """Fill each row's form values: the posted input when re-showing a refused form (nothing typed is lost),
    else the stored self-assessment (`own`) or the assessor's score, which starts from the self-assessment."""
    for row in rows:
        pk, score = row.indicator.pk, row.score
        if data is not None:
            row.values = {"points": data.get(f"points_{pk}", ""), "occ": data.get(f"occ_{pk}", ""),
                          "veto": data.get(f"veto_{pk}") == "on", "note": data.get(f"note_{pk}", "")}
        elif score is None:
            row.values = {"points": None, "occ": None, "veto": False, "note": ""}
        elif own:
            row.values = {"points": score.self_points, "occ": score.self_occurrences, "veto": score.self_veto,
                          "note": score.self_note}
        else:
            scored = row.score.points is not None or row.score.occurrences is not None or row.score.comment
            row.values = {"points": score.points if score.points is not None else score.self_points,
                          "occ": score.occurrences, "veto": score.veto if scored else score.self_veto,
                          "note": score.comment}
    return rows


__all__ = ["may_review"]
