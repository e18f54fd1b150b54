"""Moments of the scheduler: China's working-day calendar as stored, Beijing-time instants, reminder days.

Kept apart from the scheduler's services so that the obligation lifecycle (responsibilities.work.services),
which the sweeps call, can ask when a re-opened obligation's next reminder falls without importing them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from responsibilities.models import WorkCalendarDay
from responsibilities.periods import WorkdayCalendar, reminder_days

REMINDER_HOUR = 9  # reminders go out at 09:00 Beijing time on their day


def work_calendar() -> WorkdayCalendar:
    """China's working-day calendar as stored in the editable WorkCalendarDay table."""
    holidays, workdays, years = set(), set(), set()
    for day, kind in WorkCalendarDay.objects.values_list("date", "kind"):
        (holidays if kind == WorkCalendarDay.Kind.HOLIDAY else workdays).add(day)
        years.add(day.year)
    return WorkdayCalendar(frozenset(holidays), frozenset(workdays), frozenset(years))


def local_moment(day: datetime.date, hour: int = 0) -> datetime.datetime:
    """`hour` o'clock on `day` in the project's time zone (Asia/Shanghai), as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def due_moment(due_date: datetime.date) -> datetime.datetime:
    """The first moment an obligation is late: midnight after its deadline day, Beijing time.

    A deadline of 2026-09-30 is late from 2026-10-01 00:00 Asia/Shanghai, i.e. 2026-09-30T16:00:00Z.
    Stored on the row as `Obligation.due_at`; `Obligation.is_late_at` compares against it.
    """
    return local_moment(due_date + datetime.timedelta(days=1))


def next_reminder(
    due: datetime.date | None, now: datetime.datetime | None = None, calendar_: WorkdayCalendar | None = None
) -> datetime.datetime | None:
    """When the reminder sweep should next look at an obligation due on `due` (None: never again).

    The first reminder day (ZEREN_REMINDER_DAYS before the deadline, moved to a working day) whose
    09:00 Beijing time is still ahead of `now`; None once the deadline has passed. `calendar_`
    defaults to the stored one (`work_calendar()`).
    """
    if due is None:
        return None
    now = now or timezone.now()
    days = reminder_days(due, list(settings.ZEREN_REMINDER_DAYS), calendar_ or work_calendar())
    if due_moment(due) <= now or not days:
        return None
    future = [local_moment(day, REMINDER_HOUR) for _offset, day in days if local_moment(day, REMINDER_HOUR) > now]
    return future[0] if future else None
