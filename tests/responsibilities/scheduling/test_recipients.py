"""Who hears from the scheduler: staff granted through a group are staff like any other."""

import datetime as dt

import pytest

from responsibilities.models import Notification, Obligation
from responsibilities.periods import Period
from responsibilities.scheduling import services as scheduling
from tests.factories import make_group_staff, make_user

D = dt.date
Q3 = Period.parse("2026Q3")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return scheduling.local_moment(day, hour)


@pytest.fixture
def county_analysis(tree) -> Obligation:
    scheduling.obligations_generate(periods=[Q3], now=at(D(2026, 7, 1)))
    # County A's Q3 analysis is due Wed 2026-09-30; its 14-day reminder falls on Wed 09-16.
    return Obligation.objects.get(organization=tree.county_a, work_system__code="analysis", period="2026Q3")


def recipients(obligation: Obligation, kind: str) -> set[str]:
    return set(obligation.notifications.filter(kind=kind).values_list("recipient__username", flat=True))


def test_staff_granted_through_a_group_get_reminders(tree, county_analysis):
    make_group_staff("a_group_staff", tree.county_a)
    make_user("a_direct_staff", grants=[("manage", tree.county_a)])

    scheduling.sweep_reminders(now=at(D(2026, 9, 16)))

    assert recipients(county_analysis, Notification.Kind.REMINDER) == {"a_group_staff", "a_direct_staff"}


def test_staff_granted_through_a_group_are_told_when_their_task_is_overdue(tree, county_analysis):
    make_group_staff("a_group_staff", tree.county_a)

    scheduling.sweep_overdue(now=at(D(2026, 10, 1), 0))

    assert recipients(county_analysis, Notification.Kind.OVERDUE) == {"a_group_staff"}


def test_an_overdue_task_escalates_to_the_upper_organizations_group_granted_staff(tree, county_analysis):
    make_group_staff("city_group_staff", tree.city)
    make_group_staff("a_group_staff", tree.county_a)

    scheduling.sweep_overdue(now=at(D(2026, 10, 1), 0))

    town = Obligation.objects.get(organization=tree.town_a1, work_system__code="analysis", period="2026Q3")
    assert recipients(county_analysis, Notification.Kind.ESCALATION) == {"city_group_staff"}
    assert recipients(town, Notification.Kind.ESCALATION) == {"a_group_staff"}


def test_an_inactive_group_member_hears_nothing(tree, county_analysis):
    gone = make_group_staff("gone", tree.county_a)
    gone.is_active = False
    gone.save()

    scheduling.sweep_reminders(now=at(D(2026, 9, 16)))

    assert recipients(county_analysis, Notification.Kind.REMINDER) == set()
