"""How people and dates are written in Chinese text: one function for each, used by services,
documents and templates alike (the template filters only wrap these). No database access."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _


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


def due_phrase(due: datetime.date | None, today: datetime.date) -> str:
    """How far a deadline is from `today`: "已逾期 3 天", "今天到期", "还有 5 天"; "" for no deadline."""
    if due is None:
        return ""
    days = (due - today).days
    if days < 0:
        return _("已逾期 %(n)s 天") % {"n": -days}
    if days == 0:
        return _("今天到期")
    return _("还有 %(n)s 天") % {"n": days}
