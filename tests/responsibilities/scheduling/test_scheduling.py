"""The scheduler: generation, reminders, overdue and escalation — each exactly once."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection

from responsibilities.models import (
    Notification,
    Obligation,
    ObligationEvent,
    WorkSystem,
    WorkSystemOverride,
)
from responsibilities.periods import Period
from responsibilities.scheduling import services as scheduling
from tests.factories import ensure_seed_data, make_assignment, make_org, make_person, make_user

D = dt.date


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return scheduling.local_moment(day, hour)


def year_2026():
    return [p for kind in ("month", "quarter", "half", "year") for p in Period.all_in_year(kind, 2026)]


@pytest.fixture
def staffed(tree):
    """County A with a secretary linked to a user, its own staff, and the city's staff above it."""
    secretary_user = make_user("a_secretary", grants=[("view", tree.county_a)])
    secretary_user.email = "sec@example.org"
    secretary_user.save()
    person = make_person("王书记", organization=tree.county_a, user=secretary_user)
    make_assignment(person=person, role="secretary", start=D(2024, 1, 1))
    county_staff = make_user("a_staff", grants=[("manage", tree.county_a)])
    city_staff = make_user("city_staff_x", grants=[("manage", tree.city)])
    return secretary_user, county_staff, city_staff


def test_generation_is_idempotent(tree):
    first = scheduling.obligations_generate(periods=year_2026(), now=at(D(2026, 1, 1)))
    assert first == Obligation.objects.count() > 0
    assert scheduling.obligations_generate(periods=year_2026(), now=at(D(2026, 1, 1))) == 0
    assert Obligation.objects.count() == first


def test_generation_follows_frequency_and_organization_kind(tree):
    branch = make_org("东村党支部", parent=tree.town_a1, kind="branch")
    scheduling.obligations_generate(periods=year_2026(), now=at(D(2026, 1, 1)))
    county = Obligation.objects.filter(organization=tree.county_a)
    assert county.filter(work_system__code="theory_study").count() == 12
    assert county.filter(work_system__code="analysis").count() == 4
    assert county.filter(work_system__code="party_report").count() == 2
    assert county.filter(work_system__code="inspection").count() == 1
    assert not county.filter(work_system__code="major_report").exists()  # as needed: never scheduled
    # A village branch has no propaganda department: no summary, no joint meeting, no inspection.
    codes = set(Obligation.objects.filter(organization=branch).values_list("work_system__code", flat=True))
    assert codes == {"party_report", "analysis", "theory_study", "democratic_life"}


def test_override_applies_to_the_subtree_unless_overridden_below(tree):
    study = WorkSystem.objects.get(code="special_study")
    WorkSystemOverride.objects.create(organization=tree.county_a, work_system=study, frequency="quarter")
    WorkSystemOverride.objects.create(organization=tree.town_a2, work_system=study, frequency="half")
    scheduling.obligations_generate(periods=year_2026(), now=at(D(2026, 1, 1)))

    def count(org):
        return Obligation.objects.filter(organization=org, work_system=study).count()

    assert count(tree.county_a) == 4
    assert count(tree.town_a1) == 4  # inherited from the county
    assert count(tree.town_a2) == 2  # overridden again below
    assert count(tree.county_b) == 2  # the default


def test_school_override_requires_fourteen_studies_a_year(tree):
    school = make_org("实验中学党支部", parent=tree.city, kind="branch")
    study = WorkSystem.objects.get(code="theory_study")
    WorkSystemOverride.objects.create(organization=school, work_system=study, frequency="year", required_count=14)
    scheduling.obligations_generate(periods=year_2026(), now=at(D(2026, 1, 1)))
    (only,) = Obligation.objects.filter(organization=school, work_system=study)
    assert (only.period, only.required_count, only.due_date) == ("2026", 14, D(2026, 12, 31))


def test_override_can_switch_a_system_off(tree):
    briefing = WorkSystem.objects.get(code="briefing")
    WorkSystemOverride.objects.create(organization=tree.county_b, work_system=briefing, enabled=False)
    scheduling.obligations_generate(periods=year_2026(), now=at(D(2026, 1, 1)))
    assert not Obligation.objects.filter(organization__path__startswith=tree.county_b.path, work_system=briefing).exists()
    assert Obligation.objects.filter(organization=tree.county_a, work_system=briefing).exists()


def test_cascaded_deadline_is_the_upper_deadline_minus_lead_time(tree):
    tree.county_a.report_lead_days = 5
    tree.county_a.save()
    scheduling.obligations_generate(periods=[Period.parse("2026H1")], now=at(D(2026, 1, 1)))

    def due(org):
        return Obligation.objects.get(organization=org, work_system__code="party_report").due_date

    assert due(tree.city) == D(2026, 6, 30)  # the top keeps the calendar date
    assert due(tree.county_a) == D(2026, 6, 20)  # city's lead time: 10 days (default)
    assert due(tree.town_a1) == D(2026, 6, 15)  # county A's own lead time: 5 days
    assert due(tree.town_b1) == D(2026, 6, 10)
    # Non-cascaded systems keep their own dates.
    assert Obligation.objects.get(organization=tree.town_a1, work_system__code="special_study").due_date == D(2026, 6, 30)


def test_reminder_is_sent_once_per_offset_and_recipient(tree, staffed):
    secretary_user, county_staff, _city = staffed
    scheduling.obligations_generate(periods=[Period.parse("2026Q3")], now=at(D(2026, 7, 1)))
    # County A's Q3 analysis is due Wed 2026-09-30; its 14-day reminder falls on Wed 09-16.
    sent = scheduling.sweep_reminders(now=at(D(2026, 9, 16)))
    assert sent > 0
    assert scheduling.sweep_reminders(now=at(D(2026, 9, 16))) == 0  # a doubled tick
    assert scheduling.sweep_reminders(now=at(D(2026, 9, 16), 23)) == 0  # a later tick the same day
    analysis = Obligation.objects.get(organization=tree.county_a, work_system__code="analysis", period="2026Q3")
    reminders = Notification.objects.filter(obligation=analysis, kind="reminder")
    assert set(reminders.values_list("recipient__username", "offset_days")) == {
        ("a_secretary", 14), ("a_staff", 14),
    }
    # The 7-day reminder comes on its own day, once.
    scheduling.sweep_reminders(now=at(D(2026, 9, 23)))
    scheduling.sweep_reminders(now=at(D(2026, 9, 23)))
    assert reminders.filter(offset_days=7).count() == 2


def test_after_downtime_only_the_latest_reminder_is_sent(tree, staffed):
    scheduling.obligations_generate(periods=[Period.parse("2026Q3")], now=at(D(2026, 7, 1)))
    # Nothing ran between 09-01 and 09-28: the 14-, 7- and 3-day reminders were missed.
    scheduling.sweep_reminders(now=at(D(2026, 9, 28)))
    analysis = Obligation.objects.get(organization=tree.county_a, work_system__code="analysis", period="2026Q3")
    offsets = set(Notification.objects.filter(obligation=analysis).values_list("offset_days", flat=True))
    assert offsets == {3}
    # It says how many days are really left (two), not which reminder it stands for.
    assert "还有 2 天到期" in Notification.objects.filter(obligation=analysis).first().title
    # …and of which period: a monthly task's three notices must not read alike.
    assert Notification.objects.filter(obligation=analysis).first().title.startswith("【到期提醒】2026年第三季度")
    scheduling.sweep_reminders(now=at(D(2026, 9, 29)))
    offsets = set(Notification.objects.filter(obligation=analysis).values_list("offset_days", flat=True))
    assert offsets == {3, 1}


def test_completed_obligations_get_no_reminders(tree, staffed):
    scheduling.obligations_generate(periods=[Period.parse("2026Q3")], now=at(D(2026, 7, 1)))
    Obligation.objects.filter(organization=tree.county_a).update(status="done")
    scheduling.sweep_reminders(now=at(D(2026, 9, 16)))
    assert not Notification.objects.filter(obligation__organization=tree.county_a).exists()


def test_overdue_marks_once_and_escalates_to_the_upper_staff(tree, staffed):
    _sec, county_staff, city_staff = staffed
    scheduling.obligations_generate(periods=[Period.parse("2026Q3")], now=at(D(2026, 7, 1)))
    assert scheduling.sweep_overdue(now=at(D(2026, 9, 30), 23)) == 0  # still the deadline day
    marked = scheduling.sweep_overdue(now=at(D(2026, 10, 1), 0))
    assert marked == Obligation.objects.filter(period="2026Q3").count()
    assert scheduling.sweep_overdue(now=at(D(2026, 10, 2))) == 0
    analysis = Obligation.objects.get(organization=tree.county_a, work_system__code="analysis", period="2026Q3")
    assert analysis.status == "overdue"
    assert ObligationEvent.objects.filter(obligation=analysis, kind="overdue").count() == 1
    escalations = Notification.objects.filter(obligation=analysis, kind="escalation")
    assert list(escalations.values_list("recipient__username", flat=True)) == ["city_staff_x"]
    # Town A1's upper organization is county A: its staff hear about the town, the city's do not.
    town = Obligation.objects.get(organization=tree.town_a1, work_system__code="analysis", period="2026Q3")
    assert list(town.notifications.filter(kind="escalation").values_list("recipient__username", flat=True)) == [
        "a_staff"
    ]
    village = make_org("东村党支部", parent=tree.town_a1, kind="branch")
    scheduling.obligations_generate(periods=[Period.parse("2026Q3")], organizations=[village],
                                    now=at(D(2026, 7, 1)))
    scheduling.sweep_overdue(now=at(D(2026, 10, 3)))
    assert not Notification.objects.filter(obligation__organization=village, kind="escalation").exists()


def test_emails_go_out_once(tree, staffed):
    scheduling.obligations_generate(periods=[Period.parse("2026Q3")], now=at(D(2026, 7, 1)))
    scheduling.sweep_reminders(now=at(D(2026, 9, 16)))
    sent = scheduling.send_pending_emails()
    assert sent == len(mail.outbox) > 0
    assert all(m.to == ["sec@example.org"] for m in mail.outbox)  # only users with an address
    assert "还有 14 天到期" in mail.outbox[0].subject
    assert scheduling.send_pending_emails() == 0


def test_calendar_warning_for_a_year_without_holidays(db):
    assert scheduling.calendar_missing_for_next_year(D(2026, 11, 22)) == 2027
    assert scheduling.calendar_missing_for_next_year(D(2026, 6, 1)) is None
    assert scheduling.calendar_missing_for_next_year(D(2025, 11, 22)) is None


def _in_threads(n, fn):
    errors = []
    barrier = threading.Barrier(n)

    def run():
        try:
            barrier.wait()
            fn()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_generation_and_sweeps_never_duplicate(tree, staffed):
    ensure_seed_data()  # an earlier transactional test's flush may have emptied the work systems
    _in_threads(4, lambda: scheduling.obligations_generate(periods=year_2026(), now=at(D(2026, 1, 1))))
    once = scheduling.obligations_generate(periods=year_2026(), now=at(D(2026, 1, 1)))
    assert once == 0
    keys = list(Obligation.objects.values_list("organization_id", "work_system_id", "period"))
    assert keys and len(keys) == len(set(keys))

    _in_threads(4, lambda: scheduling.sweep_reminders(now=at(D(2026, 9, 16))))
    rows = list(Notification.objects.values_list("obligation_id", "kind", "offset_days", "recipient_id"))
    assert rows and len(rows) == len(set(rows))

    _in_threads(4, lambda: scheduling.sweep_overdue(now=at(D(2026, 10, 1))))
    assert ObligationEvent.objects.filter(kind="overdue").count() == Obligation.objects.filter(status="overdue").count()


def test_one_bad_override_does_not_stop_generation_for_everyone(tree):
    from django.core.exceptions import ValidationError

    study = WorkSystem.objects.get(code="special_study")
    bad = WorkSystemOverride(organization=tree.county_b, work_system=study, frequency="quarter",
                             deadline_rule="fixed_dates", fixed_dates="02-30,12-31")
    with pytest.raises(ValidationError, match="期限规则与频次不匹配"):
        bad.full_clean()
    bad.save()  # saved anyway (e.g. by a script): generation logs it and goes on
    scheduling.obligations_generate(periods=year_2026(), now=at(D(2026, 1, 1)))
    assert not Obligation.objects.filter(organization=tree.county_b, work_system=study).exists()
    assert Obligation.objects.filter(organization=tree.county_a, work_system=study).count() == 2


def test_emails_stay_queued_when_the_mail_server_fails(tree, staffed, settings):
    scheduling.obligations_generate(periods=[Period.parse("2026Q3")], now=at(D(2026, 7, 1)))
    scheduling.sweep_reminders(now=at(D(2026, 9, 16)))
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    assert scheduling.send_pending_emails() == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert scheduling.send_pending_emails() > 0  # the next tick delivers them


# -- deadlines in Beijing time, overdue events, catch-up after an outage ---------------------------

UTC = dt.UTC


def test_a_deadline_day_ends_at_midnight_beijing_time_which_is_four_in_the_afternoon_utc(tree):
    assert scheduling.due_moment(D(2026, 9, 30)) == dt.datetime(2026, 9, 30, 16, 0, tzinfo=UTC)
    scheduling.obligations_generate(periods=[Period.parse("2026Q3")], now=at(D(2026, 7, 1)))
    analysis = Obligation.objects.get(organization=tree.county_a, work_system__code="analysis", period="2026Q3")

    assert analysis.due_date == D(2026, 9, 30)
    assert analysis.due_at == dt.datetime(2026, 9, 30, 16, 0, tzinfo=UTC)
    assert not analysis.is_late_at(dt.datetime(2026, 9, 30, 15, 59, 59, tzinfo=UTC))
    assert analysis.is_late_at(dt.datetime(2026, 9, 30, 16, 0, tzinfo=UTC))
    assert scheduling.sweep_overdue(now=dt.datetime(2026, 9, 30, 15, 59, 59, tzinfo=UTC)) == 0
    assert scheduling.sweep_overdue(now=dt.datetime(2026, 9, 30, 16, 0, tzinfo=UTC)) > 0
    analysis.refresh_from_db()
    assert analysis.status == "overdue"


def test_after_an_outage_the_overdue_event_is_dated_at_the_deadline_not_at_the_sweep(tree, staffed):
    scheduling.obligations_generate(periods=[Period.parse("2026Q3")], now=at(D(2026, 7, 1)))
    sweep_time = dt.datetime(2026, 10, 9, 2, 0, tzinfo=UTC)  # the scheduler was down for nine days

    scheduling.sweep_overdue(now=sweep_time)

    analysis = Obligation.objects.get(organization=tree.county_a, work_system__code="analysis", period="2026Q3")
    event = ObligationEvent.objects.get(obligation=analysis, kind="overdue")
    assert event.at == dt.datetime(2026, 9, 30, 16, 0, tzinfo=UTC)  # 2026-10-01 00:00 Beijing time
    assert event.actor is None
    # The messages themselves went out when the sweep ran.
    assert set(analysis.notifications.values_list("created_at", flat=True)) == {sweep_time}


def test_generation_catches_up_every_period_missed_in_an_outage_longer_than_a_period(tree):
    # The last tick ran on 31 March 2026; then the scheduler was down until 2 October.
    scheduling.obligations_generate(periods=scheduling.periods_to_generate(D(2026, 3, 31)), now=at(D(2026, 3, 31)))
    assert not Obligation.objects.filter(period="2026Q3").exists()

    periods = scheduling.periods_to_generate(D(2026, 10, 2))

    assert {p.code for p in periods} == {
        "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11",
        "2026Q3", "2026Q4", "2027Q1", "2026H2", "2027H1", "2026", "2027",
    }
    assert scheduling.obligations_generate(periods=periods, now=at(D(2026, 10, 2))) > 0
    missed = Obligation.objects.get(organization=tree.county_a, work_system__code="analysis", period="2026Q3")
    assert missed.due_at == dt.datetime(2026, 9, 30, 16, 0, tzinfo=UTC)
    assert missed.next_reminder_at is None  # its reminders are moot: it is overdue at the next sweep
    assert Obligation.objects.filter(organization=tree.county_a, work_system__code="theory_study",
                                     period__in=["2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]).count() == 5
    # A doubled tick does nothing the second time.
    again = scheduling.periods_to_generate(D(2026, 10, 2))
    assert scheduling.obligations_generate(periods=again, now=at(D(2026, 10, 2))) == 0


def test_a_first_run_generates_only_the_current_and_the_next_period(tree):
    assert {p.code for p in scheduling.periods_to_generate(D(2026, 10, 2))} == {
        "2026-10", "2026-11", "2026Q4", "2027Q1", "2026H2", "2027H1", "2026", "2027",
    }


def test_catch_up_reaches_back_no_further_than_the_start_of_the_previous_year(tree):
    scheduling.obligations_generate(periods=scheduling.periods_to_generate(D(2023, 6, 1)), now=at(D(2023, 6, 1)))

    codes = {p.code for p in scheduling.periods_to_generate(D(2026, 2, 10))}

    assert {"2025-01", "2025-12", "2026-02", "2026-03", "2025Q1", "2026Q2", "2025H1", "2026H2", "2025", "2027"} <= codes
    assert not {"2024-12", "2024Q4", "2024H2", "2024"} & codes
    assert len([c for c in codes if len(c) == 7]) == 15  # 2025-01 … 2026-03


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sweep_skips_a_row_another_transaction_holds_and_marks_it_at_the_next_tick(tree, staffed):
    from django.db import transaction

    ensure_seed_data()  # an earlier transactional test's flush may have emptied the work systems
    scheduling.obligations_generate(periods=[Period.parse("2026Q3")], now=at(D(2026, 7, 1)))
    held = Obligation.objects.get(organization=tree.county_a, work_system__code="analysis", period="2026Q3")
    locked, release = threading.Event(), threading.Event()

    def hold():  # e.g. staff completing it at that very moment
        try:
            with transaction.atomic():
                Obligation.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(20)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(20)
    try:
        marked = scheduling.sweep_overdue(now=dt.datetime(2026, 10, 1, 2, 0, tzinfo=UTC))
    finally:
        release.set()
        holder.join()

    total = Obligation.objects.filter(period="2026Q3").count()
    assert marked == total - 1  # it did not wait for the held row
    held.refresh_from_db()
    assert held.status == "open"
    assert scheduling.sweep_overdue(now=dt.datetime(2026, 10, 1, 2, 5, tzinfo=UTC)) == 1
    assert ObligationEvent.objects.filter(kind="overdue").count() == total
