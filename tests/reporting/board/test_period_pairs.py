"""Report kinds and periods go together (reporting.models.PERIOD_KINDS): a half-yearly report for a whole
year, or a yearly inspection report for a half year, is refused everywhere — creating a report, the
board and its buttons — instead of showing every unit as unreported and chasing them for it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reporting.models import Report, ReportKind, period_mismatch
from reporting.reports import services as reports_services
from responsibilities.models import Notification
from responsibilities.periods import Period
from tests.reporting.board.test_board import city_staff, client_of  # noqa: F401 (fixture)


def test_the_rule_names_the_period_each_kind_takes():
    assert period_mismatch(ReportKind.HALF_YEAR, Period.parse("2026H2")) == ""
    assert period_mismatch(ReportKind.SUMMARY, Period.parse("2026H1")) == ""
    assert period_mismatch(ReportKind.INSPECTION, Period.parse("2026")) == ""
    assert period_mismatch(ReportKind.MAJOR, None) == ""
    assert period_mismatch(ReportKind.HALF_YEAR, Period.parse("2026")) == (
        "半年专题汇报的期间应为半年，如 2026年上半年 或 2026年下半年。")
    assert period_mismatch(ReportKind.INSPECTION, Period.parse("2026H2")) == "年度专项督查报告的期间应为年度，如 2026年度。"
    assert period_mismatch(ReportKind.MAJOR, Period.parse("2026H2")) == "重大情况专题报告不按期间报送，请不选报告期间。"
    assert period_mismatch(ReportKind.SUMMARY, None) == "请选择报告期间。"


def test_the_service_refuses_a_mismatched_pair(tree, city_staff):  # noqa: F811
    with pytest.raises(ValidationError, match="半年专题汇报的期间应为半年"):
        reports_services.report_create(organization=tree.city, kind=ReportKind.HALF_YEAR,
                                       period=Period.parse("2026"), actor=city_staff)
    assert not Report.objects.exists()


def test_the_board_refuses_a_half_year_board_for_a_whole_year_and_its_buttons_do_nothing(tree, city_staff):  # noqa: F811
    client = client_of(city_staff)
    query = {"org": tree.city.pk, "period": "2026", "kind": ReportKind.HALF_YEAR}

    page = client.get(reverse("reporting:board"), query).content.decode()
    remind = client.post(f"{reverse('reporting:board_remind')}?org={tree.city.pk}&period=2026&kind=half_year")
    summary = client.post(f"{reverse('reporting:board_summary')}?org={tree.city.pk}&period=2026&kind=half_year")

    assert "半年专题汇报的期间应为半年" in page and 'data-testid="board-row"' not in page
    assert (remind.status_code, summary.status_code) == (400, 400)
    assert not Notification.objects.exists() and not Report.objects.exists()


def test_a_summary_is_offered_only_on_the_half_year_board(tree, city_staff):  # noqa: F811
    client = client_of(city_staff)
    inspection = client.get(reverse("reporting:board"), {"org": tree.city.pk, "period": "2026", "kind": "inspection"})
    summary = client.post(f"{reverse('reporting:board_summary')}?org={tree.city.pk}&period=2026&kind=inspection",
                          follow=True)

    assert 'data-testid="board-summary"' not in inspection.content.decode()
    assert "汇总报告根据下级的半年专题汇报生成" in summary.content.decode()
    assert not Report.objects.exists()
