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


# -- the form field: picked from two selects, or typed --------------------------------------------

class PeriodForm:
    @staticmethod
    def make(data, **field):
        from django import forms

        from responsibilities.forms import PeriodField

        class Form(forms.Form):
            period = PeriodField(label="期间", **field)

        return Form(data)


@pytest.mark.parametrize(("data", "code"), [
    ({"period_year": "2026", "period_part": "H1"}, "2026H1"),
    ({"period_year": "2026", "period_part": "Q3"}, "2026Q3"),
    ({"period_year": "2026", "period_part": "-07"}, "2026-07"),
    ({"period_year": "2026", "period_part": ""}, "2026"),
    ({"period": "2026年上半年"}, "2026H1"),
    ({"period": "二〇二六年第三季度"}, "2026Q3"),
    ({"period": "2026H2"}, "2026H2"),  # links and bookmarks carry the code
    ({"period": "2025H1", "period_year": "2026", "period_part": "H2"}, "2026H2"),  # what was picked wins
])
def test_a_period_is_picked_or_typed(data, code):
    form = PeriodForm.make(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["period"].code == code


def test_a_period_of_a_kind_the_field_does_not_take_is_refused_in_chinese():
    with translation.override("zh-hans"):
        form = PeriodForm.make({"period": "2026年7月"}, kinds=(PeriodKind.HALF, PeriodKind.YEAR))
        assert not form.is_valid()
        assert form.errors["period"] == ["此处的期间应为半年或年度，如 2026年上半年。"]
        typed = PeriodForm.make({"period": "明年"})
        assert not typed.is_valid()
        assert typed.errors["period"][0].startswith("无法识别的期间“明年”。")


def test_the_field_renders_a_year_select_and_a_period_select_in_words():
    with translation.override("zh-hans"):
        html = str(PeriodForm.make({"period": "2026Q3"}, kinds=(PeriodKind.QUARTER, PeriodKind.HALF))["period"])
    assert 'name="period_year"' in html and 'name="period_part"' in html
    assert '<option value="2026" selected>2026年</option>' in html
    assert '<option value="Q3" selected>第三季度</option>' in html and ">上半年</option>" in html
    assert "2026Q3" not in html and ">全年<" not in html
