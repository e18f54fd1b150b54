"""汇总报告: the propaganda department's region summary, generated from the subordinates' reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reporting.board import selectors as board_selectors
from reporting.board import services as board_services
from reporting.models import Report, ReportKind
from reporting.reports import selectors as reports_selectors
from reporting.reports import services as reports_services
from responsibilities.models import Obligation
from tests.factories import make_user
from tests.reporting.board.test_board import (
    H1,
    Unit,
    at,
    board_url,
    build_region,
    client_of,
    drafted,
    generate,
    submitted,
    unit_of,
)
from tests.reporting.writing import write_up

D = dt.date


@pytest.fixture
def city_staff(tree):
    return make_user("city_xcb", grants=[("view", tree.city), ("manage", tree.city), ("draft_report", tree.city)])


def system(code: str, name: str, required: int, done: int, *, late: int = 0, overdue: int = 0,
           meetings: int = 0) -> dict:
    return {"code": code, "name": name, "required": required, "done": done, "late": late, "overdue": overdue,
            "open": required - done - overdue, "waived": 0, "meetings": meetings, "dates": []}


# Each unit's own statistics, as its signed report states them.
FACTS = {
    "received": [system("theory_study", "理论学习", 6, 5, late=1, overdue=1, meetings=5),
                 system("analysis", "分析研判", 2, 2, meetings=2)],
    "late": [system("theory_study", "理论学习", 6, 6, meetings=6)],
    "on_time": [system("analysis", "分析研判", 2, 1, overdue=1, meetings=1)],
    # Not submitted, or returned: never summed.
    "signed": [system("theory_study", "理论学习", 100, 100, meetings=100)],
    "returned": [system("analysis", "分析研判", 50, 50, meetings=50)],
}


def _with_facts(status: str, unit: Unit) -> None:
    report = drafted(unit)
    if status not in FACTS:
        return
    v = reports_selectors.latest_version(report)
    reports_services.report_version_save(
        report=report, actor=unit.staff, title=v.title, addressee=v.addressee, copy_to=v.copy_to,
        blocks=v.blocks, attachments=[], facts={"systems": FACTS[status]},
    )


@pytest.fixture
def region(tree, city_staff):
    return build_region(tree, city_staff, prepare=_with_facts)


def body(report: Report) -> list[str]:
    return [block["text"] for block in reports_selectors.latest_version(report).blocks]


def test_the_summary_lists_every_subordinate_with_its_status(region, city_staff):
    report = board_services.summary_report_create(organization=region.city, period=H1, actor=city_staff)

    text = body(report)
    assert text[text.index("下级党组织报告情况") + 1:][:7] == [
        "1. A县委：已签收（按时，A县委〔2026〕1号）",
        "2. B县委：已报送，待签收（逾期，B县委〔2026〕1号）",
        "3. C县委：已报送，待签收（按时，C县委〔2026〕1号）",
        "4. D县委：已签发，未报送",
        "5. E县委：草稿，未报送",
        "6. F县委：已退回，待重新报送",
        "7. G县委：未起草",
    ]
    assert "已报送 3 个（其中按时 2 个、逾期 1 个，已签收 1 个），未报送 4 个" in text[0]


def test_the_key_figures_are_the_sums_of_the_submitted_signed_versions(region, city_staff):
    report = board_services.summary_report_create(organization=region.city, period=H1, actor=city_staff)

    text = body(report)
    assert "以下数据根据已报送的 3 份报告所载统计汇总：" in text
    assert "理论学习：应完成 12 项，已完成 11 项（其中逾期完成 1 项），逾期未完成 1 项；共召开（组织）会议 11 次。" in text
    assert "分析研判：应完成 4 项，已完成 3 项，逾期未完成 1 项；共召开（组织）会议 3 次。" in text
    facts = reports_selectors.latest_version(report).facts
    sums = {s["code"]: (s["required"], s["done"], s["overdue"], s["meetings"]) for s in facts["systems"]}
    assert sums == {"theory_study": (12, 11, 1, 11), "analysis": (4, 3, 1, 3)}
    assert facts["subordinates"] == 7


def test_the_organizations_not_reported_are_listed(region, city_staff):
    report = board_services.summary_report_create(organization=region.city, period=H1, actor=city_staff)

    text = body(report)
    assert text[text.index("未报送单位") + 1] == (
        "截至目前尚未报送的单位共 4 个：D县委（已签发）、E县委（草稿）、F县委（已退回）、G县委（未起草）。"
    )


def test_the_summary_is_a_draft_summary_report_in_its_own_version(region, city_staff):
    report = board_services.summary_report_create(organization=region.city, period=H1, actor=city_staff)

    assert (report.kind, report.period, report.status) == (ReportKind.SUMMARY, "2026H1", Report.Status.DRAFT)
    versions = list(report.versions.order_by("number"))
    assert [v.note for v in versions] == ["新建草稿", "根据下级报告生成汇总"]
    assert versions[-1].title == "关于2026年上半年全域意识形态工作情况的汇总报告"


def test_without_any_report_the_summary_says_so(tree, city_staff):
    generate()

    report = board_services.summary_report_create(organization=tree.city, period=H1, actor=city_staff)

    text = body(report)
    assert "尚无下级党组织报送本期报告，暂无汇总数据。" in text
    assert "截至目前尚未报送的单位共 2 个：A县委（未起草）、B县委（未起草）。" in text


def test_one_summary_per_organization_and_period(tree, city_staff):
    board_services.summary_report_create(organization=tree.city, period=H1, actor=city_staff)
    with pytest.raises(ValidationError, match="已有2026年上半年的该类报告"):
        board_services.summary_report_create(organization=tree.city, period=H1, actor=city_staff)


def test_an_organization_without_subordinates_has_nothing_to_summarise(tree, city_staff):
    with pytest.raises(ValidationError, match="没有下级组织，无需汇总"):
        board_services.summary_report_create(organization=tree.town_a1, period=H1, actor=city_staff)


def test_the_summary_is_signed_and_submitted_like_any_report(tree, city_staff):
    county = unit_of(tree.county_a)
    generate()
    submitted(unit_of(tree.town_a1), at(D(2026, 6, 8)))
    report = board_services.summary_report_create(organization=tree.county_a, period=H1, actor=county.staff)

    version = reports_services.report_sign(version=write_up(report), actor=county.secretary,
                                   now=at(D(2026, 6, 18)))
    submission = reports_services.report_submit(report=report, actor=county.staff, now=at(D(2026, 6, 18), 15))

    assert version.doc_number == "A县委〔2026〕1号" and submission.to_organization == tree.city
    summary_obligation = Obligation.objects.get(organization=tree.county_a, work_system__code="summary_report",
                                                period="2026H1")
    assert summary_obligation.status == Obligation.Status.DONE
    board = board_selectors.board(tree.city, H1, ReportKind.SUMMARY)
    assert [(e.organization.name, e.status) for e in board.entries] == [("A县委", "on_time"), ("B县委", "missing")]


# --- the button ---------------------------------------------------------------------------------


def test_the_button_creates_the_summary_and_opens_it(region, city_staff):
    client = client_of(city_staff)

    response = client.post(board_url(region.city, "reporting:board_summary"))

    report = Report.objects.get(organization=region.city, kind=ReportKind.SUMMARY, period="2026H1")
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:report_detail", args=[report.pk])
    page = client.get(board_url(region.city)).content.decode()
    assert 'data-testid="summary-link"' in page and 'data-testid="board-summary"' not in page


def test_a_second_click_opens_the_existing_summary_with_a_message(region, city_staff):
    client = client_of(city_staff)
    client.post(board_url(region.city, "reporting:board_summary"))

    response = client.post(board_url(region.city, "reporting:board_summary"), follow=True)

    report = Report.objects.get(organization=region.city, kind=ReportKind.SUMMARY, period="2026H1")
    assert response.redirect_chain[0][0] == reverse("reporting:report_detail", args=[report.pk])
    assert "X市委2026年上半年的汇总报告已经存在，已为您打开。" in response.content.decode()
    assert Report.objects.filter(kind=ReportKind.SUMMARY).count() == 1


def test_only_those_who_draft_reports_for_the_upper_organization_may_generate_it(tree, region):
    viewer = make_user("viewer", grants=[("view", tree.city), ("manage", tree.city)])
    county_staff = region.units["received"].staff

    assert client_of(viewer).post(board_url(tree.city, "reporting:board_summary")).status_code == 403
    assert client_of(county_staff).post(board_url(tree.city, "reporting:board_summary")).status_code == 404
    assert not Report.objects.filter(kind=ReportKind.SUMMARY).exists()
    page = client_of(viewer).get(board_url(tree.city)).content.decode()
    assert 'data-testid="board-summary"' not in page

