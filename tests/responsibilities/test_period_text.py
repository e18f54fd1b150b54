"""Periods as people type and read them: 2026年上半年, never 2026H1 (issue #9 §4)."""

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from responsibilities.periods import MAX_YEAR, MIN_YEAR, Period, PeriodKind, period_label

PER_YEAR = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.HALF: 2, PeriodKind.YEAR: 1}


@st.composite
def periods(draw) -> Period:
    kind = draw(st.sampled_from(list(PeriodKind)))
    return Period(draw(st.integers(MIN_YEAR, MAX_YEAR)), kind, draw(st.integers(1, PER_YEAR[kind])))


CHINESE_DIGITS = str.maketrans("0123456789", "〇一二三四五六七八九")


@given(periods())
def test_every_chinese_label_reads_back_as_its_period(period):
    with translation.override("zh-hans"):
        label = period.label
    assert Period.from_text(label) == period


@given(periods())
def test_every_english_label_reads_back_as_its_period(period):
    with translation.override("en"):
        label = period.label
    assert Period.from_text(label) == period


@given(periods())
def test_every_code_reads_back_as_its_period(period):
    assert Period.from_text(period.code) == period
    assert Period.from_text(period.code.lower()) == period


@given(periods())
def test_a_label_with_the_year_in_chinese_numerals_reads_back(period):
    with translation.override("zh-hans"):
        label = period.label
    year = str(period.year)
    assert Period.from_text(label.replace(year, year.translate(CHINESE_DIGITS), 1)) == period


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("2026年上半年", "2026H1"),
        ("2026上半年", "2026H1"),
        ("2026 年 下半年", "2026H2"),
        ("二〇二六年第三季度", "2026Q3"),
        ("二零二六年第三季度", "2026Q3"),
        ("2026年三季度", "2026Q3"),
        ("2026年第4季度", "2026Q4"),
        ("2026年7月", "2026-07"),
        ("2026年07月", "2026-07"),
        ("2026年十二月", "2026-12"),
        ("2026-07", "2026-07"),
        ("2026-7", "2026-07"),
        ("2026/7", "2026-07"),
        ("２０２６年上半年", "2026H1"),
        ("2026年度", "2026"),
        ("2026年", "2026"),
        ("2026", "2026"),
        ("2026h1", "2026H1"),
    ],
)
def test_typed_text_is_understood(typed, code):
    assert Period.from_text(typed).code == code


@pytest.mark.parametrize("typed", ["", "上半年", "2026年第五季度", "2026年13月", "2026年中", "26H1", "abc"])
def test_text_that_names_no_period_is_refused_in_chinese(typed):
    with translation.override("zh-hans"), pytest.raises(ValueError, match="无法识别的期间"):
        Period.from_text(typed)


def test_a_stored_code_is_shown_as_its_chinese_label():
    with translation.override("zh-hans"):
        assert [period_label(c) for c in ("2026H1", "2026Q2", "2026-07", "2026", "")] == [
            "2026年上半年", "2026年第二季度", "2026年7月", "2026年度", ""]
