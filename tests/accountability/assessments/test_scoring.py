from decimal import Decimal as D

import pytest

from accountability.assessments.scoring import (
    Thresholds,
    awarded_score,
    deduction_score,
    grade,
    rank,
    total,
)


@pytest.mark.parametrize(("points", "awarded", "expected"), [
    (D("5"), D("3.5"), D("3.5")), (D("5"), None, D("0")), (D("5"), D("7"), D("5")), (D("5"), D("-1"), D("0")),
])
def test_awarded_points_are_partial_credit_within_the_leaf(points, awarded, expected):
    assert awarded_score(points, awarded) == expected


@pytest.mark.parametrize(("points", "per", "n", "cap", "expected"), [
    (D("8"), D("2"), 0, D("8"), D("8")),
    (D("8"), D("2"), 1, D("8"), D("6")),
    (D("8"), D("2"), 3, D("8"), D("2")),
    (D("8"), D("2"), 9, D("8"), D("0")),  # capped at the leaf's points
    (D("8"), D("2"), 9, D("5"), D("3")),  # capped at 5
    (D("6"), D("1.5"), 2, None, D("3")),
])
def test_deductions_per_occurrence_stop_at_the_cap(points, per, n, cap, expected):
    assert deduction_score(points, per, n, cap) == expected


@pytest.mark.parametrize(("score", "vetoed", "expected"), [
    (D("90"), False, "good"), (D("89.9"), False, "fairly_good"), (D("80"), False, "fairly_good"),
    (D("79.9"), False, "average"), (D("60"), False, "average"), (D("59.9"), False, "poor"),
    (D("100"), True, "poor"),
])
def test_default_grade_thresholds_and_veto(score, vetoed, expected):
    assert grade(score, vetoed=vetoed, thresholds=Thresholds()) == expected


def test_configured_thresholds_move_the_grades():
    strict = Thresholds(good=D("95"), fairly_good=D("85"), average=D("70"))

    assert grade(D("92"), vetoed=False, thresholds=strict) == "fairly_good"
    assert grade(D("65"), vetoed=False, thresholds=strict) == "poor"


def test_ties_share_a_rank_and_the_next_rank_is_skipped():
    assert rank([(D("95"), False), (D("88"), False), (D("88"), False), (D("70"), False)]) == [1, 2, 2, 4]


def test_a_vetoed_result_ranks_below_every_result_without_veto():
    assert rank([(D("99"), True), (D("61"), False), (D("75"), False)]) == [3, 2, 1]


def test_total_adds_the_leaves():
    assert total([D("3.5"), D("8"), D("0")]) == D("11.5")
