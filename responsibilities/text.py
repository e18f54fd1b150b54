"""How people and dates are written in Chinese text: one function for each, used by services,
documents and templates alike (the template filters only wrap these). No database access."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
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


# Words of the work systems' names (DOMAIN.md §4) and of names like them. A header set with
# `word-break: keep-all` breaks only where `word_breaks` puts a <wbr>, so 「党委报告制度」 wraps as
# 党委 / 报告 / 制度 and never as 「党委报 / 告制度」; characters outside these words stay together.
_WORDS = frozenset((
    "党委", "党组", "党内", "党建", "报告", "制度", "汇总", "汇报", "重大", "情况", "专题", "专项", "分析",
    "研判", "研究", "通报", "协调", "联动", "督查", "督导", "检查", "考核", "理论", "学习", "中心组", "联系",
    "沟通", "民主", "生活会", "组织", "述职", "责任书", "责任制", "责任", "意识形态", "网络", "工作", "会议",
    "宣传", "思想", "阵地", "管理", "舆情", "处置", "年度", "季度", "半年", "落实", "评议", "约谈", "问责",
    "培训", "调研", "巡查", "清单", "台账", "与", "和", "及",
))
_LONGEST_WORD = max(len(w) for w in _WORDS)


def word_breaks(name: str) -> str:
    """`name` escaped, with <wbr> between its words (longest known word first); a SafeString.

    For narrow table headers: the browser may break only at those points (the CSS sets
    `word-break: keep-all`). Unknown characters run together into one unbreakable word.
    """
    words: list[str] = []
    unknown = ""
    i = 0
    while i < len(name):
        match = next((name[i:i + n] for n in range(_LONGEST_WORD, 0, -1) if name[i:i + n] in _WORDS), "")
        if match:
            if unknown:
                words.append(unknown)
                unknown = ""
            words.append(match)
            i += len(match)
        else:
            unknown += name[i]
            i += 1
    if unknown:
        words.append(unknown)
    return mark_safe("<wbr>".join(escape(w) for w in words))  # noqa: S308 (each word escaped)


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
