"""The assessment flow's services: allowed and refused transitions, scoring with veto, ranking, publication."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accountability.assessments import services
from accountability.assessments.services import Entry, leaves
from accountability.models import Assessment, Campaign, Indicator
from responsibilities.models import LogEntry
from tests.accountability.assessments.world import full_marks, make_assess_world, self_submit
from tests.factories import make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return make_assess_world()


def _leaf(w, method: str, code: str = ""):
    qs = Indicator.objects.filter(rubric=w.campaign.rubric, method=method)
    return qs.get(code=code) if code else qs.order_by("pk").first()


def test_campaign_opens_one_pending_assessment_per_assessed_organization(w):
    assert sorted(w.campaign.assessments.values_list("organization__name", "status")) == [
        ("临河县委", "pending"), ("青山县委", "pending")]


def test_campaign_refuses_an_organization_outside_the_subtree(w):
    stranger = make_org("外市委")

    with pytest.raises(ValidationError) as exc:
        services.campaign_create(organization=w.city, actor=w.city_staff, year=2027, title="x", methods=["random"],
                                 start_date=w.campaign.start_date, end_date=w.campaign.end_date,
                                 rubric=w.campaign.rubric, assessed=[stranger])
    assert "只能考核本单位的下级组织：外市委 不是下级组织。" in exc.value.messages


def test_county_staff_cannot_open_a_campaign_for_the_city(w):
    with pytest.raises(PermissionDenied):
        services.campaign_create(organization=w.city, actor=w.a_staff, year=2027, title="x", methods=["random"],
                                 start_date=w.campaign.start_date, end_date=w.campaign.end_date,
                                 rubric=w.campaign.rubric, assessed=[w.county_a])


def test_self_assessment_is_submitted_by_the_assessed_staff_and_then_frozen(w):
    assessment = self_submit(w, w.county_a, w.a_staff)

    assert assessment.status == "self_assessed"
    assert assessment.self_total == D("100")
    with pytest.raises(ValidationError, match="自评已于"):
        services.assessment_self_save(assessment=assessment, actor=w.a_staff, entries={}, submit=True)


def test_submitting_needs_every_awarded_leaf(w):
    assessment = w.assessment(w.county_a)

    with pytest.raises(ValidationError) as exc:
        services.assessment_self_save(assessment=assessment, actor=w.a_staff, entries={}, submit=True)
    assert any(m.startswith("请为“") for m in exc.value.messages)


def test_other_county_and_the_assessor_cannot_self_assess(w):
    assessment = w.assessment(w.county_a)

    for user in (w.b_staff, w.city_staff):
        with pytest.raises(PermissionDenied):
            services.assessment_self_save(assessment=assessment, actor=user, entries=full_marks(assessment))


def test_scoring_before_self_assessment_is_refused_with_the_reason(w):
    assessment = w.assessment(w.county_a)

    with pytest.raises(ValidationError, match="临河县委 尚未提交自评，不能评分"):
        services.assessment_score(assessment=assessment, actor=w.city_staff, entries=full_marks(assessment))


def test_the_assessed_organization_cannot_score_itself(w):
    assessment = self_submit(w, w.county_a, w.a_staff)

    with pytest.raises(PermissionDenied):
        services.assessment_score(assessment=assessment, actor=w.a_staff, entries=full_marks(assessment))


def test_score_with_award_deduction_and_cap(w):
    assessment = self_submit(w, w.county_a, w.a_staff)
    entries = full_marks(assessment, minus=D("1.5"))
    analysis = _leaf(w, "deduct", "quarterly_analysis")  # 8 points, 2 per quarter missed, cap 8
    study = _leaf(w, "deduct", "leadership_study")  # 8 points, 4 each, cap 8
    entries[analysis.pk] = Entry(occurrences=1, note="第三季度未研判")
    entries[study.pk] = Entry(occurrences=5)  # 20 points of deductions, capped at 8

    scored = services.assessment_score(assessment=assessment, actor=w.city_staff, entries=entries, comment="基本落实")

    assert (scored.total, scored.grade, scored.vetoed, scored.rank) == (D("88.5"), "fairly_good", False, 1)


def test_a_veto_fails_the_assessment_whatever_the_score(w):
    assessment = self_submit(w, w.county_a, w.a_staff)
    entries = full_marks(assessment)
    entries[_leaf(w, "veto").pk] = Entry(veto=True, note="所属媒体出现严重错误导向")

    scored = services.assessment_score(assessment=assessment, actor=w.city_staff, entries=entries)

    assert (scored.total, scored.grade, scored.vetoed) == (D("100"), "poor", True)


def test_publish_is_refused_until_everyone_is_scored(w):
    a = self_submit(w, w.county_a, w.a_staff)
    services.assessment_score(assessment=a, actor=w.city_staff, entries=full_marks(a))

    with pytest.raises(ValidationError, match="尚有 1 个单位未完成评分：青山县委。"):
        services.campaign_publish(campaign=w.campaign, actor=w.city_staff)


def test_publish_numbers_the_bulletin_ranks_ties_and_logs_each_result(w, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for org, user in ((w.county_a, w.a_staff), (w.county_b, w.b_staff)):
        a = self_submit(w, org, user)
        services.assessment_score(assessment=a, actor=w.city_staff, entries=full_marks(a, minus=D("2")))
    before = LogEntry.objects.count()

    campaign = services.campaign_publish(campaign=w.campaign, actor=w.city_staff)

    assert campaign.status == "published"
    assert campaign.doc_number.startswith("江川市委〔") and campaign.doc_number.endswith("〕1号")
    assert sorted(Assessment.objects.filter(campaign=campaign).values_list("rank", "status")) == [
        (1, "published"), (1, "published")]
    entries = LogEntry.objects.filter(seq__gt=before).order_by("seq")
    assert [e.action for e in entries] == ["assessment.published", "assessment.published", "campaign.published"]
    assert entries[0].payload["total"] == "98.0" and entries[0].payload["grade"] == "good"
    assert services.bulletin_path(campaign).read_bytes().startswith(b"%PDF")
    with pytest.raises(ValidationError, match="考核结果已于"):
        services.campaign_publish(campaign=Campaign.objects.get(pk=campaign.pk), actor=w.city_staff)


def test_scores_cannot_change_after_publication(w, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for org, user in ((w.county_a, w.a_staff), (w.county_b, w.b_staff)):
        a = self_submit(w, org, user)
        services.assessment_score(assessment=a, actor=w.city_staff, entries=full_marks(a))
    services.campaign_publish(campaign=w.campaign, actor=w.city_staff)
    assessment = w.assessment(w.county_a)

    with pytest.raises(ValidationError, match="考核结果已发布，不能再修改评分。"):
        services.assessment_score(assessment=assessment, actor=w.city_staff, entries=full_marks(assessment))


def test_ranks_follow_totals_among_scored_peers(w):
    a = self_submit(w, w.county_a, w.a_staff)
    b = self_submit(w, w.county_b, w.b_staff)
    services.assessment_score(assessment=a, actor=w.city_staff, entries=full_marks(a, minus=D("5")))
    services.assessment_score(assessment=b, actor=w.city_staff, entries=full_marks(b))

    assert sorted(Assessment.objects.values_list("organization__name", "total", "rank")) == [
        ("临河县委", D("95.0"), 2), ("青山县委", D("100.0"), 1)]


def test_leaves_are_the_default_rubrics_second_level(w):
    assert len(leaves(w.campaign.rubric)) == 23
