"""A small world for the assessment tests: a city assessing two counties, with staff on each side."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from accountability.assessments import services
from accountability.assessments.services import Entry, leaves
from accountability.models import Assessment, Campaign, Indicator
from accountability.rubrics.services import rubric_create
from tests.factories import make_org, make_user

D = datetime.date


@dataclass
class AssessWorld:
    city: object
    county_a: object
    county_b: object
    city_staff: object
    a_staff: object
    b_staff: object
    campaign: Campaign

    def assessment(self, org) -> Assessment:
        return Assessment.objects.get(campaign=self.campaign, organization=org)


def make_assess_world() -> AssessWorld:
    city = make_org("江川市委", short_name="江川市委")
    county_a = make_org("临河县委", parent=city)
    county_b = make_org("青山县委", parent=city)
    city_staff = make_user(grants=[("view", city), ("manage", city)])
    a_staff = make_user(grants=[("view", county_a), ("manage", county_a)])
    b_staff = make_user(grants=[("view", county_b), ("manage", county_b)])
    rubric = rubric_create(organization=city, year=2026, actor=city_staff)
    campaign = services.campaign_create(
        organization=city, actor=city_staff, year=2026, title="2026年度意识形态工作责任制检查考核",
        methods=["random", "forum"], start_date=D(2026, 11, 1), end_date=D(2026, 12, 15), rubric=rubric,
        assessed=[county_a, county_b])
    return AssessWorld(city, county_a, county_b, city_staff, a_staff, b_staff, campaign)


def full_marks(assessment: Assessment, *, minus: Decimal = Decimal("0")) -> dict[int, Entry]:
    """Every award leaf at full points, except the first one, which loses `minus`."""
    entries, first = {}, True
    for leaf in leaves(assessment.campaign.rubric):
        if leaf.method == Indicator.Method.AWARD:
            entries[leaf.pk] = Entry(points=leaf.points - (minus if first else 0))
            first = False
    return entries


def self_submit(world: AssessWorld, org, user) -> Assessment:
    assessment = world.assessment(org)
    return services.assessment_self_save(assessment=assessment, actor=user, entries=full_marks(assessment),
                                         summary="全面落实", submit=True)
