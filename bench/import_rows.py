"""Benchmark: an import sheet formatted down to Excel's last row with one real data row (issue #10 §12).

    python bench/import_rows.py [--rows 1048574] [--runs 3]

Builds a workbook whose 组织 sheet has the headers, one real row and then `--rows` rows that are
formatted (bold) but empty — what formatting whole rows in Excel or WPS produces (see `build`). Then times, warm (one untimed run, `--runs` timed, median), what
the import does with the upload before it touches the database: `upload_open` (size and type
checks, opening with calamine) and reading every row of the sheet (`_sheet_rows`). No database
is needed. Prints each figure, then one line of JSON: rows, file_bytes, open_and_read_s.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path


def build(rows: int) -> bytes:
    """The workbook: openpyxl writes the headers and the real row with a bold style; the empty rows
    are then added to the sheet's XML as Excel writes formatted rows (`<row r="N" s="1"
    customFormat="1"/>`), with a <dimension> claiming the whole range, and the file is deflated
    at level 9, which keeps it under the 5 MB upload limit like the user's file."""
    import zipfile

    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "组织"
    ws.append(["组织路径", "简称", "类型", "排序"])
    ws.append(["X市委/A县委/十二镇党委", "", "党委", 1])
    ws["A3"].font = Font(bold=True)  # registers the style the empty rows use
    source = io.BytesIO()
    wb.save(source)
    last = rows + 2
    output = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            member = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = member.decode()
                style = text.split('<c r="A3" s="', 1)[1].split('"', 1)[0]
                head, tail = text.split('<row r="3"', 1)
                tail = tail.split("</row>", 1)[1]
                empty = "".join(f'<row r="{n}" s="{style}" customFormat="1"/>' for n in range(3, last + 1))
                text = head + empty + tail
                text = text.replace('<dimension ref="A1:D3"/>', f'<dimension ref="A1:D{last}"/>')
                member = text.encode()
            dst.writestr(info.filename, member)
    return output.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_048_574)  # with the header and the real row: 1,048,576
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from responsibilities.importing.workbook import XLSX_CONTENT_TYPE, _sheet_rows, upload_open

    data = build(args.rows)
    print(f"workbook: {args.rows + 2} rows, {len(data)} bytes")

    def once() -> float:
        started = time.perf_counter()
        book = upload_open(SimpleUploadedFile("组织.xlsx", data, content_type=XLSX_CONTENT_TYPE))
        problems: list = []
        rows = list(_sheet_rows(book, "组织", problems))
        book.close()
        elapsed = time.perf_counter() - started
        assert [row.number for row in rows] == [2] and not problems, (rows, problems)
        return elapsed

    once()
    timings = [once() for _ in range(args.runs)]
    median = statistics.median(timings)
    print(f"open and read: median {median:.3f} s over {args.runs} runs ({', '.join(f'{t:.3f}' for t in timings)})")
    print(json.dumps({"rows": args.rows + 2, "file_bytes": len(data), "open_and_read_s": round(median, 3)}))


if __name__ == "__main__":
    main()
