"""Scoring, grading and ranking as pure functions (no database): the rules tests can read as a table.

Points are Decimals with one decimal place. A leaf is scored one of three ways (accountability
Indicator.Method): points awarded (partial credit, 0..points), deductions per occurrence up to a cap
(points − min(occurrences × per_occurrence, cap)), or one-vote veto (一票否决, 002 篇六: carries no points;
when found, the assessment fails whatever the score).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
TENTH = Decimal("0.1")


def _q(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def awarded_score(points: Decimal, awarded: Decimal | None) -> Decimal:
    """Points awarded, clamped to 0..points; None (not scored) counts as 0."""
    if awarded is None:
        return ZERO
    return _q(min(max(awarded, ZERO), points))


def deduction_score(points: Decimal, per_occurrence: Decimal, occurrences: int, cap: Decimal | None) -> Decimal:
    """points − min(occurrences × per_occurrence, cap); the cap defaults to the leaf's points."""
    limit = points if cap is None else min(cap, points)
    return _q(points - min(per_occurrence * max(occurrences, 0), limit))


@dataclass(frozen=True)
class Thresholds:
    """Lowest total of each grade; below `average` the grade is 差. Defaults 90 / 80 / 60."""

    good: Decimal = Decimal("90")
    fairly_good: Decimal = Decimal("80")
    average: Decimal = Decimal("60")


def grade(total: Decimal, *, vetoed: bool, thresholds: Thresholds) -> str:
    """"good" (好) / "fairly_good" (较好) / "average" (一般) / "poor" (差); a veto is always "poor"."""
    if vetoed:
        return "poor"
    if total >= thresholds.good:
        return "good"
    if total >= thresholds.fairly_good:
        return "fairly_good"
    if total >= thresholds.average:
        return "average"
    return "poor"


def rank(results: Sequence[tuple[Decimal, bool]]) -> list[int]:
    """Competition ranks (1, 2, 2, 4) for (total, vetoed) pairs, in the input order.

    A vetoed result ranks below every result that was not vetoed; equal totals share a rank."""
    keys = [(not vetoed, total) for total, vetoed in results]
    return [1 + sum(1 for other in keys if other > key) for key in keys]


def total(leaf_scores: Iterable[Decimal]) -> Decimal:
    return _q(sum(leaf_scores, ZERO))
