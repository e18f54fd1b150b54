"""The reports' panels of the workbench: 待签发 with the deadline served, 待报送, 被退回, 待签收 (own
organization only) and the lagging subordinates, per persona, in bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from reporting import handoffs
from reporting.models import Report, ReportKind
from reporting.reports import selectors
from reporting.reports import services as reports
from reporting.submissions import services as submissions
from responsibilities.models import Obligation, Organization, WorkSystem
from responsibilities.periods import Period
from responsibilities.scheduling.calendar import due_moment, local_moment
from responsibilities.workbench import workbench
from tests.factories import make_assignment, make_person, make_user
from tests.reporting.writing import write_up

D = dt.date
H1 = Period.parse("2026H1")
TODAY = D(2026, 6, 15)


@pytest.fixture(autouse=True)
def _june():
    with time_machine.travel(local_moment(TODAY, 10), tick=False):
        yield


def staff(org: Organization, name: str):
    return make_user(name, grants=[("view", org), ("manage", org), ("draft_report", org)])


def secretary(org: Organization, name: str):
    user = make_user(name, grants=[("view", org), ("sign_report", org)])
    make_assignment(person=make_person(f"{name}书记", organization=org, user=user), organization=org,
                    role="secretary", start=D(2024, 1, 1))
    return user


def report_due(org: Organization, due: dt.date) -> Obligation:
    return Obligation.objects.create(
        organization=org, work_system=WorkSystem.objects.get(code="party_report"), period="2026H1",
        period_start=D(2026, 1, 1), period_end=D(2026, 6, 30), due_date=due, due_at=due_moment(due),
        responsible="secretary",
    )


def cards(user) -> dict:
    return {panel.key: card for panel, card in workbench(user, TODAY) if panel.key.startswith("reports.")}


@pytest.fixture
def people(tree):
    class People:
        a_staff = staff(tree.county_a, "a_xcb")
        a_secretary = secretary(tree.county_a, "a_shuji")
        city_staff = staff(tree.city, "city_xcb")
        town_staff = staff(tree.town_a1, "t_xcb")
        town_secretary = secretary(tree.town_a1, "t_shuji")
    return People


def half_year(org: Organization, user) -> Report:
    report = reports.report_create(organization=org, kind=ReportKind.HALF_YEAR, period=H1, actor=user)
    write_up(report, user)  # the drafter's words over the prompts: what may be signed
    return report


def test_the_secretary_sees_the_drafts_asked_of_him_with_the_deadline_they_serve(tree, people):
    report_due(tree.county_a, D(2026, 7, 10))
    report = half_year(tree.county_a, people.a_staff)
    half_year(tree.county_b, staff(tree.county_b, "b_xcb"))  # nobody asked him
    handoffs.signature_request(report=report, actor=people.a_staff)

    card = cards(people.a_secretary)["reports.to_sign"]

    assert card.count == 1
    [entry] = card.entries
    assert (entry.detail, entry.due_date, entry.url) == (
        "A县委", D(2026, 7, 10), reverse("reporting:report_sign", args=[report.pk]))
    assert "reports.to_sign" not in cards(people.a_staff)  # may sign nowhere

    reports.report_sign(version=selectors.latest_version(report), actor=people.a_secretary)
    assert cards(people.a_secretary)["reports.to_sign"].count == 0


def test_staff_see_signed_reports_to_submit_and_returned_reports(tree, people):
    report_due(tree.county_a, D(2026, 7, 10))
    report = half_year(tree.county_a, people.a_staff)
    reports.report_sign(version=selectors.latest_version(report), actor=people.a_secretary)

    mine = cards(people.a_staff)
    assert (mine["reports.to_submit"].count, mine["reports.returned"].count) == (1, 0)
    entry = mine["reports.to_submit"].entries[0]
    assert (entry.title, entry.due_date, entry.url) == (
        "A县委关于2026年上半年意识形态工作情况的报告", D(2026, 7, 10),
        reverse("reporting:report_submit", args=[report.pk]))

    submission = reports.report_submit(report=report, actor=people.a_staff)
    submissions.submission_return(submission=submission, actor=people.city_staff, reason="数据有误")

    mine = cards(people.a_staff)
    assert (mine["reports.to_submit"].count, mine["reports.returned"].count) == (0, 1)
    assert mine["reports.returned"].entries[0].detail == "A县委 · 退回理由：数据有误"


def test_upper_staff_receive_only_what_is_addressed_to_their_own_organization(tree, people):
    town_report = half_year(tree.town_a1, people.town_staff)
    reports.report_sign(version=selectors.latest_version(town_report), actor=people.town_secretary)
    to_county = reports.report_submit(report=town_report, actor=people.town_staff)

    assert cards(people.city_staff)["reports.to_receive"].count == 0  # the county's business, not the city's
    county_card = cards(people.a_staff)["reports.to_receive"]
    assert county_card.count == 1
    assert county_card.entries[0].url == reverse("reporting:submission_detail", args=[to_county.pk])
    # The sender's deadline is not the receiver's: no 已逾期 badge, the submission's own 按时 / 逾期 instead.
    assert county_card.entries[0].due_date is None
    assert county_card.entries[0].detail.startswith("A县一镇党委 · ")
    assert county_card.entries[0].detail.endswith(("报送 · 按时", "天"))

    submissions.submission_receive(submission=to_county, actor=people.a_staff)
    assert cards(people.a_staff)["reports.to_receive"].count == 0


def test_upper_staff_see_the_subordinates_lagging_this_half_year(tree, people):
    report = half_year(tree.county_a, people.a_staff)
    reports.report_sign(version=selectors.latest_version(report), actor=people.a_secretary)
    reports.report_submit(report=report, actor=people.a_staff)

    card = cards(people.city_staff)["reports.laggards"]

    assert card.count == 1
    assert [(e.title, e.detail) for e in card.entries] == [("B县委", "2026年上半年 · 未起草")]
    assert "reports.laggards" not in cards(people.town_staff)  # a town has no subordinates


def test_the_reports_panels_take_a_bounded_number_of_queries(tree, people, django_assert_max_num_queries):
    for org in (tree.county_a, tree.county_b):
        report_due(org, D(2026, 7, 10))
    b_staff = staff(tree.county_b, "b_xcb")
    b_secretary = secretary(tree.county_b, "b_shuji")
    for org, drafter, signer in ((tree.county_a, people.a_staff, people.a_secretary),
                                 (tree.county_b, b_staff, b_secretary)):
        for kind, period in ((ReportKind.HALF_YEAR, H1), (ReportKind.INSPECTION, Period.parse("2026"))):
            report = reports.report_create(organization=org, kind=kind, period=period, actor=drafter)
            write_up(report, drafter)
            handoffs.signature_request(report=report, actor=drafter)
    for user in (people.a_staff, people.a_secretary, people.city_staff):
        with django_assert_max_num_queries(30):
            workbench(user, TODAY)


def test_the_home_page_links_each_item_to_where_it_is_done(tree, people):
    report_due(tree.county_a, D(2026, 7, 10))
    report = half_year(tree.county_a, people.a_staff)
    handoffs.signature_request(report=report, actor=people.a_staff)
    client = Client()
    client.force_login(people.a_secretary)

    page = client.get(reverse("home")).content.decode()

    assert 'data-testid="panel-reports.to_sign"' in page
    assert reverse("reporting:report_sign", args=[report.pk]) in page
    assert "2026-07-10</span>" in page
    assert 'data-testid="due">还有 25 天</span>' in page
