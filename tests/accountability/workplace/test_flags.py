"""The inspector's flags (accountability/flags.py): 补录, 代填, template prompts left in signed
reports, obligations completed on the last day or late — per organization and year, and scoped."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from accountability import flags
from accountability.flags import FlagKind
from reporting.models import Report, ReportKind, ReportVersion
from reporting.reports.selectors import template_prompts
from responsibilities.models import MeetingRecord, Obligation, Organization, WorkSystem
from tests.factories import make_group_staff, make_person, make_user

D = dt.date
BJ = dt.timezone(dt.timedelta(hours=8))
_seq = itertools.count(1)


def beijing(y, m, d, hh=10, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=BJ)


def obligation(org: Organization, period: str = "2026Q1", *, code: str = "analysis", due: dt.date | None = D(2026, 3, 31),
               status: str = "open", completed_at: dt.datetime | None = None) -> Obligation:
    start = {"2026Q1": D(2026, 1, 1), "2026Q3": D(2026, 7, 1), "2025Q4": D(2025, 10, 1)}[period]
    end = {"2026Q1": D(2026, 3, 31), "2026Q3": D(2026, 9, 30), "2025Q4": D(2025, 12, 31)}[period]
    return Obligation.objects.create(
        organization=org, work_system=WorkSystem.objects.get(code=code), period=period, period_start=start,
        period_end=end, due_date=due, responsible="committee", status=status, completed_at=completed_at,
    )


def meeting(org: Organization, held_on: dt.date, entered: dt.datetime, by, *, topic: str = "研判会") -> MeetingRecord:
    period = "2025Q4" if held_on.year == 2025 else "2026Q1"
    ob = Obligation.objects.filter(organization=org, period=period, work_system__code="analysis").first()
    ob = ob or obligation(org, period)
    chair = make_person(organization=org)
    record = MeetingRecord.objects.create(obligation=ob, held_on=held_on, place="会议室", chair=chair, topic=topic,
                                          discussion="讨论", created_by=by)
    MeetingRecord.objects.filter(pk=record.pk).update(created_at=entered)
    return record


def signed_version(org: Organization, blocks: list, *, period: str = "2026H1", kind: str = ReportKind.HALF_YEAR,
                   signed_at: dt.datetime = beijing(2026, 7, 5)) -> ReportVersion:
    report = Report.objects.create(organization=org, kind=kind, period=period, status=Report.Status.SIGNED)
    return ReportVersion.objects.create(
        report=report, number=1, title="报告", addressee="上级", blocks=blocks, signed_at=signed_at, issuer=org,
        doc_year=signed_at.year, doc_seq=next(_seq), doc_number="X", pdf_sha256="0" * 64,
    )


def topics(qs) -> list[str]:
    return [r.topic for r in qs]


# --- the predicate ---------------------------------------------------------------------------------


def test_template_prompts_are_parenthesised_instructions_alone_or_inside_a_paragraph():
    blocks = [
        {"level": 1, "text": "基本情况"},
        {"level": 0, "text": "  （请简述本期意识形态工作总体情况。）\n"},
        {"level": 0, "text": "今年以来，我县（含各乡镇）认真落实责任制。"},
        {"level": 0, "text": "（请列明下一步的工作措施。）一是加强阵地管理。"},
        {"level": 0, "text": "（注：数据截至6月30日。）"},
        {"level": 0, "text": "（请列明下一步的工作措施，以及对未按时报送单位的督促安排。）"},
        "不是段落",
        {"level": 0},
    ]
    assert template_prompts(blocks) == [
        "（请简述本期意识形态工作总体情况。）", "（请列明下一步的工作措施。）",
        "（请列明下一步的工作措施，以及对未按时报送单位的督促安排。）",
    ]
    assert template_prompts([{"level": 0, "text": "按上级（请示）办理。"}]) == []
    assert template_prompts([{"level": 0, "text": "已全部填写。"}]) == []
    assert template_prompts(None) == []


# --- per organization and year ---------------------------------------------------------------------


def test_late_meeting_records_count_calendar_days_in_beijing_time(tree, county_a_staff, settings):
    settings.ZEREN_LATE_ENTRY_DAYS = 30
    a = tree.county_a
    meeting(a, D(2026, 3, 1), beijing(2026, 3, 31, 23, 59), county_a_staff, topic="第30天登记")
    meeting(a, D(2026, 3, 1), beijing(2026, 4, 1, 0, 30), county_a_staff, topic="第31天登记")  # 2026-03-31 16:30 UTC
    meeting(a, D(2026, 2, 1), beijing(2026, 2, 2), county_a_staff, topic="次日登记")
    meeting(a, D(2025, 11, 1), beijing(2026, 1, 20), county_a_staff, topic="去年的会")
    meeting(tree.town_a1, D(2026, 1, 5), beijing(2026, 3, 20), county_a_staff, topic="下级的会")

    late = flags.late_meeting_records(a, 2026)
    assert topics(late) == ["第31天登记"]
    assert late[0].entered_on == D(2026, 4, 1)
    assert topics(flags.late_meeting_records(a, 2025)) == ["去年的会"]
    settings.ZEREN_LATE_ENTRY_DAYS = 29
    assert topics(flags.late_meeting_records(a, 2026)) == ["第30天登记", "第31天登记"]


def test_proxy_meeting_records_are_entered_by_someone_not_staff_of_the_records_organization(tree, county_a_staff,
                                                                                            city_staff):
    a = tree.county_a
    group_staff = make_group_staff("a_group_staff", a)
    former = make_user("former_staff", grants=[("manage", a)])
    former.is_active = False
    former.save(update_fields=["is_active"])
    viewer = make_user("a_viewer", grants=[("view", a), ("draft_report", a)])
    admin = make_user("admin1", superuser=True)
    town_staff = make_user("town_staff", grants=[("manage", tree.town_a1)])
    day, entered = D(2026, 2, 10), beijing(2026, 2, 10, 18)
    meeting(a, day, entered, county_a_staff, topic="本单位工作人员")
    meeting(a, day, entered, group_staff, topic="本单位工作组成员")
    meeting(a, day, entered, former, topic="已停用的原工作人员")
    meeting(a, day, entered, None, topic="登记人已删除")
    meeting(a, day, entered, city_staff, topic="市委工作人员代填")
    meeting(a, day, entered, viewer, topic="无管理权限者")
    meeting(a, day, entered, admin, topic="系统管理员")
    meeting(tree.town_a1, day, entered, county_a_staff, topic="县委代镇填")
    meeting(tree.town_a1, day, entered, town_staff, topic="镇自己填")

    assert sorted(topics(flags.proxy_meeting_records(a, 2026))) == sorted(["市委工作人员代填", "无管理权限者", "系统管理员"])
    assert topics(flags.proxy_meeting_records(tree.town_a1, 2026)) == ["县委代镇填"]
    assert topics(flags.proxy_meeting_records(a, 2025)) == []


def test_placeholder_versions_by_report_period_or_signing_year(tree):
    a = tree.county_a
    prompt = [{"level": 0, "text": "（请列明存在的主要问题及原因。）"}]
    clean = [{"level": 0, "text": "无。"}]
    v1 = signed_version(a, prompt, period="2026H1")
    signed_version(a, clean, period="2026H2", signed_at=beijing(2027, 1, 10))
    v3 = signed_version(a, prompt, period="2025H2", signed_at=beijing(2026, 1, 10))
    v4 = signed_version(a, prompt, period="", kind=ReportKind.MAJOR, signed_at=beijing(2026, 1, 1, 0, 30))
    signed_version(tree.town_a1, prompt, period="2026H1")
    draft = Report.objects.create(organization=a, kind=ReportKind.SUMMARY, period="2026H1")
    ReportVersion.objects.create(report=draft, number=1, title="草稿", addressee="上级", blocks=prompt)

    assert list(flags.placeholder_versions(a, 2026)) == [v4, v1]
    assert list(flags.placeholder_versions(a, 2025)) == [v3]


def test_last_minute_obligations_are_completed_on_the_deadline_day_or_later(tree):
    a = tree.county_a
    day_before = obligation(a, code="analysis", status="done", completed_at=beijing(2026, 3, 30, 23, 59))
    last_day = obligation(a, code="special_study", status="done", completed_at=beijing(2026, 3, 31, 0, 1))
    late = obligation(a, code="theory_study", status="done_late", completed_at=beijing(2026, 4, 2))
    obligation(a, code="joint_meeting", status="overdue")
    obligation(a, code="briefing", due=None, status="done", completed_at=beijing(2026, 4, 2))
    obligation(a, "2025Q4", code="analysis", due=D(2025, 12, 31), status="done", completed_at=beijing(2025, 12, 31))
    obligation(tree.town_a1, code="analysis", status="done", completed_at=beijing(2026, 3, 31))

    found = flags.last_minute_obligations(a, 2026)
    assert [(o.pk, o.completed_on) for o in found] == [(last_day.pk, D(2026, 3, 31)), (late.pk, D(2026, 4, 2))]
    assert day_before.pk not in {o.pk for o in found}
    assert len(flags.last_minute_obligations(a, 2025)) == 1


# --- scoped ------------------------------------------------------------------------------------------


@pytest.fixture
def inspector(tree):
    return make_user("inspector_a", grants=[("view", tree.county_a), ("inspect", tree.county_a)])


def test_scoped_flags_follow_the_inspect_scope_the_subtree_and_the_year(tree, city_staff, inspector):
    for org, name in ((tree.county_a, "A"), (tree.town_a1, "A1"), (tree.town_a2, "A2"), (tree.county_b, "B")):
        meeting(org, D(2026, 1, 10), beijing(2026, 1, 10), city_staff, topic=f"{name}代填")
    meeting(tree.town_a1, D(2025, 12, 1), beijing(2025, 12, 1), city_staff, topic="A1去年代填")
    signed_version(tree.town_a2, [{"level": 0, "text": "（请简述本期意识形态工作总体情况。）"}])
    signed_version(tree.county_b, [{"level": 0, "text": "（请简述本期意识形态工作总体情况。）"}])
    obligation(tree.town_a1, code="special_study", status="done_late", completed_at=beijing(2026, 4, 9))

    proxy = FlagKind.PROXY_ENTRY
    assert sorted(topics(flags.flagged(inspector, proxy))) == ["A1代填", "A1去年代填", "A2代填", "A代填"]
    assert sorted(topics(flags.flagged(inspector, proxy, year=2026))) == ["A1代填", "A2代填", "A代填"]
    assert topics(flags.flagged(inspector, proxy, organization=tree.town_a1, year=2025)) == ["A1去年代填"]
    assert flags.flag_counts(inspector, year=2026) == {
        "late_entry": 0, "proxy_entry": 3, "placeholder": 1, "last_minute": 1,
    }
    assert flags.flag_counts(inspector, organization=tree.town_a1, year=2026) == {
        "late_entry": 0, "proxy_entry": 1, "placeholder": 0, "last_minute": 1,
    }
    # `view` alone is not `inspect`: the operators' staff see no flags.
    assert flags.flag_counts(city_staff, year=2026) == {"late_entry": 0, "proxy_entry": 0, "placeholder": 0,
                                                        "last_minute": 0}
    with pytest.raises(ValueError):
        flags.flagged(inspector, "nonsense")
