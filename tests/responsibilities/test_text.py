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
