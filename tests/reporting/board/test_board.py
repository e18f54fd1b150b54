"""Submission upward and the submission board: on time or late, receipt and return, the board's
statuses and counts, reminders to the laggards (once a day), and flat query counts."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting.board import selectors as board_selectors
from reporting.board import services as board_services
from reporting.models import Report, ReportKind, ReportVersion, Submission
from reporting.reports import selectors as reports_selectors
from reporting.reports import services as reports_services
from reporting.submissions import services as submissions_services
from responsibilities.models import Notification, Obligation, ObligationEvent, Organization
from responsibilities.org.selectors import holder_on
from responsibilities.periods import Period
from responsibilities.scheduling import services as scheduling
from tests.factories import make_assignment, make_org, make_person, make_user
from tests.reporting.writing import write_up

D = dt.date
H1 = Period.parse("2026H1")
_seq = itertools.count(1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return scheduling.local_moment(day, hour)


@dataclass
class Unit:
    """An organization with its secretary's account and its propaganda staff's account."""

    org: Organization
    secretary: object
    staff: object

    @property
    def report(self) -> Report:
        return Report.objects.get(organization=self.org, kind=ReportKind.HALF_YEAR, period=H1.code)


def make_unit(name: str, parent: Organization, *, short_name: str = "") -> Unit:
    org = make_org(name, parent=parent, short_name=short_name or name)
    n = next(_seq)
    secretary = make_user(f"shuji{n}", grants=[("view", org), ("sign_report", org)])
    staff = make_user(f"xcb{n}", grants=[("view", org), ("manage", org), ("draft_report", org)])
    for user in (secretary, staff):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    person = make_person(f"{name}书记", organization=org, user=secretary)
    make_assignment(person=person, organization=org, role="secretary", start=D(2024, 1, 1))
    return Unit(org, secretary, staff)


def unit_of(org: Organization) -> Unit:
    """The same for an organization of the `tree` fixture."""
    n = next(_seq)
    secretary = make_user(f"shuji{n}", grants=[("view", org), ("sign_report", org)])
    staff = make_user(f"xcb{n}", grants=[("view", org), ("manage", org), ("draft_report", org)])
    make_assignment(person=make_person(f"{org.name}书记", organization=org, user=secretary),
                    organization=org, role="secretary", start=D(2024, 1, 1))
    return Unit(org, secretary, staff)


def generate() -> None:
    scheduling.obligations_generate(periods=[H1], now=at(D(2026, 1, 1)))


def drafted(unit: Unit) -> Report:
    existing = Report.objects.filter(organization=unit.org, kind=ReportKind.HALF_YEAR, period=H1.code).first()
    return existing or reports_services.report_create(
        organization=unit.org, kind=ReportKind.HALF_YEAR, period=H1, actor=unit.staff
    )


def signed(unit: Unit, day: dt.date = D(2026, 6, 15)) -> ReportVersion:
    report = drafted(unit)
    return reports_services.report_sign(version=write_up(report), actor=unit.secretary, now=at(day))


def submitted(unit: Unit, moment: dt.datetime) -> Submission:
    report = Report.objects.filter(organization=unit.org, kind=ReportKind.HALF_YEAR, period=H1.code).first()
    if report is None or report.status != Report.Status.SIGNED:
        signed(unit, min(moment.date(), D(2026, 6, 15)))
    with time_machine.travel(moment, tick=False):
        return reports_services.report_submit(report=unit.report, actor=unit.staff)


def obligation(unit: Unit) -> Obligation:
    return Obligation.objects.get(organization=unit.org, work_system__code="party_report", period=H1.code)


@pytest.fixture
def city_staff(tree):
    user = make_user("city_xcb", grants=[("view", tree.city), ("manage", tree.city), ("draft_report", tree.city)])
    user.email = "city_xcb@example.org"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def county(tree) -> Unit:
    unit = unit_of(tree.county_a)
    generate()
    return unit


# --- submission upward --------------------------------------------------------------------------


def test_submitting_by_the_deadline_is_on_time_and_completes_the_obligation(county, city_staff):
    version = signed(county)
    assert obligation(county).due_date == D(2026, 6, 20)  # the city's 30 June less its 10 days' lead

    submission = submitted(county, at(D(2026, 6, 20), 23))

    assert (submission.on_time, submission.deadline, submission.to_organization) == (True, D(2026, 6, 20),
                                                                                    Organization.objects.get_parent(county.org))
    assert submission.version == version
    ob = obligation(county)
    assert ob.status == Obligation.Status.DONE
    assert ob.completed_at == dt.datetime(2026, 6, 20, 15, 0, tzinfo=dt.UTC)  # 23:00 Beijing time
    event = ob.events.get(kind=ObligationEvent.Kind.COMPLETED)
    assert event.data["report"] == county.report.pk and event.data["doc_number"] == version.doc_number
    assert county.report.status == Report.Status.SUBMITTED


def test_submitting_after_the_deadline_is_late_and_the_obligation_done_late(county, city_staff):
    signed(county)
    scheduling.sweep_overdue(now=at(D(2026, 6, 21), 1))
    assert obligation(county).status == Obligation.Status.OVERDUE

    submission = submitted(county, at(D(2026, 6, 21), 9))

    assert submission.on_time is False
    assert obligation(county).status == Obligation.Status.DONE_LATE


def test_the_upper_staff_are_told_of_a_submission(county, city_staff):
    submitted(county, at(D(2026, 6, 18)))

    note = Notification.objects.get(recipient=city_staff, title__startswith="【报告】")
    assert note.title == f"【报告】A县委报送了{reports_selectors.latest_version(county.report).title}"
    assert "A县委〔2026〕1号" in note.body and "按时" in note.body
    assert not Notification.objects.filter(recipient=county.staff, title__startswith="【报告】A县委报送").exists()
    assert (note.sender, note.created_at) == (county.staff, dt.datetime(2026, 6, 18, 2, 0, tzinfo=dt.UTC))


def test_receipt_is_stamped_with_the_moment_it_was_given(county, city_staff):
    submission = submitted(county, at(D(2026, 6, 18)))

    submissions_services.submission_receive(submission=submission, actor=city_staff, at=at(D(2026, 6, 19), 9))

    submission.refresh_from_db()
    assert submission.handled_at == dt.datetime(2026, 6, 19, 1, 0, tzinfo=dt.UTC)
    note = Notification.objects.get(recipient=county.staff, title__contains="已签收")
    assert (note.sender, note.created_at) == (city_staff, dt.datetime(2026, 6, 19, 1, 0, tzinfo=dt.UTC))


def test_receipt_and_return_notices_name_who_handled_the_report(county, city_staff):
    first = submitted(county, at(D(2026, 6, 18)))
    submissions_services.submission_return(submission=first, actor=city_staff, reason="数据需核实")
    returned = Notification.objects.get(recipient=county.staff, title__startswith="【报告退回】")
    assert returned.sender == city_staff


def test_only_a_signed_report_can_be_submitted(county):
    report = drafted(county)
    with pytest.raises(ValidationError, match="须先由第一责任人签发"):
        reports_services.report_submit(report=report, actor=county.staff)


def test_receipt_marks_the_report_received_and_tells_its_author(county, city_staff):
    submission = submitted(county, at(D(2026, 6, 18)))

    submissions_services.submission_receive(submission=submission, actor=city_staff)

    submission.refresh_from_db()
    assert (submission.status, submission.handled_by) == (Submission.Status.RECEIVED, city_staff)
    assert county.report.status == Report.Status.RECEIVED
    assert Notification.objects.filter(recipient=county.staff, title__contains="已签收").exists()
    assert obligation(county).status == Obligation.Status.DONE


def test_the_submitting_county_cannot_receive_its_own_report(county):
    submission = submitted(county, at(D(2026, 6, 18)))
    with pytest.raises(ValidationError, match="只有X市委的工作人员可以签收或退回"):
        submissions_services.submission_receive(submission=submission, actor=county.staff)


def test_return_makes_a_new_draft_version_and_reopens_the_obligation(county, city_staff):
    submission = submitted(county, at(D(2026, 6, 18)))
    signed_version = submission.version

    with time_machine.travel(at(D(2026, 6, 19)), tick=False):
        submissions_services.submission_return(submission=submission, actor=city_staff, reason="缺少问题整改情况")

    report = county.report
    latest = reports_selectors.latest_version(report)
    assert report.status == Report.Status.RETURNED
    assert latest.number == signed_version.number + 1 and not latest.is_signed
    assert latest.blocks == signed_version.blocks and "缺少问题整改情况" in latest.note
    ob = obligation(county)
    assert ob.status == Obligation.Status.OPEN and ob.completed_at is None  # still before the deadline
    assert ob.events.filter(kind=ObligationEvent.Kind.REOPENED).exists()
    assert Notification.objects.filter(recipient=county.staff, title__startswith="【报告退回】").exists()


def test_a_return_after_the_deadline_leaves_the_obligation_overdue(county, city_staff):
    submission = submitted(county, at(D(2026, 6, 18)))
    with time_machine.travel(at(D(2026, 6, 25)), tick=False):
        submissions_services.submission_return(submission=submission, actor=city_staff, reason="数据有误")
    assert obligation(county).status == Obligation.Status.OVERDUE


def test_a_returned_reports_obligation_gets_its_reminders_again(county, city_staff):
    submission = submitted(county, at(D(2026, 6, 12)))
    assert obligation(county).next_reminder_at is None  # done: no more reminders

    with time_machine.travel(dt.datetime(2026, 6, 13, 2, 0, tzinfo=dt.UTC), tick=False):  # Sat 13 June, 10:00
        submissions_services.submission_return(submission=submission, actor=city_staff, reason="缺少问题整改情况")

    # Due Sat 20 June. Reminders 14/7/3/1 days before, moved to working days: 5, 12, 17 and 18 June
    # (19 June is the Dragon Boat Festival). The next one is 09:00 on 17 June, Beijing time.
    ob = obligation(county)
    assert ob.status == Obligation.Status.OPEN
    assert ob.next_reminder_at == dt.datetime(2026, 6, 17, 1, 0, tzinfo=dt.UTC)
    scheduling.sweep_reminders(now=dt.datetime(2026, 6, 17, 1, 5, tzinfo=dt.UTC))
    reminder = Notification.objects.get(obligation=ob, kind=Notification.Kind.REMINDER, recipient=county.staff)
    assert reminder.offset_days == 3


def test_a_report_submitted_at_midnight_after_its_deadline_day_is_late(county, city_staff):
    signed(county)  # due 20 June: late from 21 June 00:00 Beijing time, which is 20 June 16:00 UTC

    submission = submitted(county, dt.datetime(2026, 6, 20, 16, 0, tzinfo=dt.UTC))

    assert submission.on_time is False
    ob = obligation(county)
    assert ob.status == Obligation.Status.DONE_LATE
    assert ob.completed_at == dt.datetime(2026, 6, 20, 16, 0, tzinfo=dt.UTC)
    assert ob.events.get(kind=ObligationEvent.Kind.COMPLETED).at == dt.datetime(2026, 6, 20, 16, 0, tzinfo=dt.UTC)


def test_returning_a_report_leaves_a_waived_obligation_waived(county, city_staff):
    # The city waived the county's half-year report; the county sent one anyway and the city returns
    # it. The return reopens only what a submission completed: the waiver stands, with its reason.
    from responsibilities.work import services as work_services

    with time_machine.travel(at(D(2026, 6, 10)), tick=False):
        work_services.obligation_waive(obligation=obligation(county), actor=city_staff, reason="已并入专项报告")
    submission = submitted(county, at(D(2026, 6, 12)))
    assert obligation(county).status == Obligation.Status.WAIVED

    with time_machine.travel(at(D(2026, 6, 13)), tick=False):
        submissions_services.submission_return(submission=submission, actor=city_staff, reason="无需报送")

    ob = obligation(county)
    assert (ob.status, ob.waived_reason, ob.next_reminder_at) == (Obligation.Status.WAIVED, "已并入专项报告", None)
    assert not ob.events.filter(kind=ObligationEvent.Kind.REOPENED).exists()
    assert county.report.status == Report.Status.RETURNED


def test_a_return_needs_a_reason_and_a_handled_submission_cannot_be_handled_again(county, city_staff):
    submission = submitted(county, at(D(2026, 6, 18)))
    with pytest.raises(ValidationError, match="退回必须填写理由"):
        submissions_services.submission_return(submission=submission, actor=city_staff, reason="  ")
    submissions_services.submission_receive(submission=submission, actor=city_staff)
    with pytest.raises(ValidationError, match="不能重复处理"):
        submissions_services.submission_return(submission=submission, actor=city_staff, reason="再退回")


def test_a_returned_report_is_signed_again_and_resubmitted(county, city_staff):
    first = submitted(county, at(D(2026, 6, 12)))
    with time_machine.travel(at(D(2026, 6, 13)), tick=False):
        submissions_services.submission_return(submission=first, actor=city_staff, reason="请补充数据")

    signed(county, D(2026, 6, 16))
    second = submitted(county, at(D(2026, 6, 16), 15))

    assert second.version.doc_number == "A县委〔2026〕2号"
    assert board_selectors.board(Organization.objects.get_parent(county.org), H1, ReportKind.HALF_YEAR).entries[0].status == "on_time"
    assert obligation(county).status == Obligation.Status.DONE


# --- the board ----------------------------------------------------------------------------------


@dataclass
class Region:
    city: Organization
    units: dict[str, Unit]  # keyed by the board status each one is in


def build_region(tree, city_staff, prepare=None) -> Region:
    """The city's direct subordinates in every board status (the tree's counties and five more).

    `prepare(status, unit)` runs before each unit's report moves on, e.g. to give its draft
    statistics of its own.
    """
    units = {"received": unit_of(tree.county_a), "late": unit_of(tree.county_b)}
    for status, name in (("on_time", "C县委"), ("signed", "D县委"), ("draft", "E县委"), ("returned", "F县委"),
                         ("missing", "G县委")):
        units[status] = make_unit(name, tree.city)
    generate()
    for status, unit in units.items():
        if prepare is not None and status != "missing":
            prepare(status, unit)
    submissions_services.submission_receive(submission=submitted(units["received"], at(D(2026, 6, 16))), actor=city_staff)
    submitted(units["late"], at(D(2026, 6, 22)))
    submitted(units["on_time"], at(D(2026, 6, 18)))
    signed(units["signed"])
    drafted(units["draft"])
    returned = submitted(units["returned"], at(D(2026, 6, 10)))
    with time_machine.travel(at(D(2026, 6, 11)), tick=False):
        submissions_services.submission_return(submission=returned, actor=city_staff, reason="请补充问题整改情况")
    return Region(Organization.objects.get(pk=tree.city.pk), units)


@pytest.fixture
def region(tree, city_staff) -> Region:
    return build_region(tree, city_staff)


def test_every_subordinate_has_its_status_and_the_counts_add_up(region):
    board = board_selectors.board(region.city, H1, ReportKind.HALF_YEAR)

    statuses = {entry.organization.pk: entry.status for entry in board.entries}
    assert statuses == {unit.org.pk: status for status, unit in region.units.items()}
    assert {status: n for status, _label, n in board.counts} == dict.fromkeys(board_selectors.BOARD_LABELS, 1)
    assert {e.organization.name for e in board.laggards} == {"D县委", "E县委", "F县委", "G县委"}
    assert board_selectors.board_rows(region.city, H1, ReportKind.HALF_YEAR) == [
        (entry.organization, entry.status) for entry in board.entries
    ]


def test_each_entry_carries_its_report_submission_and_deadline(region):
    entries = {e.organization.name: e for e in board_selectors.board(region.city, H1, ReportKind.HALF_YEAR).entries}

    late = entries["B县委"]
    assert late.submission.version.doc_number == "B县委〔2026〕1号" and late.submission.on_time is False
    assert late.obligation.due_date == D(2026, 6, 20)
    assert entries["G县委"].report is None and entries["G县委"].submission is None
    assert entries["D县委"].report is not None and entries["D县委"].submission is None


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def board_url(org: Organization, name: str = "reporting:board", **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"org": org.pk, "period": "2026H1", **params}.items())
    return f"{reverse(name)}?{query}"


def test_the_board_page_shows_statuses_counts_numbers_and_links(region, city_staff):
    response = client_of(city_staff).get(board_url(region.city))

    assert response.status_code == 200
    text = response.content.decode()
    for label in ("未起草 1", "草稿 1", "已签发 1", "已报送（按时） 1", "已报送（逾期） 1", "已签收 1", "已退回 1"):
        assert label in text
    assert "A县委〔2026〕1号" in text and "B县委〔2026〕1号" in text
    assert reverse("reporting:report_detail", args=[region.units["late"].report.pk]) in text
    deadline = obligation(region.units["missing"])
    assert reverse("responsibilities:obligation_detail", args=[deadline.pk]) in text and "2026-06-20" in text
    assert 'data-testid="board-remind"' in text and 'data-testid="board-summary"' in text


def test_the_board_defaults_to_the_users_scope_root_and_the_current_half_year(tree, county):
    town = unit_of(tree.town_a1)
    drafted(town)

    with time_machine.travel(at(D(2026, 6, 25)), tick=False):
        response = client_of(county.staff).get(reverse("reporting:board"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "报送情况 · A县委" in text
    assert '<option value="2026" selected>2026年</option>' in text and '<option value="H1" selected>上半年</option>' in text
    assert "A县一镇党委" in text and "A县二镇党委" in text and "B县委" not in text


def test_expanding_a_row_shows_the_next_levels_statuses(region, city_staff, tree):
    drafted(unit_of(tree.town_a1))

    response = client_of(city_staff).get(board_url(tree.county_a, "reporting:board_rows", level=0))

    text = response.content.decode()
    assert response.status_code == 200
    assert text.count('data-testid="board-row"') == 2
    assert 'data-status="draft"' in text and 'data-status="missing"' in text
    assert "lvl-1" in text and "A县一镇党委" in text


def test_a_county_cannot_see_the_citys_board_and_a_viewer_cannot_remind(region, tree):
    county_staff = region.units["received"].staff
    assert client_of(county_staff).get(board_url(tree.city)).status_code == 404
    viewer = make_user("viewer", grants=[("view", tree.city)])
    assert client_of(viewer).post(board_url(tree.city, "reporting:board_remind")).status_code == 403
    assert not Notification.objects.filter(title__startswith="【催报】").exists()


def test_an_unknown_period_is_a_400_with_the_forms_error(region, city_staff):
    response = client_of(city_staff).get(f"{reverse('reporting:board')}?org={region.city.pk}&period=2026H3")
    assert response.status_code == 400
    assert "无法识别的期间" in response.content.decode()


# --- reminding the laggards ---------------------------------------------------------------------


def reminders():
    return Notification.objects.filter(title__startswith="【催报】", kind=Notification.Kind.MESSAGE)


def test_remind_tells_the_staff_and_secretary_of_each_laggard(region, city_staff):
    with time_machine.travel(at(D(2026, 6, 25)), tick=False):
        response = client_of(city_staff).post(board_url(region.city, "reporting:board_remind", kind="half_year"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("reporting:board"))
    laggards = [region.units[s] for s in ("signed", "draft", "returned", "missing")]
    expected = {(u.username, f"【催报】请尽快报送半年专题汇报（2026年上半年，{unit.org.name}）")
                for unit in laggards for u in (unit.staff, unit.secretary)}
    assert set(reminders().values_list("recipient__username", "title")) == expected
    note = reminders().get(recipient=region.units["missing"].staff)
    assert "当前状态为“未起草”" in note.body and "报送期限2026年6月20日" in note.body
    assert note.url == reverse("responsibilities:obligation_detail", args=[obligation(region.units["missing"]).pk])
    assert reminders().get(recipient=region.units["draft"].staff).url == reverse(
        "reporting:report_detail", args=[region.units["draft"].report.pk])


def test_remind_goes_out_by_email_through_the_outbox(region, city_staff):
    board_services.board_remind(upper=region.city, period=H1, kind=ReportKind.HALF_YEAR, actor=city_staff)
    mail.outbox.clear()

    scheduling.send_pending_emails()

    reminded = {m.to[0] for m in mail.outbox if "【催报】" in m.subject}
    assert reminded == {f"{u.username}@example.org" for s in ("signed", "draft", "returned", "missing")
                        for u in (region.units[s].staff, region.units[s].secretary)}


def test_a_board_reminder_records_who_sent_it(region, city_staff):
    board_services.board_remind(upper=region.city, period=H1, kind=ReportKind.HALF_YEAR, actor=city_staff)

    sent = Notification.objects.filter(title__startswith="【催报】")
    assert sent.count() == 8
    assert set(sent.values_list("sender", flat=True)) == {city_staff.pk}


def test_remind_sends_once_per_laggard_per_day(region, city_staff):
    first = board_services.board_remind(upper=region.city, period=H1, kind=ReportKind.HALF_YEAR, actor=city_staff,
                                  now=at(D(2026, 6, 25), 9))
    again = board_services.board_remind(upper=region.city, period=H1, kind=ReportKind.HALF_YEAR, actor=city_staff,
                                  now=at(D(2026, 6, 25), 17))
    next_day = board_services.board_remind(upper=region.city, period=H1, kind=ReportKind.HALF_YEAR, actor=city_staff,
                                     now=at(D(2026, 6, 26), 9))

    assert first == (4, 8) and again == (0, 0) and next_day == (4, 8)
    assert reminders().count() == 16


def test_a_double_click_reminds_once_and_says_so(region, city_staff):
    client = client_of(city_staff)
    url = board_url(region.city, "reporting:board_remind")
    client.post(url)
    response = client.post(url, follow=True)

    assert reminders().count() == 8
    assert "今天已经提醒过" in response.content.decode()


# --- query counts -------------------------------------------------------------------------------


def _city_with(children: int) -> tuple[Organization, object]:
    """A city whose subordinates are in every status, `children` in all."""
    city = make_org("Q市委", short_name="Q市委")
    staff = make_user(f"q_staff{children}", grants=[("view", city), ("manage", city), ("draft_report", city)])
    units = [make_unit(f"Q{children}县{i}委", city) for i in range(children)]
    generate()
    received = submitted(units[0], at(D(2026, 6, 12)))
    submissions_services.submission_receive(submission=received, actor=staff)
    submitted(units[1], at(D(2026, 6, 25)))
    for unit in units[2::3]:
        drafted(unit)
    return Organization.objects.get(pk=city.pk), staff


@pytest.mark.parametrize("page", ["reporting:board", "reporting:board_rows", "reporting:board_remind"])
def test_board_queries_do_not_grow_with_the_number_of_subordinates(tree, page):
    counts = []
    for children in (3, 30):
        city, staff = _city_with(children)
        client = client_of(staff)
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, "post" if page.endswith("remind") else "get")(board_url(city, page))
        assert response.status_code in (200, 302)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 16


# --- the demo city (seed_demo) ------------------------------------------------------------------


@pytest.fixture
def demo_city(seeded_demo):
    # Seeded once (tests/conftest.py) and shared; each test's changes are rolled back.
    assert "2026年上半年专题报告：起草 10 份，签发 8 份，报送 7 份，签收 2 份，退回 1 份。" in seeded_demo.output
    return Organization.objects.get(depth=1, name="江川市委")


def statuses(upper: Organization) -> dict[str, str]:
    return {e.organization.name: e.status for e in board_selectors.board(upper, H1, ReportKind.HALF_YEAR).entries}


def test_the_demo_city_has_a_plausible_2026h1_reporting_state(demo_city):
    county_a = Organization.objects.get(name="临河县委")
    county_b = Organization.objects.get(name="青山县委")

    assert statuses(demo_city) == {
        "临河县委": "missing", "青山县委": "received", "江川城投集团有限公司党委": "late",
        "江川市第一中学党支部": "returned",
    }
    assert statuses(county_a) == {
        "临河县城关镇党委": "received", "临河县柳溪镇党委": "on_time", "临河县河东街道党工委": "draft",
    }
    assert statuses(county_b) == {"青山县石门镇党委": "on_time", "青山县松岭乡党委": "signed", "青山县青峰街道党工委": "missing"}
    # Signed by the secretary in office on the day: 青山县's successor, who took over on 1 June.
    version = Submission.objects.get(report__organization=county_b).version
    assert version.signer == holder_on(county_b, "secretary", D(2026, 6, 17)) and version.doc_number == "青山县委〔2026〕1号"
    assert Submission.objects.get(report__organization__name="江川市第一中学党支部").handled_at.date() == D(2026, 6, 15)


def test_every_signed_demo_report_carries_the_units_own_text(demo_city):
    """The demo's 柳溪镇 report was once submitted with every section still a template prompt."""
    signed = ReportVersion.objects.filter(signed_at__isnull=False).select_related("report__organization")

    assert len(signed) == 8
    assert {v.report.organization.name: reports_selectors.signing_problems(v.blocks) for v in signed} == {
        v.report.organization.name: [] for v in signed}
    liuxi = signed.get(report__organization__name="临河县柳溪镇党委")
    assert "一是部分基层党组织对意识形态工作重视程度不够均衡" in " ".join(b["text"] for b in liuxi.blocks)


def test_a_second_seed_changes_no_report(demo_city):
    from io import StringIO

    from django.core.management import call_command

    before = (Report.objects.count(), ReportVersion.objects.count(), Submission.objects.count())
    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert "演示数据已存在，未做更改" in out.getvalue()
    assert (Report.objects.count(), ReportVersion.objects.count(), Submission.objects.count()) == before


def test_the_demo_journey_county_a_drafts_its_secretary_signs_and_the_city_receives(demo_city):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    county_a = Organization.objects.get(name="临河县委")
    report = reports_services.report_create(organization=county_a, kind=ReportKind.HALF_YEAR, period=H1,
                                    actor=User.objects.get(username="county_a_xcb"))
    version = reports_services.report_sign(version=write_up(report),
                                   actor=User.objects.get(username="county_a_shuji"))
    submission = reports_services.report_submit(report=report, actor=User.objects.get(username="county_a_xcb"))
    submissions_services.submission_receive(submission=submission, actor=User.objects.get(username="city_xcb"))

    assert version.doc_number.startswith("临河县委〔") and submission.on_time is (submission.submitted_at.date() <= D(2026, 6, 20))
    assert statuses(demo_city)["临河县委"] == "received"
    assert statuses(county_a)["临河县柳溪镇党委"] == "on_time"  # still waiting for the county's receipt
