"""Staff granted through a group hear of submissions to their organization and of board reminders."""

from __future__ import annotations

import datetime as dt

import time_machine

from reporting.board import services as board_services
from reporting.models import ReportKind
from reporting.reports import services as reports_services
from responsibilities.models import Notification
from responsibilities.periods import Period
from responsibilities.scheduling import services as scheduling
from tests.factories import make_assignment, make_group_staff, make_person, make_user
from tests.reporting.writing import write_up

D = dt.date
H1 = Period.parse("2026H1")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return scheduling.local_moment(day, hour)


def messages_to(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user, kind=Notification.Kind.MESSAGE).values_list("title", flat=True))


def test_a_submission_is_announced_to_the_upper_organizations_group_granted_staff(tree):
    city_group_staff = make_group_staff("city_group_xcb", tree.city)
    secretary = make_user("a_shuji", grants=[("sign_report", tree.county_a)])
    make_assignment(person=make_person("A县委书记", organization=tree.county_a, user=secretary),
                    role="secretary", start=D(2024, 1, 1))
    drafter = make_user("a_xcb", grants=[("draft_report", tree.county_a)])
    report = reports_services.report_create(organization=tree.county_a, kind=ReportKind.HALF_YEAR, period=H1,
                                            actor=drafter)
    version = reports_services.report_sign(version=write_up(report), actor=secretary,
                                           now=at(D(2026, 6, 15)))
    report.refresh_from_db()

    with time_machine.travel(at(D(2026, 6, 16)), tick=False):
        reports_services.report_submit(report=report, actor=drafter)

    assert messages_to(city_group_staff) == [f"【报告】A县委报送了{version.title}"]


def test_a_board_reminder_reaches_the_laggards_group_granted_staff(tree):
    county_group_staff = make_group_staff("a_group_xcb", tree.county_a)
    city_staff = make_user("city_xcb", grants=[("manage", tree.city)])
    scheduling.obligations_generate(periods=[H1], now=at(D(2026, 1, 1)))

    board_services.board_remind(upper=tree.city, period=H1, kind=ReportKind.HALF_YEAR, actor=city_staff,
                                now=at(D(2026, 6, 25)))

    assert messages_to(county_group_staff) == ["【催报】请尽快报送半年专题汇报（2026年上半年，A县委）"]
