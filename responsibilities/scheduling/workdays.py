"""Entering China's holiday calendar, and the deadlines that follow it (issue #10 §13).

The State Council announces each year's holidays and adjusted working days (调休) in November or
December; until then a working-day deadline counted through that year knew only the weekends and is
provisional (`periods.deadline_provisional`). Every change to the stored calendar goes through
`work_calendar_change`, which in the same transaction logs each day entered, changed or removed,
and moves every open deadline and reminder schedule computed from the days that changed
(`deadlines_follow_calendar`), logging each move.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from responsibilities import log
from responsibilities.models import Obligation, Organization, WorkCalendarDay
from responsibilities.periods import Period, WorkdayCalendar, reminder_days
from responsibilities.scheduling.calendar import due_moment, next_reminder
from responsibilities.scheduling.services import BATCH, RuleBook, cascaded_offsets, rule_deadline

Day = tuple[str, str]  # (WorkCalendarDay.Kind value, name)


@dataclass(frozen=True)
class DeadlineUpdate:
    """What one open obligation's deadline and reminder become under a changed calendar."""

    pk: int
    organization_id: int
    due_before: datetime.date
    due_date: datetime.date
    provisional: bool
    next_reminder_at: datetime.datetime | None

    @property
    def moved(self) -> bool:
        return self.due_date != self.due_before


@dataclass
class CalendarPlan:
    """The days a change enters, changes and removes (date → (kind, name)), and the deadlines it moves."""

    added: dict[datetime.date, Day] = field(default_factory=dict)
    changed: dict[datetime.date, tuple[Day, Day]] = field(default_factory=dict)  # date → (before, after)
    removed: dict[datetime.date, Day] = field(default_factory=dict)
    moved: int = 0  # open deadlines moved
    updated: int = 0  # open obligations whose deadline, 暂定 mark or next reminder changed

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


def _changed_days(before: WorkdayCalendar, after: WorkdayCalendar) -> set[datetime.date]:
    return (before.holidays ^ after.holidays) | (before.makeup_workdays ^ after.makeup_workdays)


def deadline_updates(
    *, before: WorkdayCalendar, after: WorkdayCalendar, now: datetime.datetime
) -> list[DeadlineUpdate]:
    """The open obligations (status 待办) whose deadline, 暂定 mark or next reminder differ between the
    calendar `before` and `after` a change. Reads a bounded number of queries whatever the row count.

    A deadline moves only when the organization's rule, under the calendar before the change (or
    before the changed years were entered at all, when it was provisional), gives the stored date:
    a deadline set under another rule is not re-derived here. Obligations already marked overdue
    keep their deadline (the lateness was recorded and announced). A reminder already due and not yet
    sent (`next_reminder_at` ≤ `now`) stays for the sweep, which reads the new calendar.
    """
    changed = _changed_days(before, after)
    years = {day.year for day in changed} | (before.years ^ after.years)
    if not years:
        return []
    stale = before.without_years(years)
    offsets = list(settings.ZEREN_REMINDER_DAYS)
    rows = Obligation.objects.filter(status=Obligation.Status.OPEN, due_date__isnull=False).values_list(
        "pk", "organization_id", "organization__path", "organization__kind", "work_system_id", "period",
        "due_date", "due_provisional", "next_reminder_at",
    )
    book = RuleBook()
    systems = {system.pk: system for system in book.systems}
    cascade = cascaded_offsets(dict(Organization.objects.values_list("path", "report_lead_days")))
    deadlines: dict[tuple, tuple] = {}
    schedules: dict[tuple, bool] = {}
    updates = []
    for pk, org_id, path, kind, system_id, code, stored, stored_provisional, stored_next in rows.iterator(BATCH):
        system = systems[system_id]
        period = Period.parse(code)
        rule = book.rule(system, path, kind)
        key = (period, rule.deadline_rule, rule.deadline_days, rule.fixed_dates)
        if key not in deadlines:
            try:
                deadlines[key] = (rule_deadline(period, rule, before)[0], rule_deadline(period, rule, stale)[0],
                                  *rule_deadline(period, rule, after))
            except ValueError:  # a rule that cannot apply: its deadlines are left as they are
                deadlines[key] = (None, None, None, False)
        was, was_unknown, due, provisional = deadlines[key]
        shift = datetime.timedelta(days=cascade.get(path, 0) if system.cascaded else 0)
        if due is None or stored not in {d - shift for d in (was, was_unknown) if d is not None}:
            due, provisional = stored, stored_provisional
        else:
            due -= shift
        next_at = stored_next
        if (stored, due) not in schedules:
            schedules[stored, due] = reminder_days(stored, offsets, before) != reminder_days(due, offsets, after)
        if schedules[stored, due] and not (stored_next is not None and stored_next <= now):
            next_at = next_reminder(due, now, after)
        if (due, provisional, next_at) != (stored, stored_provisional, stored_next):
            updates.append(DeadlineUpdate(pk, org_id, stored, due, provisional, next_at))
    return updates


def deadlines_follow_calendar(
    *, before: WorkdayCalendar, after: WorkdayCalendar, actor, now: datetime.datetime, reason: str
) -> tuple[int, int]:
    """Apply `deadline_updates`: one UPDATE per distinct (deadline, 暂定, next reminder) and batch, and
    one log entry ("obligation.deadline_moved", from/to and `reason`) per moved deadline. Returns
    (deadlines moved, obligations updated). Call inside the calendar change's transaction."""
    updates = deadline_updates(before=before, after=after, now=now)
    groups: dict[tuple, list[int]] = defaultdict(list)
    for update in updates:
        groups[update.due_date, update.provisional, update.next_reminder_at].append(update.pk)
    for (due, provisional, next_at), pks in groups.items():
        for start in range(0, len(pks), BATCH):
            Obligation.objects.filter(pk__in=pks[start:start + BATCH], status=Obligation.Status.OPEN).update(
                due_date=due, due_at=due_moment(due), due_provisional=provisional, next_reminder_at=next_at,
            )
    moved = [u for u in updates if u.moved]
    log.append_many([
        {"action": "obligation.deadline_moved", "subject": Obligation(pk=u.pk), "actor": actor,
         "organization": u.organization_id, "at": now, "from": u.due_before, "to": u.due_date,
         "provisional": u.provisional, "reason": reason}
        for u in moved
    ])
    return len(moved), len(updates)


def _stored() -> dict[datetime.date, Day]:
    return {d: (k, n) for d, k, n in WorkCalendarDay.objects.values_list("date", "kind", "name")}


def _calendar(days: dict[datetime.date, Day]) -> WorkdayCalendar:
    return WorkdayCalendar(
        frozenset(d for d, (k, _n) in days.items() if k == WorkCalendarDay.Kind.HOLIDAY),
        frozenset(d for d, (k, _n) in days.items() if k != WorkCalendarDay.Kind.HOLIDAY),
        frozenset(d.year for d in days),
    )


def plan_change(
    *, enter: dict[datetime.date, Day], remove: Iterable[datetime.date] = (), now: datetime.datetime | None = None,
    count: bool = True,
) -> tuple[CalendarPlan, WorkdayCalendar, WorkdayCalendar]:
    """What entering the days `enter` and removing the dates `remove` would change, without writing:
    the plan (with how many open deadlines would move when `count`) and the calendars before and after."""
    now = now or timezone.now()
    stored = _stored()
    result = dict(stored)
    plan = CalendarPlan()
    for day in remove:
        if day in result and day not in enter:
            plan.removed[day] = result.pop(day)
    for day, value in enter.items():
        if day not in stored:
            plan.added[day] = value
        elif stored[day] != value:
            plan.changed[day] = (stored[day], value)
        result[day] = value
    before, after = _calendar(stored), _calendar(result)
    if count and not plan.empty:
        updates = deadline_updates(before=before, after=after, now=now)
        plan.moved, plan.updated = sum(u.moved for u in updates), len(updates)
    return plan, before, after


def plan_year(
    *, year: int, holidays: dict[datetime.date, str], workdays: dict[datetime.date, str],
    now: datetime.datetime | None = None,
) -> CalendarPlan:
    """The preview of `work_calendar_load_year`: the days it enters, changes and removes, and the
    deadlines it moves."""
    return plan_change(enter=_year_days(holidays, workdays), remove=_dates_in(year), now=now)[0]


def _year_days(holidays: dict[datetime.date, str], workdays: dict[datetime.date, str]) -> dict[datetime.date, Day]:
    days = {d: (WorkCalendarDay.Kind.HOLIDAY.value, name) for d, name in holidays.items()}
    days.update({d: (WorkCalendarDay.Kind.WORKDAY.value, name) for d, name in workdays.items()})
    return days


def _dates_in(year: int) -> list[datetime.date]:
    return list(WorkCalendarDay.objects.filter(date__year=year).values_list("date", flat=True))


@transaction.atomic
def work_calendar_change(
    *, enter: dict[datetime.date, Day], remove: Iterable[datetime.date] = (), actor,
    now: datetime.datetime | None = None, reason: str = "",
) -> CalendarPlan:
    """Enter the days `enter` (date → (kind, name)) and remove the dates `remove`, in one transaction
    with: a log entry per day entered ("workcalendarday.entered"), changed ("workcalendarday.changed")
    or removed ("workcalendarday.removed"); and every open deadline and reminder schedule that follows
    from the changed days recomputed (`deadlines_follow_calendar`). The one writer of WorkCalendarDay.
    Returns the plan carried out, with the deadlines moved."""
    now = now or timezone.now()
    # One change of the calendar at a time: the second waits and then sees the first's days.
    list(WorkCalendarDay.objects.select_for_update().values_list("pk", flat=True)[:1])
    plan, before, after = plan_change(enter=enter, remove=remove, now=now, count=False)
    if plan.empty:
        return plan
    rows = {row.date: row for row in WorkCalendarDay.objects.filter(date__in=[*plan.removed, *plan.changed])}
    entries = []
    for day in sorted(plan.removed):
        kind, name = plan.removed[day]
        entries.append(_entry("workcalendarday.removed", rows[day], actor, now, date=day, kind=kind, name=name))
    WorkCalendarDay.objects.filter(date__in=list(plan.removed)).delete()
    for day in sorted(plan.changed):
        (old_kind, old_name), (kind, name) = plan.changed[day]
        row = rows[day]
        row.kind, row.name = kind, name
        row.save(update_fields=["kind", "name"])
        entries.append(_entry("workcalendarday.changed", row, actor, now, date=day, kind=kind, name=name,
                              previous_kind=old_kind, previous_name=old_name))
    created = WorkCalendarDay.objects.bulk_create(
        [WorkCalendarDay(date=day, kind=kind, name=name) for day, (kind, name) in sorted(plan.added.items())]
    )
    if created and created[0].pk is None:  # SQLite before 3.35 returns no ids
        created = list(WorkCalendarDay.objects.filter(date__in=list(plan.added)).order_by("date"))
    entries += [_entry("workcalendarday.entered", row, actor, now, date=row.date, kind=row.kind, name=row.name)
                for row in created]
    log.append_many(entries)
    plan.moved, plan.updated = deadlines_follow_calendar(
        before=before, after=after, actor=actor, now=now, reason=reason or "工作日历变更"
    )
    return plan


def _entry(action: str, row: WorkCalendarDay, actor, now: datetime.datetime, **payload) -> dict:
    return {"action": action, "subject": row, "actor": actor, "organization": None, "at": now, **payload}


def work_calendar_load_year(
    *, year: int, holidays: dict[datetime.date, str], workdays: dict[datetime.date, str], actor,
    now: datetime.datetime | None = None,
) -> CalendarPlan:
    """Make `year`'s stored calendar exactly the State Council notice's: `holidays` (放假日期) and
    `workdays` (调休上班日期), date → holiday name; any other day stored for that year is removed.
    Dates are checked by the form (`scheduling.notice`). Returns the plan carried out (see
    `work_calendar_change`)."""
    return work_calendar_change(
        enter=_year_days(holidays, workdays), remove=_dates_in(year), actor=actor, now=now,
        reason=f"录入{year}年节假日安排",
    )
