"""Reading the dates of a State Council holiday notice (国务院办公厅关于某年部分节假日安排的通知) as an
administrator types or pastes them: no database access.

Each line may start with the holiday's name and a colon, then dates separated by 、，; or spaces, each a
day or a range: 「元旦：1月1日」「春节：2月15日至23日」「2月14日（周六）、2月28日（周六）」
「2027-01-01」「2027年10月1日至10月7日」「1.1-1.3」. Weekdays in brackets and the notice's words
(放假、调休、上班、共N天) are skipped; full-width digits are read. Anything else is refused with the line
and the text it could not read.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LONGEST_RANGE = 15  # days in one range: the longest holiday (春节, 国庆) is 8 or 9 days; more is a typo

_SEP = r"(?:年|-|/|\.)"
_START = rf"(?:(?P<y1>\d{{4}}){_SEP})?(?P<m1>\d{{1,2}})(?:月|-|/|\.)(?P<d1>\d{{1,2}})(?:日|号)?"
_END = rf"(?:(?:(?P<y2>\d{{4}}){_SEP})?(?P<m2>\d{{1,2}})(?:月|-|/|\.))?(?P<d2>\d{{1,2}})(?:日|号)?"
_RANGE_RE = re.compile(rf"^{_START}(?:(?:至|到|~|—|–|-)(?:{_END}))?$")
_NAME_RE = re.compile(r"^(?P<name>[^\d:]{1,20}?):")
_NOISE_RE = re.compile(r"\([^)]*\)|放假调休|放假|调休|上班|休息|共\d+天|均")
_ITEM_SPLIT_RE = re.compile(r"[、,;。\s]+")


def parse_days(text: str, year: int) -> dict[datetime.date, str]:
    """The days `text` lists, date → holiday name ("" when the line names none), all in `year`.

    Raises ValidationError with one Chinese message per line it cannot read: text that is no date,
    a date that does not exist (2月30日), a date outside `year`, a range that ends before it starts or
    runs over LONGEST_RANGE days.
    """
    days: dict[datetime.date, str] = {}
    errors: list[str] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = unicodedata.normalize("NFKC", raw).strip()
        if not line:
            continue
        name = ""
        if match := _NAME_RE.match(line):
            name = re.sub(r"^[一二三四五六七八九十]+、", "", match["name"]).strip()[:50]
            line = line[match.end():]
        seen_date = False
        for item in _ITEM_SPLIT_RE.split(_NOISE_RE.sub(" ", line)):
            if not item:
                continue
            if not seen_date and not name and not re.search(r"\d", item):
                name = item[:50]  # 「春节 2月15日至23日」: the name without a colon
                continue
            seen_date = True
            try:
                for day in _item_days(item, year):
                    days[day] = name
            except ValueError as exc:
                errors.append(_("第 %(n)s 行：%(error)s") % {"n": number, "error": exc})
    if errors:
        raise ValidationError(errors)
    return days


def _item_days(item: str, year: int) -> list[datetime.date]:
    match = _RANGE_RE.match(item)
    if not match:
        raise ValueError(_("无法识别“%(text)s”（示例：1月1日、2月15日至23日、2027-01-01）") % {"text": item})
    start = _date(match["y1"], match["m1"], match["d1"], year, item)
    if match["d2"] is None:
        end = start
    else:
        end = _date(match["y2"] or match["y1"], match["m2"] or match["m1"], match["d2"], year, item)
    if end < start:
        raise ValueError(_("“%(text)s”的结束日期早于开始日期") % {"text": item})
    if (end - start).days >= LONGEST_RANGE:
        raise ValueError(_("“%(text)s”超过 %(n)s 天，请检查日期") % {"text": item, "n": LONGEST_RANGE})
    return [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]


def _date(y: str | None, m: str, d: str, year: int, item: str) -> datetime.date:
    try:
        day = datetime.date(int(y) if y else year, int(m), int(d))
    except ValueError:
        raise ValueError(_("“%(text)s”不是有效日期") % {"text": item}) from None
    if day.year != year:
        raise ValueError(_("%(date)s 不在 %(year)s 年内") % {"date": f"{day:%Y-%m-%d}", "year": year})
    return day
