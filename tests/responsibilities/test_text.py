"""Chinese text for people and dates (responsibilities.text): one function each, used everywhere."""

from __future__ import annotations

import datetime

import pytest

from responsibilities.text import chinese_date


@pytest.mark.parametrize(("day", "text"), [
    (datetime.date(2026, 9, 30), "2026年9月30日"),
    (datetime.date(2026, 1, 5), "2026年1月5日"),
    (datetime.date(2026, 12, 31), "2026年12月31日"),
])
def test_a_day_is_written_in_chinese_without_zero_padding(day, text):
    assert chinese_date(day) == text


def test_no_day_is_written_as_nothing():
    assert chinese_date(None) == ""


@pytest.mark.parametrize(("due", "text", "state"), [
    (datetime.date(2026, 6, 27), "已逾期 3 天", "late"),
    (datetime.date(2026, 6, 29), "已逾期 1 天", "late"),
    (datetime.date(2026, 6, 30), "今天到期", "today"),
    (datetime.date(2026, 7, 1), "还有 1 天", "ahead"),
    (datetime.date(2026, 7, 10), "还有 10 天", "ahead"),
    (None, "", ""),
])
def test_a_deadline_is_put_in_words(due, text, state):
    from responsibilities.text import due_phrase

    phrase = due_phrase(due, datetime.date(2026, 6, 30))
    assert (str(phrase), phrase.state) == (text, state)


def test_a_deadline_in_words_defaults_to_today_in_beijing(time_machine):
    from responsibilities.text import due_phrase

    time_machine.move_to(datetime.datetime(2026, 6, 29, 16, 30, tzinfo=datetime.UTC), tick=False)  # 00:30 on 6-30
    assert str(due_phrase(datetime.date(2026, 6, 30))) == "今天到期"
