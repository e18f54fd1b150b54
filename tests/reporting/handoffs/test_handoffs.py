"""Hand-offs: each step of a report tells exactly the next people, and its notice is closed (已办结)
when that step is done."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from reporting import handoffs
from reporting.delegations import services as delegations
from reporting.models import Report, ReportKind, Submission
from reporting.reports import selectors
from reporting.reports import services as reports
from reporting.submissions import services as submissions
from responsibilities.models import Notification, Obligation, Organization, Person, WorkSystem
from responsibilities.periods import Period
from responsibilities.scheduling.calendar import due_moment, local_moment
from responsibilities.work import services as work
from tests.factories import make_assignment, make_person, make_user
from tests.reporting.writing import write_up

D = dt.date
H1 = Period.parse("2026H1")
NOW = local_moment(D(2026, 6, 15), 10)


@pytest.fixture(autouse=True)
def _june():
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class County:
    org: Organization
    drafter: object
    secretary: object
    secretary_person: Person
    city_staff: object
    county_colleague: object  # another staff member of the county: not told of hand-offs addressed to others


@pytest.fixture
def county(tree) -> County:
    org = tree.county_a
    drafter = make_user("a_xcb", grants=[("view", org), ("manage", org), ("draft_report", org)])
    colleague = make_user("a_xcb2", grants=[("view", org), ("manage", org), ("draft_report", org)])
    secretary = make_user("a_shuji", grants=[("view", org), ("sign_report", org)])
    person = make_person("周书记", organization=org, user=secretary, title="县委书记")
    make_assignment(person=person, organization=org, role="secretary", start=D(2024, 1, 1))
    make_user("city_shuji", grants=[("view", tree.city), ("sign_report", tree.city)])  # signs for the city only
    city_staff = make_user("city_xcb", grants=[("view", tree.city), ("manage", tree.city)])
    return County(org, drafter, secretary, person, city_staff, colleague)


def draft(county: County) -> Report:
    report = reports.report_create(organization=county.org, kind=ReportKind.HALF_YEAR, period=H1, actor=county.drafter)
    write_up(report, county.drafter)  # the drafter's words over the prompts: what may be signed
    return report


def notices(item_type: str) -> list[tuple[str, bool]]:
    """(recipient's username, closed?) of the notices of one step, by username."""
    rows = Notification.objects.filter(item_type=item_type).select_related("recipient")
    return sorted((n.recipient.username, n.done_at is not None) for n in rows)


def signed(county: County) -> Report:
    report = draft(county)
    handoffs.signature_request(report=report, actor=county.drafter)
    reports.report_sign(version=selectors.latest_version(report), actor=county.secretary)
    return report


def test_asking_for_signature_tells_who_may_sign_for_the_organization_and_nobody_else(county):
    report = draft(county)

    version, count = handoffs.signature_request(report=report, actor=county.drafter)

    assert count == 1
    assert notices(handoffs.SIGN) == [("a_shuji", False)]
    notice = Notification.objects.get(item_type=handoffs.SIGN)
    assert notice.item_id == version.pk
    assert notice.url == reverse("reporting:report_sign", args=[report.pk])
    assert notice.title == f"【待签发】{version.title}"
    assert notice.sender == county.drafter


def test_a_delegate_in_force_is_asked_too(county):
    deputy_user = make_user("a_fushuji", grants=[("view", county.org), ("sign_report", county.org)])
    deputy = make_person("吴副书记", organization=county.org, user=deputy_user)
    make_assignment(person=deputy, organization=county.org, role="direct", start=D(2024, 1, 1))
    other = make_user("a_delegate", grants=[("view", county.org)])
    delegate = make_person("郑副书记", organization=county.org, user=other)
    make_assignment(person=delegate, organization=county.org, role="direct", start=D(2024, 1, 1))
    delegations.delegation_create(
        organization=county.org, delegate=delegate, start_date=D(2026, 6, 1), end_date=D(2026, 6, 30),
        reason="出差", actor=county.secretary,
    )

    handoffs.signature_request(report=draft(county), actor=county.drafter)

    assert notices(handoffs.SIGN) == [("a_delegate", False), ("a_fushuji", False), ("a_shuji", False)]


def test_asking_twice_for_the_same_version_is_refused_and_tells_nobody_again(county):
    report = draft(county)
    handoffs.signature_request(report=report, actor=county.drafter)

    with pytest.raises(ValidationError, match="第 2 版已提请签发"):
        handoffs.signature_request(report=report, actor=county.drafter)
    assert Notification.objects.filter(item_type=handoffs.SIGN).count() == 1


def test_asking_again_after_editing_supersedes_the_earlier_request(county):
    report = draft(county)
    handoffs.signature_request(report=report, actor=county.drafter)
    write_up(report, county.drafter)  # the drafter changes the text after asking

    handoffs.signature_request(report=report, actor=county.drafter)

    assert notices(handoffs.SIGN) == [("a_shuji", False), ("a_shuji", True)]  # one open: the 待签发 counts it once
    open_request = Notification.objects.get(item_type=handoffs.SIGN, done_at__isnull=True)
    assert open_request.item_id == selectors.latest_version(report).pk


def test_nobody_to_sign_means_a_clear_refusal_and_no_notice(tree):
    org = tree.county_b
    drafter = make_user("b_xcb", grants=[("view", org), ("manage", org), ("draft_report", org)])
    report = reports.report_create(organization=org, kind=ReportKind.HALF_YEAR, period=H1, actor=drafter)
    write_up(report, drafter)

    with pytest.raises(ValidationError, match="B县委目前没有可以签发的同志"):
        handoffs.signature_request(report=report, actor=drafter)
    assert not Notification.objects.exists()


def test_signing_closes_the_request_and_asks_the_drafter_to_submit(county):
    report = signed(county)

    version = selectors.latest_version(report)
    assert notices(handoffs.SIGN) == [("a_shuji", True)]
    assert notices(handoffs.SUBMIT) == [("a_xcb", False)]
    notice = Notification.objects.get(item_type=handoffs.SUBMIT)
    assert notice.item_id == version.pk
    assert notice.title == f"【已签发，请报送】{version.title}"
    assert notice.url == reverse("reporting:report_submit", args=[report.pk])


def test_submitting_closes_the_request_to_submit_and_asks_the_upper_organizations_own_staff(county):
    report = signed(county)

    submission = reports.report_submit(report=report, actor=county.drafter)

    assert notices(handoffs.SUBMIT) == [("a_xcb", True)]
    assert notices(handoffs.SUBMISSION) == [("city_xcb", False)]  # not the county's own staff
    assert Notification.objects.get(item_type=handoffs.SUBMISSION).item_id == submission.pk


def test_sign_and_submit_in_one_step_tells_the_drafter_it_is_done(county):
    report = draft(county)
    handoffs.signature_request(report=report, actor=county.drafter)

    reports.report_sign_and_submit(version=selectors.latest_version(report), actor=county.secretary)

    assert notices(handoffs.SIGN) == [("a_shuji", True)]
    assert notices(handoffs.SUBMIT) == [("a_xcb", True)]  # nothing left for the drafter to do…
    told = Notification.objects.get(item_type=handoffs.SUBMIT)
    assert told.title.startswith("【已报送】") and told.title.endswith("已报送X市委")  # …and told so
    assert told.emailed_at is None and told.read_at is None
    assert notices(handoffs.SUBMISSION) == [("city_xcb", False)]


def test_receipt_closes_the_upper_notice_and_tells_drafter_and_signer_with_nothing_left_to_do(county):
    submission = reports.report_submit(report=signed(county), actor=county.drafter)

    submissions.submission_receive(submission=submission, actor=county.city_staff)

    assert notices(handoffs.SUBMISSION) == [("city_xcb", True)]
    assert notices(handoffs.RECEIVED) == [("a_shuji", True), ("a_xcb", True)]


def test_a_return_tells_drafter_and_signer_and_is_closed_by_the_next_submission(county):
    report = signed(county)
    first = reports.report_submit(report=report, actor=county.drafter)

    submissions.submission_return(submission=first, actor=county.city_staff, reason="数据有误")

    assert notices(handoffs.SUBMISSION) == [("city_xcb", True)]
    assert notices(handoffs.RETURNED) == [("a_shuji", False), ("a_xcb", False)]
    assert Notification.objects.filter(item_type=handoffs.RETURNED, body="退回理由：数据有误").count() == 2

    handoffs.signature_request(report=report, actor=county.drafter)  # the returned copy is a new draft version
    reports.report_sign(version=selectors.latest_version(report), actor=county.secretary)
    second = reports.report_submit(report=report, actor=county.drafter)

    assert notices(handoffs.RETURNED) == [("a_shuji", True), ("a_xcb", True)]
    assert notices(handoffs.SIGN) == [("a_shuji", True), ("a_shuji", True)]
    assert sorted(Notification.objects.filter(item_type=handoffs.SUBMISSION).values_list("item_id", "done_at")) == [
        (first.pk, NOW), (second.pk, None)]


def test_a_refused_submission_writes_no_notice(county):
    report = draft(county)

    with pytest.raises(ValidationError):
        reports.report_submit(report=report, actor=county.drafter)
    assert not Notification.objects.filter(item_type=handoffs.SUBMISSION).exists()
    assert Submission.objects.count() == 0


# --- obligations: a notice about an obligation closes when it is completed or waived ---------------


def _obligation(org: Organization, code: str, due: dt.date) -> Obligation:
    return Obligation.objects.create(
        organization=org, work_system=WorkSystem.objects.get(code=code), period="2026H1",
        period_start=D(2026, 1, 1), period_end=D(2026, 6, 30), due_date=due, due_at=due_moment(due),
        responsible="propaganda", status=Obligation.Status.OVERDUE,
    )


def _overdue_notice(obligation: Obligation, user) -> Notification:
    return Notification.objects.create(recipient=user, obligation=obligation, kind=Notification.Kind.OVERDUE,
                                       title="【逾期】")


def test_an_overdue_notice_is_closed_when_its_obligation_is_completed(county):
    obligation = _obligation(county.org, "analysis", D(2026, 6, 10))
    notice = _overdue_notice(obligation, county.drafter)

    work.obligation_complete(obligation=obligation, actor=county.drafter)

    notice.refresh_from_db()
    assert notice.done_at == NOW


def test_an_overdue_notice_is_closed_when_its_obligation_is_waived(county):
    obligation = _obligation(county.org, "analysis", D(2026, 6, 10))
    notice = _overdue_notice(obligation, county.drafter)

    work.obligation_waive(obligation=obligation, actor=county.city_staff, reason="机构调整")

    notice.refresh_from_db()
    assert notice.done_at == NOW


def test_an_overdue_notice_is_open_and_unread_again_when_its_obligation_is_reopened(county):
    obligation = _obligation(county.org, "analysis", D(2026, 6, 10))
    notice = _overdue_notice(obligation, county.drafter)
    work.obligation_complete(obligation=obligation, actor=county.drafter)
    Notification.objects.filter(pk=notice.pk).update(read_at=NOW)

    work.obligation_reopen(obligation=obligation, actor=county.drafter, reason="会议记录撤回")

    notice.refresh_from_db()
    assert (notice.done_at, notice.read_at) == (None, None)
    assert Obligation.objects.get(pk=obligation.pk).status == Obligation.Status.OVERDUE


def test_closing_keeps_the_first_done_time_and_the_read_state(county):
    obligation = _obligation(county.org, "analysis", D(2026, 6, 10))
    notice = _overdue_notice(obligation, county.drafter)
    earlier = local_moment(D(2026, 6, 12), 9)

    assert work.notifications_close(obligation=obligation, at=earlier) == 1
    assert work.notifications_close(obligation=obligation) == 0

    notice.refresh_from_db()
    assert (notice.done_at, notice.read_at) == (earlier, None)


# --- the pages ------------------------------------------------------------------------------------


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_drafter_asks_for_signature_from_the_report_page(county):
    report = draft(county)
    client = as_user(county.drafter)
    page = client.get(reverse("reporting:report_detail", args=[report.pk])).content.decode()
    assert "提请签发" in page

    response = client.post(reverse("reporting:report_request_sign", args=[report.pk]), follow=True)

    body = response.content.decode()
    assert "已提请签发第 2 版，已通知 1 位可签发的同志。" in body
    assert "已提请签发，等待签发" in body
    assert notices(handoffs.SIGN) == [("a_shuji", False)]


def test_who_may_not_draft_cannot_ask_for_signature(county, tree):
    report = draft(county)
    viewer = make_user("a_viewer", grants=[("view", county.org)])
    outsider = make_user("b_xcb", grants=[("view", tree.county_b), ("draft_report", tree.county_b)])
    url = reverse("reporting:report_request_sign", args=[report.pk])

    assert as_user(viewer).post(url).status_code == 403
    assert as_user(outsider).post(url).status_code == 404
    assert as_user(county.drafter).get(url).status_code == 405
    assert not Notification.objects.exists()


def test_the_inbox_shows_closed_notices_as_done(county):
    signed(county)

    page = as_user(county.secretary).get(reverse("responsibilities:inbox")).content.decode()

    assert "已办结 2026-06-15 10:00" in page
