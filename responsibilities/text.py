"""How people and dates are written in Chinese text: one function for each, used by services,
documents and templates alike (the template filters only wrap these). No database access."""

from __future__ import annotations

import datetime


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
