"""How people and dates are written in Chinese text: one function for each, used by services,
documents and templates alike (the template filters only wrap these). No database access."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def display_name(user) -> str:
    """A user's name the Chinese way, family name first (王晓燕, not 晓燕 王); the username otherwise;
    "" for no user."""
    if user is None:
        return ""
    name = f"{user.last_name}{user.first_name}".strip()
    return name or user.username


def chinese_date(day: datetime.date | None) -> str:
    """A day as Chinese text, 2026年9月30日: Arabic numerals without zero padding (GB/T 9704-2012
    7.3.5, the form documents and notices use); "" for no day. Always Chinese, whatever the UI
    language: pages format dates through the translated `date` filter format instead."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def date_range(start: datetime.date, end: datetime.date | None) -> str:
    """A term of office or a window in messages: "2025-01-01 至 2026-05-31", or "2025-01-01 起至今"
    when it has no end (translated with the interface, like the messages that quote it)."""
    if end is None:
        return _("%(start)s 起至今") % {"start": f"{start:%Y-%m-%d}"}
    return _("%(start)s 至 %(end)s") % {"start": f"{start:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}"}


@dataclass(frozen=True)
class Due:
    """How near an open task's deadline is, in words: `text` (已逾期 3 天 / 今天到期 / 还有 5 天) and
    `state` ("late", "today", "ahead"; "" without a deadline) for the page's styling."""

    text: str
    state: str
    days: int = 0  # days past (late) or left (ahead)

    def __str__(self) -> str:
        return self.text


def due_phrase(due: datetime.date | None, today: datetime.date | None = None) -> Due:
    """The one way a deadline of an open task is put in words, on every page: 已逾期 N 天 (the day
    after the deadline is 1 day late), 今天到期, 还有 N 天; empty for no deadline. `today` defaults
    to today in Beijing (`timezone.localdate()`)."""
    if due is None:
        return Due("", "")
    today = today or timezone.localdate()
    days = (due - today).days
    if days < 0:
        return Due(ngettext("已逾期 %(n)s 天", "已逾期 %(n)s 天", -days) % {"n": -days}, "late", -days)
    if days == 0:
        return Due(_("今天到期"), "today")
    return Due(ngettext("还有 %(n)s 天", "还有 %(n)s 天", days) % {"n": days}, "ahead", days)
