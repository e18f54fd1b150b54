import datetime as dt

import chinese_calendar
import pytest

from responsibilities.periods import (
    DeadlineRule,
    Period,
    PeriodKind,
    WorkdayCalendar,
    deadline_for,
    reminder_days,
)

D = dt.date


@pytest.fixture(scope="module")
def china() -> WorkdayCalendar:
    """The 2025-2026 calendar as the chinese-calendar package publishes it (the WorkCalendar seed)."""
    return WorkdayCalendar(
        holidays=frozenset(d for d in chinese_calendar.holidays if d.year in (2025, 2026)),
        makeup_workdays=frozenset(d for d in chinese_calendar.workdays if d.year in (2025, 2026)),
        years=frozenset({2025, 2026}),
    )


@pytest.mark.parametrize(
    ("code", "start", "end", "label"),
    [
        ("2026-02", D(2026, 2, 1), D(2026, 2, 28), "2026年2月"),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "2024年2月"),
        ("2026Q3", D(2026, 7, 1), D(2026, 9, 30), "2026年第三季度"),
        ("2026Q4", D(2026, 10, 1), D(2026, 12, 31), "2026年第四季度"),
        ("2026H1", D(2026, 1, 1), D(2026, 6, 30), "2026年上半年"),
        ("2026H2", D(2026, 7, 1), D(2026, 12, 31), "2026年下半年"),
        ("2026", D(2026, 1, 1), D(2026, 12, 31), "2026年度"),
    ],
)
def test_period_bounds_codes_and_chinese_labels(code, start, end, label):
    period = Period.parse(code)
    assert (period.start, period.end, period.label, period.code) == (start, end, label, code)


def test_period_containing_a_day_at_every_boundary():
    assert Period.containing("quarter", D(2026, 3, 31)).code == "2026Q1"
    assert Period.containing("quarter", D(2026, 4, 1)).code == "2026Q2"
    assert Period.containing("half", D(2026, 6, 30)).code == "2026H1"
    assert Period.containing("half", D(2026, 7, 1)).code == "2026H2"
    assert Period.containing("month", D(2026, 12, 31)).code == "2026-12"
    assert Period.containing("year", D(2026, 12, 31)).code == "2026"


def test_next_and_previous_cross_the_year():
    assert Period.parse("2026Q4").next().code == "2027Q1"
    assert Period.parse("2027Q1").previous().code == "2026Q4"
    assert Period.parse("2026-12").next().code == "2027-01"
    assert Period.parse("2026H2").next().code == "2027H1"
    assert Period.parse("2026").next().code == "2027"


@pytest.mark.parametrize("bad", ["2026Q5", "2026H3", "2026-13", "26Q1", "2026 Q1", "", "0999", "0050H1"])
def test_bad_period_codes_are_refused(bad):
    with pytest.raises(ValueError):
        Period.parse(bad)


def test_periods_are_values():
    assert Period.parse("2026H1") == Period(2026, PeriodKind.HALF, 1)
    assert len({Period.parse("2026Q1"), Period.parse("2026Q1")}) == 1
    assert Period.all_in_year("quarter", 2026)[-1].end == D(2026, 12, 31)
    # The first half-year and the year share year and index, not identity.
    assert Period.parse("2026") != Period.parse("2026H1")
    assert len({Period.parse("2026"), Period.parse("2026H1"), Period.parse("2026Q1"), Period.parse("2026-01")}) == 4


def test_half_year_report_deadline_is_the_calendar_date_even_on_a_holiday(china):
    # 2026-12-31 is a Thursday; 2025-06-30 a Monday; calendar-date deadlines never move.
    assert deadline_for(Period.parse("2026H2"), DeadlineRule.END_OF_PERIOD) == D(2026, 12, 31)
    assert deadline_for(Period.parse("2026H1"), DeadlineRule.FIXED_DATES, fixed_dates="06-30,12-31") == D(2026, 6, 30)
    assert deadline_for(Period.parse("2026H2"), DeadlineRule.FIXED_DATES, fixed_dates="06-30,12-31") == D(2026, 12, 31)


def test_fixed_dates_must_match_the_number_of_periods():
    with pytest.raises(ValueError):
        deadline_for(Period.parse("2026Q1"), DeadlineRule.FIXED_DATES, fixed_dates="06-30,12-31")


def test_days_after_end_crosses_into_the_next_year():
    assert deadline_for(Period.parse("2026Q4"), DeadlineRule.DAYS_AFTER_END, days=10) == D(2027, 1, 10)
    assert deadline_for(Period.parse("2024-02"), DeadlineRule.DAYS_AFTER_END, days=1) == D(2024, 3, 1)


def test_working_day_deadline_skips_the_national_day_holiday(china):
    # 2026Q3 ends Wed 30 Sep; 1-7 Oct are holidays, Sat 10 Oct is a make-up working day (调休).
    deadline = deadline_for(Period.parse("2026Q3"), DeadlineRule.WORKDAYS_AFTER_END, days=1, calendar_=china)
    assert deadline == D(2026, 10, 8)
    deadline = deadline_for(Period.parse("2026Q3"), DeadlineRule.WORKDAYS_AFTER_END, days=3, calendar_=china)
    assert deadline == D(2026, 10, 10)


def test_spring_festival_and_make_up_days_2025_2026(china):
    assert not china.is_workday(D(2025, 1, 29))  # 春节
    assert china.is_workday(D(2025, 1, 26))  # Sunday, adjusted working day
    assert china.is_workday(D(2026, 2, 14))  # Saturday, adjusted working day
    assert not china.is_workday(D(2026, 2, 17))  # 春节
    assert not china.is_workday(D(2026, 10, 1))  # 国庆


def test_reminders_move_to_the_previous_working_day(china):
    # Deadline Tue 2026-10-13: 7 days before is Tue 10-06 (holiday) → previous working day Wed 09-30.
    days = dict(reminder_days(D(2026, 10, 13), [14, 7, 3, 1], china))
    assert days[14] == D(2026, 9, 29)
    assert days[7] == D(2026, 9, 30)
    assert days[3] == D(2026, 10, 10)  # Saturday, but an adjusted working day (调休)
    assert days[1] == D(2026, 10, 12)


def test_reminders_landing_on_one_day_are_sent_once(china):
    # Deadline Mon 2026-06-01: 1 day before is Sunday → Friday 05-29, the same day as 3 days before.
    pairs = reminder_days(D(2026, 6, 1), [3, 1], china)
    assert pairs == [(3, D(2026, 5, 29))]
