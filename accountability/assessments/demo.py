"""Demo data: 江川市委's 2026 inspection and assessment (检查考核) of its two county committees.

State on 2026-11-30, mid-campaign (10 November – 20 December), unpublished:
- 青山县委 self-assessed, reviewed and scored by the city's propaganda department (city_xcb), with the
  deductions the data suggests decided, so its result (total, grade, rank) is computed;
- 临河县委 self-assessed by county_a_xcb, awaiting the city's review: the review page offers the data's
  suggestions, and publishing is refused until it is scored.
青山县委 has no demo login of its own, so its self-assessment is entered by `county_b_xcb`, a 青山县委
propaganda-department account with no usable password. Idempotent: a second run finds the campaign and
changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from accountability.assessments import services
from accountability.assessments.services import Entry, leaves
from accountability.assessments.suggestions import suggestions_propose
from accountability.models import Assessment, Campaign, Indicator, Rubric
from accountability.rubrics.services import rubric_create
from responsibilities import permissions
from responsibilities.models import Capability, Organization

YEAR = 2026
TITLE = "2026年度意识形态工作责任制检查考核"
COUNTIES = ("临河县委", "青山县委")
# Points off the full marks of award leaves (by position among them) and occurrences on deduction leaves (by code).
SELF_LESS = {0: Decimal("0.5"), 5: Decimal("1")}
REVIEW_LESS = {0: Decimal("1"), 2: Decimal("1"), 5: Decimal("1.5"), 9: Decimal("2")}
REVIEW_OCCURRENCES = {"leadership_study": 0, "timely_records": 1}
NOTES = {0: "书记主持召开常委会专题部署，批示件齐全", 2: "责任书签订率100%，材料已上传"}


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _county_b_staff(organization: Organization):
    user, created = get_user_model().objects.get_or_create(
        username="county_b_xcb", defaults={"first_name": "青山县委宣传部工作人员"})
    if created:
        user.set_unusable_password()
        user.save()
    if not permissions.can(user, Capability.MANAGE, organization):
        permissions.grant(user, Capability.VIEW, organization, actor=None)
        permissions.grant(user, Capability.MANAGE, organization, actor=None)
    return user


def _entries(assessment: Assessment, less: dict[int, Decimal], occurrences: dict[str, int], *,
             review: bool) -> dict[int, Entry]:
    entries, award_index = {}, 0
    for leaf in leaves(assessment.campaign.rubric):
        if leaf.method == Indicator.Method.AWARD:
            note = "" if review else NOTES.get(award_index, "")
            if review and award_index in less:
                note = "抽查发现部分材料不完整"
            entries[leaf.pk] = Entry(points=leaf.points - less.get(award_index, Decimal("0")), note=note)
            award_index += 1
        elif leaf.method == Indicator.Method.DEDUCT:
            entries[leaf.pk] = Entry(occurrences=occurrences.get(leaf.code, 0))
    return entries


def seed_assessments(root: Organization) -> dict:
    """The campaign over 临河县委 and 青山县委 as described above; returns counts of what was made
    ({"campaigns", "self_assessed", "scored", "suggestions"}), all 0 when it already existed."""
    counts = {"campaigns": 0, "self_assessed": 0, "scored": 0, "suggestions": 0}
    if Campaign.objects.filter(organization=root, year=YEAR).exists():
        return counts
    city_staff = _user("city_xcb")
    counties = {o.name: o for o in Organization.objects.filter(path__startswith=root.path, name__in=COUNTIES)}
    if city_staff is None or len(counties) != len(COUNTIES):
        return counts
    rubric = Rubric.objects.filter(organization=root, year=YEAR).first() or rubric_create(
        organization=root, year=YEAR, actor=city_staff)
    campaign = services.campaign_create(
        organization=root, actor=city_staff, year=YEAR, title=TITLE, methods=["random", "forum", "democratic", "report"],
        start_date=datetime.date(YEAR, 11, 10), end_date=datetime.date(YEAR, 12, 20), rubric=rubric,
        assessed=[counties[name] for name in COUNTIES])
    counts["campaigns"] = 1
    staff = {"临河县委": _user("county_a_xcb"), "青山县委": _county_b_staff(counties["青山县委"])}
    for name in COUNTIES:
        if staff[name] is None:
            continue
        assessment = Assessment.objects.get(campaign=campaign, organization=counties[name])
        services.assessment_self_save(
            assessment=assessment, actor=staff[name], entries=_entries(assessment, SELF_LESS, {}, review=False),
            summary=f"{name}{YEAR}年认真落实意识形态工作责任制，按要求开展专题研究、分析研判和阵地管理。", submit=True)
        counts["self_assessed"] += 1
        counts["suggestions"] += len(suggestions_propose(assessment=assessment, actor=city_staff))
    qingshan = Assessment.objects.get(campaign=campaign, organization=counties["青山县委"])
    if qingshan.status == Assessment.Status.SELF_ASSESSED:
        services.assessment_score(
            assessment=qingshan, actor=city_staff,
            entries=_entries(qingshan, REVIEW_LESS, REVIEW_OCCURRENCES, review=True),
            comment="总体落实较好；个别会议记录补录，阵地管理台账需进一步规范。")
        for index, suggestion in enumerate(qingshan.suggestions.filter(status="proposed").order_by("pk")):
            services.suggestion_decide(suggestion=suggestion, actor=city_staff, accept=index % 2 == 0,
                                       reason="经核实属实" if index % 2 == 0 else "已提供情况说明，予以采信")
        counts["scored"] = 1
    return counts
