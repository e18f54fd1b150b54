"""Deductions suggested from the data, each with its evidence; accepted ones count on their indicator."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accountability.assessments import services
from accountability.assessments.suggestions import suggestions_propose
from accountability.models import Suggestion
from reporting.models import Report, ReportKind, ReportVersion
from responsibilities.models import LogEntry, MeetingRecord, Obligation, WorkSystem
from tests.accountability.assessments.world import full_marks, make_assess_world, self_submit
from tests.factories import make_person

pytestmark = pytest.mark.django_db
D8 = datetime.date
NOW = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)


def _obligation(org, code: str, period: str, start, end, due, status: str) -> Obligation:
    system = WorkSystem.objects.get(code=code)
    obligation = Obligation.objects.create(
        organization=org, work_system=system, period=period, period_start=start, period_end=end, due_date=due,
        due_at=datetime.datetime.combine(due + datetime.timedelta(days=1), datetime.time(), tzinfo=datetime.UTC),
        responsible=system.responsible, status=status)
    return obligation


@pytest.fixture
def w():
    world = make_assess_world()
    a = world.county_a
    _obligation(a, "party_report", "2026H1", D8(2026, 1, 1), D8(2026, 6, 30), D8(2026, 6, 30), "done_late")
    _obligation(a, "party_report", "2026H2", D8(2026, 7, 1), D8(2026, 12, 31), D8(2026, 12, 31), "open")
    _obligation(a, "analysis", "2026Q1", D8(2026, 1, 1), D8(2026, 3, 31), D8(2026, 3, 31), "done")
    _obligation(a, "analysis", "2026Q3", D8(2026, 7, 1), D8(2026, 9, 30), D8(2026, 9, 30), "overdue")
    meeting_ob = _obligation(a, "special_study", "2026H1", D8(2026, 1, 1), D8(2026, 6, 30), D8(2026, 6, 30), "done")
    chair = make_person("周书记", organization=a)
    meeting = MeetingRecord.objects.create(obligation=meeting_ob, held_on=D8(2026, 3, 2), place="县委常委会议室",
                                           chair=chair, topic="专题研究意识形态工作", discussion="研究部署")
    MeetingRecord.objects.filter(pk=meeting.pk).update(created_at=datetime.datetime(2026, 6, 20, 2, tzinfo=datetime.UTC))
    report = Report.objects.create(organization=a, kind=ReportKind.HALF_YEAR, period="2026H1", status="signed")
    ReportVersion.objects.create(
        report=report, number=1, title="临河县委2026年上半年意识形态工作情况报告", addressee="中共江川市委",
        blocks=[{"level": 0, "text": "上半年工作情况如下。"}, {"level": 0, "text": "（请列明下一步的工作措施。）"}],
        signed_at=timezone.now(), issuer=a, doc_year=2026, doc_seq=3, doc_number="临河县委〔2026〕3号",
        pdf_sha256="0" * 64)
    return world


def test_the_data_proposes_each_kind_with_its_evidence_once(w):
    a = self_submit(w, w.county_a, w.a_staff)

    created = suggestions_propose(assessment=a, actor=w.city_staff, now=NOW)
    again = suggestions_propose(assessment=a, actor=w.city_staff, now=NOW)

    assert sorted((s.kind, s.description) for s in created) == [
        ("late_record", "2026-03-02“专题研究意识形态工作”的会议记录于 2026-06-20 补录"),
        ("late_report", "2026年上半年向上级党委专题报告逾期完成（期限 2026-06-30）"),
        ("missing_analysis", "2026年第三季度未开展意识形态领域情况分析研判"),
        ("placeholder", "签发的报告《临河县委2026年上半年意识形态工作情况报告》（临河县委〔2026〕3号）含模板占位文字"),
    ]
    assert all(s.evidence_url.startswith(("/obligations/", "/reports/")) for s in created)
    assert again == []


def test_accepted_suggestions_deduct_on_their_indicator_and_rejected_ones_do_not(w):
    a = self_submit(w, w.county_a, w.a_staff)
    services.assessment_score(assessment=a, actor=w.city_staff, entries=full_marks(a))
    found = {s.kind: s for s in suggestions_propose(assessment=a, actor=w.city_staff, now=NOW)}

    services.suggestion_decide(suggestion=found["late_report"], actor=w.city_staff, accept=True, reason="核实逾期")
    services.suggestion_decide(suggestion=found["missing_analysis"], actor=w.city_staff, accept=True, reason="无记录")
    services.suggestion_decide(suggestion=found["placeholder"], actor=w.city_staff, accept=False,
                               reason="已另行补报正式文本")

    a.refresh_from_db()
    assert a.total == D("95.0")  # 3 (half-year report) + 2 (a quarter's analysis)
    actions = list(LogEntry.objects.filter(action__startswith="suggestion.").values_list("action", flat=True))
    assert actions == ["suggestion.accepted", "suggestion.accepted", "suggestion.rejected"]


def test_a_decision_needs_a_reason_and_is_taken_once(w):
    a = self_submit(w, w.county_a, w.a_staff)
    suggestion = suggestions_propose(assessment=a, actor=w.city_staff, now=NOW)[0]

    with pytest.raises(ValidationError, match="请填写采纳或不采纳的理由。"):
        services.suggestion_decide(suggestion=suggestion, actor=w.city_staff, accept=True, reason=" ")
    services.suggestion_decide(suggestion=suggestion, actor=w.city_staff, accept=False, reason="情况属实但已说明")
    with pytest.raises(ValidationError, match="该扣分建议已处理（未采纳），不能重复处理。"):
        services.suggestion_decide(suggestion=suggestion, actor=w.city_staff, accept=True, reason="改判")


def test_publication_waits_for_every_suggestion(w, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for org, user in ((w.county_a, w.a_staff), (w.county_b, w.b_staff)):
        a = self_submit(w, org, user)
        services.assessment_score(assessment=a, actor=w.city_staff, entries=full_marks(a))
    suggestions_propose(assessment=w.assessment(w.county_a), actor=w.city_staff, now=NOW)

    with pytest.raises(ValidationError, match="尚有 4 条扣分建议未处理（采纳或不采纳）。"):
        services.campaign_publish(campaign=w.campaign, actor=w.city_staff)
    assert Suggestion.objects.filter(status="proposed").count() == 4
