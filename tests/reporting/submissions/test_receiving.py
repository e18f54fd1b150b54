"""The receiving end (issue #9 §1): 待我签收, only the addressed organization's staff receive or return,
签收 is confirmed and can be undone until the upper level has acted on it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from reporting.models import Report, ReportKind, Submission
from reporting.reports import services as reports_services
from reporting.submissions import services as submissions_services
from responsibilities.log import LogEntry
from responsibilities.models import Notification, Organization
from responsibilities.periods import Period
from responsibilities.scheduling import services as scheduling
from tests.factories import make_assignment, make_person, make_user
from tests.reporting.writing import write_up

D = dt.date
H1 = Period.parse("2026H1")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return scheduling.local_moment(day, hour)


@dataclass
class Unit:
    org: Organization
    staff: object
    secretary: object


def unit(org: Organization, prefix: str) -> Unit:
    staff = make_user(f"{prefix}_xcb", grants=[("view", org), ("manage", org), ("draft_report", org)])
    secretary = make_user(f"{prefix}_shuji", grants=[("view", org), ("sign_report", org)])
    make_assignment(person=make_person(f"{prefix}书记", organization=org, user=secretary), organization=org,
                    role="secretary", start=D(2024, 1, 1))
    return Unit(org, staff, secretary)


def submitted(u: Unit, kind: str = ReportKind.HALF_YEAR, period: Period = H1) -> Submission:
    report = reports_services.report_create(organization=u.org, kind=kind, period=period, actor=u.staff)
    reports_services.report_sign(version=write_up(report, u.staff), actor=u.secretary, now=at(D(2026, 6, 8)))
    return reports_services.report_submit(report=report, actor=u.staff, now=at(D(2026, 6, 9)))


@pytest.fixture
def town(tree) -> Unit:
    return unit(tree.town_a1, "town")


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(response) -> str:
    return response.content.decode()


# --- who receives --------------------------------------------------------------------------------


def test_the_city_cannot_receive_or_return_a_report_addressed_to_a_county(tree, town, city_staff):
    submission = submitted(town)  # the town reports to A县委, not to the city

    with pytest.raises(ValidationError) as info:
        submissions_services.submission_receive(submission=submission, actor=city_staff)
    with pytest.raises(ValidationError):
        submissions_services.submission_return(submission=submission, actor=city_staff, reason="越级退回")
    client = as_user(city_staff)
    detail = page(client.get(reverse("reporting:submission_detail", args=[submission.pk])))
    responses = (client.get(reverse("reporting:submission_receive", args=[submission.pk])).status_code,
                 client.post(reverse("reporting:submission_receive", args=[submission.pk])).status_code,
                 client.post(reverse("reporting:submission_return", args=[submission.pk]), {"reason": "越级"}).status_code)

    assert info.value.messages == ["只有A县委的工作人员可以签收或退回。"]
    assert f"/submissions/{submission.pk}/receive/" not in detail
    assert responses == (403, 403, 403)
    assert Submission.objects.get().status == Submission.Status.SUBMITTED


def test_the_addressed_countys_staff_receive_after_confirming(tree, town, county_a_staff):
    submission = submitted(town)
    client = as_user(county_a_staff)

    detail = page(client.get(reverse("reporting:submission_detail", args=[submission.pk])))
    confirm = client.get(reverse("reporting:submission_receive", args=[submission.pk]))
    response = client.post(reverse("reporting:submission_receive", args=[submission.pk]))

    assert "待签收" in detail and f'href="/submissions/{submission.pk}/receive/"' in detail
    assert confirm.status_code == 200 and "确认签收" in page(confirm) and "A县一镇党委" in page(confirm)
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.handled_by) == (Submission.Status.RECEIVED, county_a_staff)
    assert Report.objects.get().status == Report.Status.RECEIVED
    done = page(client.get(response["Location"]))
    assert "撤销签收" in done


def test_the_back_button_after_receiving_offers_nothing_to_confirm_and_says_so_once(tree, town, county_a_staff):
    submission = submitted(town)
    client = as_user(county_a_staff)
    client.post(reverse("reporting:submission_receive", args=[submission.pk]))

    again = client.get(reverse("reporting:submission_receive", args=[submission.pk]), follow=True)
    repost = client.post(reverse("reporting:submission_receive", args=[submission.pk]), follow=True)

    for response in (again, repost):
        assert response.redirect_chain[-1][0] == reverse("reporting:submission_detail", args=[submission.pk])
        assert "该报告当前为“已签收”，无需再处理。" in page(response)
        assert "确认签收" not in page(response) and "已已" not in page(response)


def test_the_drafter_still_sees_submitted_where_the_receiver_sees_awaiting_receipt(tree, town, county_a_staff):
    submission = submitted(town)

    sender = page(as_user(town.staff).get(reverse("reporting:submission_detail", args=[submission.pk])))
    receiver = page(as_user(county_a_staff).get(reverse("reporting:submission_detail", args=[submission.pk])))

    assert "已报送" in sender and "待签收" not in sender
    assert "待签收" in receiver


# --- the inbox -----------------------------------------------------------------------------------


def test_the_inbox_opens_on_what_awaits_the_users_own_organization(tree, town, city_staff):
    county = unit(tree.county_a, "county")
    own = submitted(county)  # A县委 → X市委
    below = submitted(town)  # A县一镇 → A县委: visible to the city, not the city's to receive
    client = as_user(city_staff)

    default = page(client.get(reverse("reporting:submission_inbox")))
    everything = page(client.get(reverse("reporting:submission_inbox"), {"status": "all"}))

    assert "待我签收" in default
    assert f"/submissions/{own.pk}/" in default and f"/submissions/{below.pk}/" not in default
    assert f"/submissions/{own.pk}/" in everything and f"/submissions/{below.pk}/" in everything
    submissions_services.submission_receive(submission=own, actor=city_staff)
    assert f"/submissions/{own.pk}/" not in page(client.get(reverse("reporting:submission_inbox")))
    received = page(client.get(reverse("reporting:submission_inbox"), {"status": "received"}))
    assert f"/submissions/{own.pk}/" in received


def test_an_empty_inbox_says_nothing_awaits(city_staff):
    assert "没有待您签收的报告。" in page(as_user(city_staff).get(reverse("reporting:submission_inbox")))


# --- undoing a receipt ---------------------------------------------------------------------------


def test_a_receipt_is_undone_and_logged_in_the_same_step(tree, town, county_a_staff):
    submission = submitted(town)
    submissions_services.submission_receive(submission=submission, actor=county_a_staff, at=at(D(2026, 6, 10)))
    client = as_user(county_a_staff)

    confirm = client.get(reverse("reporting:submission_receive_undo", args=[submission.pk]))
    response = client.post(reverse("reporting:submission_receive_undo", args=[submission.pk]))

    assert "确认撤销签收" in page(confirm)
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.handled_at, submission.handled_by) == ("submitted", None, None)
    assert Report.objects.get().status == Report.Status.SUBMITTED
    entry = LogEntry.objects.filter(action="submission.receipt_undone").get()
    assert (entry.actor_id, entry.payload["received_by"]["id"]) == (county_a_staff.pk, county_a_staff.pk)


def test_received_undone_and_received_again_tells_drafter_and_signer_each_time_without_duplicates(
    tree, town, county_a_staff
):
    submission = submitted(town)

    submissions_services.submission_receive(submission=submission, actor=county_a_staff)
    submissions_services.submission_receive_undo(submission=submission, actor=county_a_staff)
    submissions_services.submission_receive(submission=submission, actor=county_a_staff)
    submissions_services.submission_receive_undo(submission=submission, actor=county_a_staff)

    drafter = Notification.objects.filter(recipient=town.staff, item_id=submission.pk).order_by("item_type")
    assert [(n.item_type, n.read_at, n.done_at is not None) for n in drafter] == [
        ("reporting.receipt_undone", None, True), ("reporting.received", None, True)]
    assert drafter.get(item_type="reporting.receipt_undone").title.startswith("【撤销签收】A县委撤销了对")
    upper = Notification.objects.get(recipient=county_a_staff, item_type="reporting.submission")
    assert upper.done_at is None  # awaiting receipt again


def test_a_receipt_cannot_be_undone_once_the_receiver_signed_its_summary_for_the_period(tree, town, county_a_staff):
    county = unit(tree.county_a, "county")
    submission = submitted(town)
    submissions_services.submission_receive(submission=submission, actor=county_a_staff)
    summary = reports_services.report_create(organization=tree.county_a, kind=ReportKind.SUMMARY, period=H1,
                                             actor=county.staff)
    signed = reports_services.report_sign(version=write_up(summary, county.staff), actor=county.secretary,
                                          now=at(D(2026, 6, 18)))

    with pytest.raises(ValidationError) as info:
        submissions_services.submission_receive_undo(submission=submission, actor=county_a_staff)
    detail = page(as_user(county_a_staff).get(reverse("reporting:submission_detail", args=[submission.pk])))

    assert info.value.messages == [
        f"A县委已签发2026年上半年的汇总报告（{signed.doc_number}），不能再撤销签收。"]
    assert "撤销签收" not in detail
    assert Submission.objects.get().status == Submission.Status.RECEIVED


def test_an_unsigned_summary_or_another_periods_does_not_stop_the_undo(tree, town, county_a_staff):
    county = unit(tree.county_a, "county")
    submission = submitted(town)
    submissions_services.submission_receive(submission=submission, actor=county_a_staff)
    reports_services.report_create(organization=tree.county_a, kind=ReportKind.SUMMARY, period=H1, actor=county.staff)
    other = reports_services.report_create(organization=tree.county_a, kind=ReportKind.SUMMARY,
                                           period=Period.parse("2025H2"), actor=county.staff)
    reports_services.report_sign(version=write_up(other, county.staff), actor=county.secretary, now=at(D(2026, 1, 8)))

    submissions_services.submission_receive_undo(submission=submission, actor=county_a_staff)

    assert Submission.objects.get().status == Submission.Status.SUBMITTED


def test_only_the_addressed_staff_undo_and_only_a_receipt(tree, town, county_a_staff, city_staff):
    submission = submitted(town)

    with pytest.raises(ValidationError) as not_received:
        submissions_services.submission_receive_undo(submission=submission, actor=county_a_staff)
    submissions_services.submission_receive(submission=submission, actor=county_a_staff)
    with pytest.raises(ValidationError) as grandparent:
        submissions_services.submission_receive_undo(submission=submission, actor=city_staff)
    forbidden = as_user(city_staff).post(reverse("reporting:submission_receive_undo", args=[submission.pk]))

    assert not_received.value.messages == ["该报告尚未签收，无需撤销。"]
    assert grandparent.value.messages == ["只有A县委的工作人员可以签收或退回。"]
    assert forbidden.status_code == 403
    assert Submission.objects.get().status == Submission.Status.RECEIVED

