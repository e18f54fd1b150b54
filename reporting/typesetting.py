"""Line breaking that the PDF renderer decides itself rather than leaving to WeasyPrint (GB/T 9704-2012).

WeasyPrint breaks CJK text between any two characters; a 公文 title must break only between words and
be balanced (7.3.1), and a 发文字号 never breaks (7.2.4). Widths are counted in ems of the line's font
size: a CJK character or full-width form is 1 em, an ASCII digit or letter about half of one.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass

# The title is 2号 (22 pt) on the 156 mm (442.2 pt) text block: 20.1 em; keep a hair of air.
TITLE_LINE_EM = 20.0
# The header line of an upward document: 28 characters of the grid, the number and the 签发人 each
# indented one character from their side of the block.
HEADER_LINE_EM = 28.0
HEADER_INDENT_EM = 1.0
SIGNER_GAP_EM = 1.0  # at least one character of air between number and 签发人
SIGNER_LABEL = "签发人："
MAX_BALANCED_LINES = 4  # a longer "title" is filled line by line (the search below grows with the lines)
SIGNERS_PER_LINE = 2  # 7.2.4: 一般每行排两个姓名

# A number and the unit that follows it form one word: 2026年, 12号, 3月, 第2季度.
# A period as the titles name it is one word: 2026年上半年, 2026年第三季度, 2026年度, 2026年1月.
PERIOD = re.compile(r"\d{4}年(?:度|上半年|下半年|第?[一二三四1-4]季度|\d{1,2}月(?:份)?)?")
NUMBER_UNIT = re.compile(r"\d+(?:\.\d+)?[年月日号季度期次届个项条]?")
# Tokens that must not end a line (a title line never ends in 关于 or 的-less halves of a structure)
# and tokens that must not start one.
NO_LINE_END = {"关于", "对", "和", "与", "及", "等"}
NO_LINE_START = {"的", "、", "，", "。", "）", "》", "”"}
# The genres of 公文 (GB/T 9704 / 《党政机关公文处理工作条例》 第八条 and the party's reporting forms).
GENRES = (
    "报告", "请示", "通知", "通报", "意见", "决定", "批复", "函", "纪要", "方案", "计划", "总结",
    "决议", "公告", "通告", "命令", "议案", "公报", "规定", "办法", "细则", "要点", "清单",
)

_lock = threading.Lock()
_jieba = None


def _segmenter():
    """jieba's default tokenizer, its dictionary loaded once per process on first use (about 0.5 s)."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for word in ("意识形态", "责任制", "上半年", "下半年", "党支部", "党委", "县委", "市委"):
                    tokenizer.add_word(word)
                _jieba = tokenizer
    return _jieba


def em_width(text: str) -> float:
    """The width of `text` in ems: full-width (CJK, full-width forms) 1, half-width ASCII about 0.5
    (capitals 0.65, a space 0.3)."""
    width = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            width += 1
        elif ch == " ":
            width += 0.3
        elif ch.isupper():
            width += 0.65
        else:
            width += 0.5
    return width


def words(text: str) -> list[str]:
    """`text` cut into the pieces a line may break between: jieba's words, with a period (2026年上半年,
    2026年第三季度, 2026年度), a number and its unit (2026年, 12号) and a run of ASCII kept whole."""
    pieces: list[str] = []
    position = 0
    for match in PERIOD.finditer(text):
        pieces += _segment(text[position:match.start()])
        pieces.append(match.group())
        position = match.end()
    return pieces + _segment(text[position:])


def _segment(text: str) -> list[str]:
    pieces: list[str] = []
    for token in _segmenter().lcut(text, HMM=True) if text else ():
        if pieces and _joins(pieces[-1], token):
            pieces[-1] += token
        else:
            pieces.append(token)
    return pieces


def _joins(previous: str, token: str) -> bool:
    if previous[-1].isascii() and previous[-1].isalnum() and token[0].isascii() and token[0].isalnum():
        return True
    if previous[-1].isdigit() and NUMBER_UNIT.fullmatch(previous + token[:1]) and len(token) == 1:
        return True  # 2026 + 年
    return token in NO_LINE_START and token != "的"


@dataclass(frozen=True)
class _Cut:
    lines: tuple[str, ...]
    cost: float


def _break_cost(left: str, right: str, text_before: str) -> float:
    """What breaking between the words `left` and `right` costs: structural breaks of a 公文 title
    (organ / 关于 matter, matter / 的 genre) are cheap, a line ending in 关于 or starting with 的 dear."""
    if left in NO_LINE_END or right in NO_LINE_START:
        return 40.0
    if right == "关于" or right.startswith("关于"):
        return 0.0  # organ / 关于…
    if "关于" not in text_before and right not in GENRES:
        return 8.0  # inside the organ's name
    if right in GENRES:
        return 30.0  # the genre alone on a line
    return 1.0


def title_lines(title: str, max_em: float = TITLE_LINE_EM) -> list[str]:
    """A title cut into lines (GB/T 9704-2012 7.3.1: 回行时词意完整、排列对称、长短适宜，梯形或菱形):
    the fewest lines of at most `max_em` ems, broken only between words, then the most balanced cut with
    no line much longer than the one below it (no top-heavy split). One line when it fits."""
    title = " ".join(title.split())
    if em_width(title) <= max_em or not title:
        return [title] if title else []
    pieces = words(title)
    widths = [em_width(p) for p in pieces]
    if max(widths) > max_em:  # a single "word" wider than a line: fall back to characters
        pieces, widths = list(title), [em_width(ch) for ch in title]
    n_min = max(2, int(-(-sum(widths) // max_em)))
    if n_min > MAX_BALANCED_LINES:  # not a title any more: fill the lines, still between words
        return _filled(pieces, widths, max_em)
    for n_lines in range(n_min, n_min + 3):
        best = _best_cut(pieces, widths, n_lines, max_em)
        if best is not None:
            return list(best.lines)
    return [title]


def _filled(pieces: list[str], widths: list[float], max_em: float) -> list[str]:
    lines, line, width = [], "", 0.0
    for piece, piece_width in zip(pieces, widths, strict=True):
        if line and width + piece_width > max_em:
            lines.append(line)
            line, width = "", 0.0
        line, width = line + piece, width + piece_width
    return lines + [line] if line else lines


def _best_cut(pieces: list[str], widths: list[float], n_lines: int, max_em: float) -> _Cut | None:
    total = sum(widths)
    mean = total / n_lines
    best: _Cut | None = None

    def search(start: int, lines: list[tuple[str, float]], cost: float) -> None:
        nonlocal best
        if best is not None and cost >= best.cost:
            return
        if len(lines) == n_lines - 1:
            text = "".join(pieces[start:])
            width = sum(widths[start:])
            if width > max_em or not text:
                return
            done = lines + [(text, width)]
            total_cost = cost + (width - mean) ** 2 + _shape_cost([w for _, w in done])
            if best is None or total_cost < best.cost:
                best = _Cut(tuple(t for t, _ in done), total_cost)
            return
        width = 0.0
        for end in range(start + 1, len(pieces)):
            width += widths[end - 1]
            if width > max_em:
                break
            before = "".join(pieces[:end])
            step = (width - mean) ** 2 + _break_cost(pieces[end - 1], pieces[end], before)
            search(end, lines + [("".join(pieces[start:end]), width)], cost + step)

    search(0, [], 0.0)
    return best


def _shape_cost(widths: list[float]) -> float:
    """梯形 (each line at most as long as the next, give or take 1 em) or 菱形 (the middle longest):
    anything else, a line much longer than the one below it, is top-heavy."""
    if len(widths) == 3 and widths[1] >= max(widths[0], widths[2]) - 0.5:
        return 0.0  # 菱形
    cost = 0.0
    for upper, lower in zip(widths, widths[1:], strict=False):
        if upper > lower + 1.5:
            cost += 25.0 + (upper - lower) ** 2
    return cost


# --- the header line of an upward document ---------------------------------------------------


def signer_names(signer: str) -> list[str]:
    """The 签发人 of a document: one name, or several separated by 、, ， or spaces."""
    return [name for name in re.split(r"[、，,\s]+", signer.strip()) if name]


def signer_rows(names: list[str]) -> list[str]:
    """The 签发人 names laid out two to a line (7.2.4), separated by one full-width space."""
    return ["\u3000".join(names[i:i + SIGNERS_PER_LINE]) for i in range(0, len(names), SIGNERS_PER_LINE)]


def number_shares_line_with_signer(number: str, names: list[str]) -> bool:
    """Whether the 发文字号 and the (first line of the) 签发人 fit side by side on the 28-character line:
    number one character in from the left, 签发人 one character in from the right, at least one
    character between them. When not, the 签发人 goes to a line of its own above the number."""
    if not names:
        return True
    rows = signer_rows(names)
    signer_width = em_width(SIGNER_LABEL) + max(em_width(row) for row in rows)
    return em_width(number) + signer_width + 2 * HEADER_INDENT_EM + SIGNER_GAP_EM <= HEADER_LINE_EM


def signer_block_em(names: list[str]) -> float:
    """The width of the 签发人 block in ems: the label and the widest line of names, so that every line
    of names starts under the first name of the line above (7.2.4)."""
    return em_width(SIGNER_LABEL) + max((em_width(row) for row in signer_rows(names)), default=0)


def signer_lines(number: str, names: list[str]) -> tuple[list[str], str]:
    """The 签发人 laid out on the header lines of an upward document (GB/T 9704-2012 7.2.4):
    (the rows set on lines of their own above the number, the row that shares the number's line).
    The number shares its line with the last row of names; when the two do not fit side by side, every
    row goes above and the number stands alone: (["欧阳春晓"], "")."""
    rows = signer_rows(names)
    if not rows:
        return [], ""
    if number_shares_line_with_signer(number, names):
        return rows[:-1], rows[-1]
    return rows, ""
