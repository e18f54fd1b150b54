"""The workbench on the home page: each persona sees the counts and lists of what they must do now,
in a bounded number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from responsibilities import text
from responsibilities.models import Notification, Obligation, Organization, WorkSystem
from responsibilities.scheduling.calendar import due_moment, local_moment
from responsibilities.workbench import workbench
from tests.factories import make_org, make_user

D = dt.date
TODAY = D(2026, 6, 17)  # a Wednesday


@pytest.fixture(autouse=True)
def _wednesday():
    with time_machine.travel(local_moment(TODAY, 10), tick=False):
        yield


def make_obligation(org: Organization, code: str, due: dt.date, status: str = Obligation.Status.OPEN) -> Obligation:
    return Obligation.objects.create(
        organization=org, work_system=WorkSystem.objects.get(code=code), period="2026H1",
        period_start=D(2026, 1, 1), period_end=D(2026, 6, 30), due_date=due, due_at=due_moment(due),
        responsible="propaganda", status=status,
    )


@pytest.fixture
def work(tree):
    make_obligation(tree.county_a, "analysis", D(2026, 6, 10), Obligation.Status.OVERDUE)
    make_obligation(tree.county_a, "special_study", TODAY)
    make_obligation(tree.county_a, "briefing", D(2026, 6, 19))
    make_obligation(tree.county_a, "joint_meeting", D(2026, 6, 22))  # next week
    make_obligation(tree.county_a, "theory_study", D(2026, 6, 1), Obligation.Status.DONE)
    make_obligation(tree.town_a1, "analysis", D(2026, 6, 1), Obligation.Status.OVERDUE)
    make_obligation(tree.town_a1, "briefing", D(2026, 6, 5), Obligation.Status.OVERDUE)
    make_obligation(tree.county_b, "analysis", D(2026, 6, 1), Obligation.Status.OVERDUE)
    return tree


def counts(user) -> dict[str, int]:
    return {panel.key: card.count for panel, card in workbench(user, TODAY) if panel.key.startswith(("obl", "not"))}


def test_staff_see_their_organizations_overdue_due_today_and_due_this_week(work):
    staff = make_user("a_xcb", grants=[("view", work.county_a), ("manage", work.county_a)])

    assert counts(staff) == {"obligations.overdue": 1, "obligations.today": 1, "obligations.week": 1,
                             "notices.open": 0}
    cards = {panel.key: card for panel, card in workbench(staff, TODAY)}
    assert [(e.title, e.detail, e.due_date) for e in cards["obligations.overdue"].entries] == [
        ("分析研判制度（2026年上半年）", "A县委", D(2026, 6, 10))]


def test_the_secretary_sees_what_the_subtree_has_overdue_per_organization(work):
    secretary = make_user("a_shuji", grants=[("view", work.county_a), ("sign_report", work.county_a)])

    cards = {panel.key: card for panel, card in workbench(secretary, TODAY)}

    assert "obligations.overdue" not in cards  # not staff of any organization
    assert cards["obligations.subtree_overdue"].count == 3
    assert [(e.title, e.detail) for e in cards["obligations.subtree_overdue"].entries] == [
        ("A县一镇党委", "2 项逾期"), ("A县委", "1 项逾期")]


def test_only_open_unread_notices_are_counted(work):
    staff = make_user("a_xcb", grants=[("view", work.county_a), ("manage", work.county_a)])
    now = local_moment(TODAY, 9)
    Notification.objects.create(recipient=staff, kind="message", title="待办")
    Notification.objects.create(recipient=staff, kind="message", title="已办结", item_type="x", item_id=1, done_at=now)
    Notification.objects.create(recipient=staff, kind="message", title="已读", item_type="x", item_id=2, read_at=now)

    cards = {panel.key: card for panel, card in workbench(staff, TODAY)}

    assert cards["notices.open"].count == 1
    assert [e.title for e in cards["notices.open"].entries] == ["待办"]


def test_the_workbench_takes_the_same_few_queries_however_much_there_is_to_do(work, django_assert_max_num_queries):
    staff = make_user("a_xcb", grants=[("view", work.county_a), ("manage", work.county_a)])
    secretary = make_user("a_shuji", grants=[("view", work.county_a), ("sign_report", work.county_a)])
    for n in range(30):
        town = make_org(f"A县{n}村", parent=work.county_a)
        make_obligation(town, "analysis", D(2026, 6, 1), Obligation.Status.OVERDUE)
        make_obligation(work.county_a if n == 0 else town, "briefing" if n else "democratic_life", TODAY)
    for user in (staff, secretary):
        with django_assert_max_num_queries(30):
            workbench(user, TODAY)


def test_due_phrases():
    assert [str(text.due_phrase(D(2026, 6, d), TODAY)) for d in (14, 17, 20)] == ["已逾期 3 天", "今天到期", "还有 3 天"]
    assert str(text.due_phrase(None, TODAY)) == ""


def test_the_home_page_shows_the_workbench_above_the_organizations(work):
    staff = make_user("a_xcb", grants=[("view", work.county_a), ("manage", work.county_a)])
    client = Client()
    client.force_login(staff)

    page = client.get(reverse("home")).content.decode()

    assert page.index('data-testid="workbench"') < page.index("我的工作范围")
    assert "已逾期 7 天" in page and "今天到期" in page and "还有 2 天" in page
    assert reverse("responsibilities:obligation_detail", args=[
        Obligation.objects.get(organization=work.county_a, work_system__code="analysis").pk]) in page


def test_a_user_with_nothing_to_do_sees_the_empty_state(tree):
    staff = make_user("b_xcb", grants=[("view", tree.county_b), ("manage", tree.county_b)])
    client = Client()
    client.force_login(staff)

    page = client.get(reverse("home")).content.decode()

    assert "暂无待办" in page
