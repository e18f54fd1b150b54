"""The comparison of two versions (版本比较), with a bound on the work one request may do.

difflib's SequenceMatcher is quadratic on unlucky input: two 5,000-character paragraphs of one
repeated character took 4.6 s, and a report of long paragraphs 32.6 s. So:

- lines are matched with `autojunk` (a line repeated in more than 1% of a long document, such as a
  blank line, does not anchor the matching);
- changed characters are marked only inside a pair of lines both at most PAIR_MAX_CHARS long, and
  only while the page's budget of character comparisons lasts (CHAR_BUDGET: a pair costs the number
  of equal-character pairs between its two lines, Σ count_a(c) × count_b(c), what the matcher's inner
  loop visits; small for prose, len(a) × len(b) for one repeated character); past either, the pair
  is shown replaced as a whole;
- versions with more than MAX_TOTAL_TEXT characters together, or more than MAX_LINES lines, are
  compared paragraph by paragraph (whole paragraphs, no changed characters), with a notice.
"""

from __future__ import annotations

import difflib
import itertools
from collections import Counter
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

MAX_TOTAL_TEXT = 100_000  # characters of both versions together compared line by line
MAX_LINES = 2_000  # lines of either version compared line by line
PAIR_MAX_CHARS = 2_000  # a changed line longer than this on either side is shown replaced whole
CHAR_BUDGET = 50_000  # equal-character pairs compared for one page (see above)
MAX_PIECES = 40  # a pair of lines changed in more places than this is shown replaced whole
CONTEXT = 3  # unchanged lines shown around a change


def _html(segments: tuple[tuple[bool, str], ...], tag: str) -> str:
    # Built here rather than in a template loop: a long comparison has thousands of segments.
    return mark_safe("".join(f"<{tag}>{escape(text)}</{tag}>" if changed else escape(text)  # noqa: S308
                             for changed, text in segments))


@dataclass(frozen=True)
class DiffRow:
    kind: str  # equal / replace / delete / insert / gap
    left_no: int | None = None
    left: tuple[tuple[bool, str], ...] = ()  # (changed, text) segments
    right_no: int | None = None
    right: tuple[tuple[bool, str], ...] = ()

    def left_html(self) -> str:
        """The old text, escaped, with <del> around what changed."""
        return _html(self.left, "del")

    def right_html(self) -> str:
        """The new text, escaped, with <ins> around what changed."""
        return _html(self.right, "ins")


@dataclass
class Comparison:
    rows: list[DiffRow]
    by_paragraph: bool = False  # too long to compare line by line: whole paragraphs compared
    whole: int = 0  # changed lines shown replaced whole because they were too long to mark
    notices: list[str] = field(default_factory=list)


class _Budget:
    def __init__(self, cells: int) -> None:
        self.cells = cells
        self.skipped = 0

    def take(self, a: str, b: str) -> bool:
        if len(a) > PAIR_MAX_CHARS or len(b) > PAIR_MAX_CHARS or self.cells <= 0:
            self.skipped += 1
            return False
        counts = Counter(b)
        cost = sum(counts[ch] for ch in a)
        if cost > self.cells:
            self.skipped += 1
            return False
        self.cells -= cost
        return True

    def scattered(self) -> None:
        self.skipped += 1


def _whole(a: str, b: str) -> tuple[tuple, tuple]:
    return ((True, a),), ((True, b),)


def segments(a: str, b: str, budget: _Budget | None = None) -> tuple[tuple, tuple]:
    """The changed characters of a pair of lines: (left, right) as (changed, text) segments."""
    if budget is not None and budget.cells <= 0:  # spent: nothing more is compared
        budget.skipped += 1
        return _whole(a, b)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    # quick_ratio bounds ratio from above in linear time: a rewritten line costs no budget.
    if matcher.quick_ratio() < 0.5 or (budget is not None and not budget.take(a, b)):
        return _whole(a, b)
    if matcher.ratio() < 0.5:  # mostly rewritten: scattered shared characters would only confuse
        return _whole(a, b)
    opcodes = matcher.get_opcodes()
    if len(opcodes) > 2 * MAX_PIECES:  # changed in too many places to read
        if budget is not None:
            budget.scattered()
        return _whole(a, b)
    left, right = [], []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            left.append((False, a[i1:i2]))
            right.append((False, b[j1:j2]))
        else:
            if i2 > i1:
                left.append((True, a[i1:i2]))
            if j2 > j1:
                right.append((True, b[j1:j2]))
    return tuple(left), tuple(right)


def diff_rows(old: list[str], new: list[str], context: int = CONTEXT, *, chars: bool = True,
              budget: _Budget | None = None) -> list[DiffRow]:
    """Side by side, changed lines with `context` lines around them; changed characters marked when
    `chars` (and the budget allows)."""
    budget = budget or _Budget(CHAR_BUDGET)
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=True)
    for group_index, group in enumerate(matcher.get_grouped_opcodes(context)):
        if group_index:
            rows.append(DiffRow("gap"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [DiffRow("equal", i + 1, ((False, old[i]),), j + 1, ((False, new[j]),))
                         for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
                continue
            for i, j in itertools.zip_longest(range(i1, i2), range(j1, j2)):
                if i is not None and j is not None:
                    left, right = segments(old[i], new[j], budget) if chars else _whole(old[i], new[j])
                    rows.append(DiffRow("replace", i + 1, left, j + 1, right))
                elif i is not None:
                    rows.append(DiffRow("delete", i + 1, ((True, old[i]),)))
                else:
                    rows.append(DiffRow("insert", right_no=j + 1, right=((True, new[j]),)))
    return rows


def compare(old: list[str], new: list[str]) -> Comparison:
    """Compare two versions given as paragraphs (a paragraph may hold several lines)."""
    total = sum(map(len, old)) + sum(map(len, new))
    old_lines = [line for paragraph in old for line in paragraph.split("\n")]
    new_lines = [line for paragraph in new for line in paragraph.split("\n")]
    if total > MAX_TOTAL_TEXT or max(len(old_lines), len(new_lines)) > MAX_LINES:
        notice = _(
            "两个版本的文字较多（共 %(n)s 字、%(lines)s 行；逐字比较最多 %(max)s 字、每版 %(max_lines)s 行），"
            "以下按整段比较：有改动的段落整段显示，不标出段内改动的文字。"
        ) % {"n": total, "lines": max(len(old_lines), len(new_lines)), "max": MAX_TOTAL_TEXT,
             "max_lines": MAX_LINES}
        return Comparison(diff_rows(old, new, chars=False), by_paragraph=True, notices=[notice])
    budget = _Budget(CHAR_BUDGET)
    rows = diff_rows(old_lines, new_lines, budget=budget)
    notices = []
    if budget.skipped:
        notices.append(_(
            "有 %(n)s 行改动较多或过长（超过 %(max)s 字），整行显示为替换，不标出行内改动的文字。"
        ) % {"n": budget.skipped, "max": PAIR_MAX_CHARS})
    return Comparison(rows, whole=budget.skipped, notices=notices)
