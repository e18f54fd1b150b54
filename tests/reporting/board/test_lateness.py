"""The board (issue #9 §2): lateness of what was submitted (按时 / 逾期 N 天), and the period it opens on."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.urls import reverse

from reporting.board import selectors as board_selectors
from reporting.models import ReportKind, Submission
from reporting.submissions import services as submissions_services
from responsibilities.periods import Period
from tests.reporting.board import test_board
from tests.reporting.board.test_board import at, client_of, generate, submitted, unit_of

D = dt.date
city_staff = test_board.city_staff


def lateness(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r'<td data-testid="lateness">(.*?)</td>', page, re.S)]


def test_received_and_submitted_reports_show_on_time_or_days_late(tree, city_staff):
    county_a, county_b = unit_of(tree.county_a), unit_of(tree.county_b)
    generate()  # both counties' deadline: 20 June
    on_time = submitted(county_a, at(D(2026, 6, 20), 23))
    late = submitted(county_b, at(D(2026, 6, 23), 9))
    submissions_services.submission_receive(submission=late, actor=city_staff)

    page = client_of(city_staff).get(reverse("reporting:board"), {"org": tree.city.pk, "period": "2026H1"})

    assert (on_time.days_late, Submission.objects.get(pk=late.pk).days_late) == (0, 3)
    assert lateness(page.content.decode()) == ["按时", "逾期 3 天"]


def test_a_late_submission_without_a_deadline_is_one_day_late():
    assert Submission(on_time=False, deadline=None, submitted_at=at(D(2026, 7, 1))).days_late == 1


def test_the_board_opens_on_the_period_whose_deadline_is_nearest(tree, city_staff):
    unit_of(tree.county_a)
    generate()  # 2026H1 obligations: due 20 June; 2026H2 has none yet (its last day, 31 December, counts)
    client = client_of(city_staff)

    with time_machine.travel(at(D(2026, 7, 3)), tick=False):
        july = client.get(reverse("reporting:board"), {"org": tree.city.pk}).content.decode()
        assert board_selectors.nearest_period(tree.city, ReportKind.HALF_YEAR, D(2026, 7, 3)) == Period.parse("2026H1")
    with time_machine.travel(at(D(2026, 11, 30)), tick=False):
        november = client.get(reverse("reporting:board"), {"org": tree.city.pk}).content.decode()

    assert '<option value="H1" selected>上半年' in july and "2026年上半年" in july
    assert '<option value="H2" selected>下半年' in november
    assert board_selectors.nearest_period(tree.city, ReportKind.HALF_YEAR, D(2026, 9, 25)) == Period.parse("2026H1")  # 97 days either way
    assert board_selectors.nearest_period(tree.city, ReportKind.HALF_YEAR, D(2026, 9, 26)) == Period.parse("2026H2")
    assert board_selectors.nearest_period(tree.city, ReportKind.INSPECTION, D(2026, 3, 1)) == Period.parse("2025")


def test_a_unit_not_yet_reported_shows_how_late_it_is(tree, city_staff):
    unit_of(tree.county_a)
    generate()  # 2026H1: due 20 June
    with time_machine.travel(at(D(2026, 7, 3)), tick=False):
        page = client_of(city_staff).get(reverse("reporting:board"),
                                          {"org": tree.city.pk, "period": "2026H1"}).content.decode()
    assert 'data-testid="due">已逾期 13 天</span>' in page
