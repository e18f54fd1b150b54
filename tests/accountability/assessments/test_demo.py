"""The demo's 2026 campaign of 江川市委 over its county committees."""

import pytest

from accountability.assessments.demo import seed_assessments
from accountability.models import Assessment, Campaign
from responsibilities.models import LogEntry, Organization

pytestmark = pytest.mark.django_db


def test_demo_campaign_is_mid_way_and_a_second_run_changes_nothing(seeded_demo):
    root = Organization.objects.get(pk=seeded_demo.root_pk)

    # seed_demo ran it (through demo_city_seeded): a run now finds everything in place.
    entries = LogEntry.objects.count()
    second = seed_assessments(root)

    assert "检查考核：" in seeded_demo.output
    assert second == {"campaigns": 0, "self_assessed": 0, "scored": 0, "suggestions": 0}
    assert LogEntry.objects.count() == entries
    campaign = Campaign.objects.get(organization=root, year=2026)
    assert campaign.status == "open"
    assert sorted(Assessment.objects.filter(campaign=campaign).values_list("organization__name", "status", "rank")) == [
        ("临河县委", "self_assessed", None), ("青山县委", "scored", 1)]
    assert Assessment.objects.get(campaign=campaign, organization__name="青山县委").grade in {
        "good", "fairly_good"}
