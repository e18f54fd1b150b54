"""Merged cells of an OpenDocument sheet (.ods), which calamine does not report for that format.

A merged range is a `table:table-cell` with `table:number-columns-spanned` and/or
`table:number-rows-spanned` greater than 1 (the cells it covers are `table:covered-table-cell`s).
content.xml is streamed (a sheet formatted to its last row repeats rows rather than writing them),
and rows and cells repeated by `number-rows-repeated` / `number-columns-repeated` are counted, not
expanded. The stdlib parser is used: its expat (≥ 2.4.1) refuses entity expansion attacks, and
ElementTree never fetches external entities.
"""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TABLE, _ROW, _CELL, _COVERED = (f"{{{TABLE}}}{name}" for name in ("table", "table-row", "table-cell",
                                                                     "covered-table-cell"))
_NAME = f"{{{TABLE}}}name"

Merge = tuple[tuple[int, int], tuple[int, int]]  # ((top, left), (bottom, right)), 0-based, as calamine gives


def _count(element: ElementTree.Element, attribute: str) -> int:
    try:
        return max(1, int(element.get(f"{{{TABLE}}}{attribute}", "1")))
    except ValueError:
        return 1


def ods_merges(data: bytes, sheet: str) -> list[Merge]:
    """The merged ranges of the sheet named `sheet` in the .ods file `data` (empty for another format)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return []
    with archive:
        if "content.xml" not in archive.namelist():
            return []
        merges: list[Merge] = []
        depth = 0  # tables open inside the wanted one (a sheet's cells may hold sub-tables)
        inside = False
        row = col = 0
        with archive.open("content.xml") as content:
            # S314: expat ≥ 2.4.1 limits entity amplification and no external entity is fetched.
            for event, element in ElementTree.iterparse(content, events=("start", "end")):  # noqa: S314
                tag = element.tag
                if tag == _TABLE:
                    if event == "start" and not inside and element.get(_NAME) == sheet:
                        inside = True
                    elif inside and event == "start":
                        depth += 1
                    elif inside and event == "end":
                        if depth == 0:
                            return merges
                        depth -= 1
                    continue
                if not inside or depth:
                    if event == "end" and not inside:
                        element.clear()
                    continue
                if tag == _ROW:
                    if event == "start":
                        col = 0
                    else:
                        row += _count(element, "number-rows-repeated")
                        element.clear()
                elif tag in (_CELL, _COVERED) and event == "start":
                    across = _count(element, "number-columns-spanned")
                    down = _count(element, "number-rows-spanned")
                    if tag == _CELL and (across > 1 or down > 1):
                        merges.append(((row, col), (row + down - 1, col + across - 1)))
                    col += _count(element, "number-columns-repeated")
        return merges
