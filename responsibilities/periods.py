"""Periods and deadlines: pure date arithmetic, no database access (labels are translated).

A period is a value (`Period`): a month, quarter, half-year or year, with its
first and last day and a Chinese label. Deadlines and reminder days are
computed here from rules and a `WorkdayCalendar` that the caller loads (from
the WorkCalendar table); nothing here reads the clock except through the
arguments it is given.
"""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models.enums import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# TextChoices is only an enum with labels (for the models' choices); nothing here touches the database.


class PeriodKind(StrEnum):
    """The kinds of period; the values of models.Frequency (plus 适时, which has no period)."""

    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


MIN_YEAR, MAX_YEAR = 1949, 2999  # a period code always has four digits
_PER_YEAR = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.HALF: 2, PeriodKind.YEAR: 1}
_CODE_RE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})|Q(?P<quarter>[1-4])|H(?P<half>[12]))?$")


@dataclass(frozen=True, order=True)
class Period:
    """One month (2026-07), quarter (2026Q3), half-year (2026H1) or year (2026)."""

    year: int
    kind: PeriodKind
    index: int = 1  # 1-based position within the year: month 1-12, quarter 1-4, half 1-2, year 1

    def __post_init__(self) -> None:
        if not 1 <= self.index <= _PER_YEAR[self.kind]:
            raise ValueError(f"{self.kind} index out of range: {self.index}")
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValueError(f"year out of range: {self.year}")

    # -- construction -------------------------------------------------------------
    @classmethod
    def containing(cls, kind: PeriodKind | str, day: datetime.date) -> Period:
        kind = PeriodKind(kind)
        months_per = 12 // _PER_YEAR[kind]
        return cls(day.year, kind, (day.month - 1) // months_per + 1)

    @classmethod
    def parse(cls, code: str) -> Period:
        match = _CODE_RE.match(code.strip())
        if not match:
            raise ValueError(f"无法识别的期间：{code!r}（示例：2026、2026H1、2026Q3、2026-07）")
        year = int(match["year"])
        if match["month"]:
            return cls(year, PeriodKind.MONTH, int(match["month"]))
        if match["quarter"]:
            return cls(year, PeriodKind.QUARTER, int(match["quarter"]))
        if match["half"]:
            return cls(year, PeriodKind.HALF, int(match["half"]))
        return cls(year, PeriodKind.YEAR, 1)

    @classmethod
    def from_text(cls, text: str) -> Period:
        """The period a person typed, in the words they use or as a code:

        「2026年上半年」「2026上半年」「二〇二六年第三季度」「2026年三季度」「2026年7月」「2026年07月」
        「2026年度」「2026年」, the codes `parse` reads (2026H1, 2026Q3, 2026-07, 2026), 「2026-7」
        「2026/07」「2026.7」, full-width digits, and the English labels (H1 2026, Q3 2026, 7/2026).
        Every `label`, in Chinese or English, reads back as its period. Raises ValueError (with a
        Chinese message) for anything else.
        """
        cleaned = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).upper()
        if english := _ENGLISH_RE.match(cleaned):
            year = int(english["year"])
            rest = english["half"] or english["quarter"] or f"-{english['month']}"
        elif match := _TEXT_RE.match(cleaned):
            year, rest = int(match["year"].translate(_CHINESE_YEAR_DIGITS)), match["rest"]
        else:
            raise ValueError(_("无法识别的期间“%(text)s”（示例：2026年上半年、2026年第三季度、2026年7月、2026年度）")
                             % {"text": text})
        if rest.startswith("年") and rest != "年度":
            rest = rest[1:]
        if rest in ("", "年度", "全年"):
            return cls(year, PeriodKind.YEAR, 1)
        if rest in ("H1", "上半年", "上半年度"):
            return cls(year, PeriodKind.HALF, 1)
        if rest in ("H2", "下半年", "下半年度"):
            return cls(year, PeriodKind.HALF, 2)
        if quarter := _QUARTER_RE.match(rest):
            return cls(year, PeriodKind.QUARTER, _number(quarter["a"] or quarter["b"] or quarter["c"]))
        if month := _MONTH_RE.match(rest):
            number = _number(month["n"] or month["m"])
            if 1 <= number <= 12:
                return cls(year, PeriodKind.MONTH, number)
        raise ValueError(_("无法识别的期间“%(text)s”（示例：2026年上半年、2026年第三季度、2026年7月、2026年度）")
                         % {"text": text})

    @classmethod
    def all_in_year(cls, kind: PeriodKind | str, year: int) -> list[Period]:
        kind = PeriodKind(kind)
        return [cls(year, kind, i) for i in range(1, _PER_YEAR[kind] + 1)]

    # -- properties ---------------------------------------------------------------
    @property
    def _months(self) -> int:
        return 12 // _PER_YEAR[self.kind]

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, (self.index - 1) * self._months + 1, 1)

    @property
    def end(self) -> datetime.date:
        last_month = self.index * self._months
        return datetime.date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    @property
    def code(self) -> str:
        if self.kind is PeriodKind.MONTH:
            return f"{self.year}-{self.index:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year}Q{self.index}"
        if self.kind is PeriodKind.HALF:
            return f"{self.year}H{self.index}"
        return f"{self.year}"

    @property
    def label(self) -> str:
        """In the active language: 2026年第三季度 / Q3 2026."""
        if self.kind is PeriodKind.MONTH:
            return _("%(year)s年%(month)s月") % {"year": self.year, "month": self.index}
        if self.kind is PeriodKind.QUARTER:
            quarter = (_("%(year)s年第一季度"), _("%(year)s年第二季度"), _("%(year)s年第三季度"),
                       _("%(year)s年第四季度"))[self.index - 1]
            return quarter % {"year": self.year}
        if self.kind is PeriodKind.HALF:
            half = _("%(year)s年上半年") if self.index == 1 else _("%(year)s年下半年")
            return half % {"year": self.year}
        return _("%(year)s年度") % {"year": self.year}

    def __str__(self) -> str:
        return self.code

    def next(self) -> Period:
        if self.index < _PER_YEAR[self.kind]:
            return Period(self.year, self.kind, self.index + 1)
        return Period(self.year + 1, self.kind, 1)

    def previous(self) -> Period:
        if self.index > 1:
            return Period(self.year, self.kind, self.index - 1)
        return Period(self.year - 1, self.kind, _PER_YEAR[self.kind])


# Typed text: a year in Arabic or Chinese digits (二〇二六), then what part of it.
_CHINESE_YEAR_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")
_CHINESE_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
                    "十一": 11, "十二": 12}
_TEXT_RE = re.compile(r"^(?P<year>[0-9〇○零一二三四五六七八九]{4})(?P<rest>.*)$")
_ENGLISH_RE = re.compile(r"^(?:(?P<half>H[12])|(?P<quarter>Q[1-4])|(?P<month>\d{1,2})/)(?P<year>\d{4})$")
_QUARTER_RE = re.compile(r"^年?(?:第(?P<a>[1-4一二三四])季度?|(?P<b>[1-4一二三四])季度|Q(?P<c>[1-4]))$")
_MONTH_RE = re.compile(r"^(?:年?(?P<n>\d{1,2}|十[一二]?|[一二三四五六七八九])月份?|[-/.](?P<m>\d{1,2}))$")


def _number(digits: str | None) -> int:
    return _CHINESE_NUMBERS.get(digits) or int(digits)


def period_label(code: str) -> str:
    """How a stored period code (Obligation.period, Report.period) is shown: its label
    (2026H1 → 2026年上半年); "" for no period; an unreadable code as it is."""
    if not code:
        return ""
    try:
        return Period.parse(code).label
    except ValueError:
        return code


# -- working days -----------------------------------------------------------------


@dataclass(frozen=True)
class WorkdayCalendar:
    """China's working days: weekdays, minus statutory holidays, plus adjusted working days (调休).

    `years` lists the years the calendar was loaded for; asking about another year still
    answers (weekends only).
    """

    holidays: frozenset[datetime.date] = frozenset()
    makeup_workdays: frozenset[datetime.date] = frozenset()
    years: frozenset[int] = frozenset()

    def is_workday(self, day: datetime.date) -> bool:
        if day in self.makeup_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def previous_workday(self, day: datetime.date) -> datetime.date:
        """`day` itself if it is a working day, else the closest working day before it."""
        while not self.is_workday(day):
            day -= datetime.timedelta(days=1)
        return day

    def knows(self, start: datetime.date, end: datetime.date) -> bool:
        """Has the calendar been loaded for every year from `start` to `end` (inclusive)? When not, a
        working-day count over those days is provisional: it knew only the weekends."""
        return all(year in self.years for year in range(start.year, end.year + 1))

    def without_years(self, years: Iterable[int]) -> WorkdayCalendar:
        """This calendar as it was before `years` were entered (weekends only for them)."""
        drop = frozenset(years)
        return WorkdayCalendar(
            frozenset(d for d in self.holidays if d.year not in drop),
            frozenset(d for d in self.makeup_workdays if d.year not in drop),
            self.years - drop,
        )

    def add_workdays(self, day: datetime.date, count: int) -> datetime.date:
        """The `count`-th working day after `day` (count ≥ 1)."""
        step = 0
        while step < count:
            day += datetime.timedelta(days=1)
            if self.is_workday(day):
                step += 1
        return day


# -- deadline rules ---------------------------------------------------------------


class DeadlineRule(TextChoices):
    """How a work system's deadline follows from its period: the one definition (the models'
    `deadline_rule` fields take their choices from it)."""

    END_OF_PERIOD = "end_of_period", gettext_lazy("期末当日")  # 30 June for 2026H1: a calendar date, never moved
    FIXED_DATES = "fixed_dates", gettext_lazy("固定日期")  # "MM-DD" per period index, e.g. "06-30,12-31"
    DAYS_AFTER_END = "days_after_end", gettext_lazy("期末后 N 日")  # N calendar days after the period ends
    WORKDAYS_AFTER_END = "workdays_after_end", gettext_lazy("期末后 N 个工作日")  # N working days after it
    NONE = "none", gettext_lazy("无固定期限")  # as needed (及时): no fixed deadline


def deadline_for(
    period: Period,
    rule: DeadlineRule | str,
    *,
    days: int = 0,
    fixed_dates: str = "",
    calendar_: WorkdayCalendar | None = None,
) -> datetime.date | None:
    """The deadline of one occurrence. Calendar-date rules stay fixed; working-day rules use the calendar."""
    rule = DeadlineRule(rule)
    if rule is DeadlineRule.NONE:
        return None
    if rule is DeadlineRule.END_OF_PERIOD:
        return period.end
    if rule is DeadlineRule.FIXED_DATES:
        dates = [d.strip() for d in fixed_dates.split(",") if d.strip()]
        if len(dates) != _PER_YEAR[period.kind]:
            raise ValueError(f"{period.kind} 需要 {_PER_YEAR[period.kind]} 个固定日期，实际为 {fixed_dates!r}")
        month, day = (int(part) for part in dates[period.index - 1].split("-"))
        return datetime.date(period.year, month, day)
    if rule is DeadlineRule.DAYS_AFTER_END:
        return period.end + datetime.timedelta(days=days)
    return (calendar_ or WorkdayCalendar()).add_workdays(period.end, days)


def deadline_provisional(
    period: Period, rule: DeadlineRule | str, due: datetime.date | None, calendar_: WorkdayCalendar
) -> bool:
    """Is `due`, the deadline of `period` under `rule`, only provisional? True for a working-day rule
    whose count runs through a year the calendar has no holidays for (the State Council announces each
    year's holidays and 调休 in November or December): 2026Q4 + 5 working days counts 1 January 2027 as
    a working day until 2027 is entered. Calendar-date rules are never provisional."""
    if due is None or DeadlineRule(rule) is not DeadlineRule.WORKDAYS_AFTER_END:
        return False
    return not calendar_.knows(period.end + datetime.timedelta(days=1), max(due, period.end))


def reminder_days(
    deadline: datetime.date, offsets: Iterable[int], calendar_: WorkdayCalendar
) -> list[tuple[int, datetime.date]]:
    """(offset, day) pairs for reminders `offset` days before `deadline`, earliest first.

    A reminder that falls on a rest day moves to the previous working day; two
    offsets landing on one day keep only the larger (earlier-announced) offset.
    """
    by_day: dict[datetime.date, int] = {}
    for offset in sorted(set(offsets), reverse=True):
        day = calendar_.previous_workday(deadline - datetime.timedelta(days=offset))
        by_day.setdefault(day, offset)
    return sorted(((offset, day) for day, offset in by_day.items()), key=lambda item: item[1])
