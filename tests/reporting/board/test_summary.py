"""汇总报告: the propaganda department's region summary, generated from the subordinates' reports."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from reporting.board import selectors as board_selectors
from reporting.board import services as board_services
from reporting.models import Report, ReportKind
from reporting.reports import selectors as reports_selectors
from reporting.reports import services as reports_services
from responsibilities.models import Department, Obligation
from responsibilities.org.services import department_ensure
from tests.factories import make_user
from tests.reporting.board.test_board import (
    H1,
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


def _departments(tree) -> None:
    for org in (tree.city, tree.county_a):
        department_ensure(organization=org, kind=Department.Kind.PROPAGANDA, name=f"{org.name}宣传部")


@pytest.fixture
def region(tree, city_staff):
    return build_region(tree, city_staff)


# X市委 and its ten organizations below (A, B with three towns; C–G). Of the 11 党委报告制度 tasks the
# three submitted reports (A on time, B late, C on time) are done; the summary counts its own 汇总汇报
# as done. Nothing is copied from the counties' reports.
FIGURES = [
    "以下数据根据本系统记录的工作任务统计，范围为X市委及所属各级党组织共 11 个：",
    "党委报告制度：应完成 11 项，已完成 3 项（其中逾期完成 1 项），尚在办理 8 项。",
    "汇总汇报：应完成 11 项，已完成 1 项，尚在办理 10 项。",
    "专题研究：应完成 11 项，已完成 0 项，尚在办理 11 项。",
]


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


def test_the_key_figures_are_recomputed_from_the_subtrees_data_and_agree_with_the_text(region, city_staff):
    with time_machine.travel(at(D(2026, 6, 23)), tick=False):
        report = board_services.summary_report_create(organization=region.city, period=H1, actor=city_staff)
        text = [b.text for b in reports_selectors.rendered(reports_selectors.latest_version(report)).blocks]

    figures = text[text.index("全域主要数据") + 1:text.index("未报送单位")]
    assert figures == FIGURES
    facts = reports_selectors.latest_version(report).facts
    assert [(s["code"], s["required"], s["done"], s["late"]) for s in facts["systems"]][:2] == [
        ("party_report", 11, 3, 1), ("summary_report", 11, 1, 0)]
    assert (facts["subordinates"], facts["organizations"]) == (7, 11)


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
    assert text[0].endswith("截至目前，已报送 0 个（其中按时 0 个、逾期 0 个，已签收 0 个），未报送 2 个。现将有关情况汇总报告如下。")
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



# --- who issues it, to whom ---------------------------------------------------------------------


def test_the_summary_is_issued_by_the_propaganda_department_to_its_own_committee(tree):
    _departments(tree)
    county = unit_of(tree.county_a)
    generate()
    report = board_services.summary_report_create(organization=tree.county_a, period=H1, actor=county.staff)
    draft = reports_selectors.latest_version(report)

    assert (draft.addressee, draft.copy_to) == ("中共A县委", "X市委宣传部")
    document = reports_services.version_document(draft)
    assert (document.issuer_mark, document.signing_organ, document.printer) == (
        "中共A县委宣传部", "中共A县委宣传部", "A县委宣传部办公室")

    signed = reports_services.report_sign(version=write_up(report), actor=county.secretary, now=at(D(2026, 6, 18)))

    assert signed.issuer_department.name == "A县委宣传部"
    assert signed.doc_number == "A县委宣传部〔2026〕1号"
    half_year = reports_services.report_sign(
        version=write_up(drafted(county)), actor=county.secretary, now=at(D(2026, 6, 18)))
    assert half_year.doc_number == "A县委〔2026〕1号"  # the committee's own series goes on
    assert half_year.issuer_department is None


def test_the_summary_at_the_top_of_the_tree_has_no_upper_department_to_copy(tree, city_staff):
    _departments(tree)
    generate()
    report = board_services.summary_report_create(organization=tree.city, period=H1, actor=city_staff)

    draft = reports_selectors.latest_version(report)
    assert (draft.addressee, draft.copy_to) == ("中共X市委", "")
    assert reports_services.version_document(draft).issuer_mark == "中共X市委宣传部"


def test_the_signed_summary_freezes_the_board_as_it_stood_when_signed(tree):
    county = unit_of(tree.county_a)
    generate()
    town = unit_of(tree.town_a1)
    report = board_services.summary_report_create(organization=tree.county_a, period=H1, actor=county.staff)
    assert "截至目前尚未报送的单位共 2 个：A县一镇党委（未起草）、A县二镇党委（未起草）。" in body(report)

    submitted(town, at(D(2026, 6, 8)))
    version = reports_services.report_sign(version=write_up(report),
                                           actor=county.secretary, now=at(D(2026, 6, 18)))

    text = [b["text"] for b in version.blocks]
    assert "截至目前尚未报送的单位共 1 个：A县二镇党委（未起草）。" in text
    assert "1. A县一镇党委：已报送，待签收（按时，A县一镇党委〔2026〕1号）" in text
    assert text[0].startswith("根据意识形态工作责任制关于党委（党组）报告制度的要求，A县委所属 2 个下级党组织")
    assert "已报送 1 个（其中按时 1 个、逾期 0 个，已签收 0 个），未报送 1 个" in text[0]
