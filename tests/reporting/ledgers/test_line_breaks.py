"""A line break typed in a duty item reaches the Excel ledger as a plain line break (issue #10 §14)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
from python_calamine import CalamineWorkbook

from reporting.ledgers.services import CellKind, Column, write_workbook

COLUMNS = (Column("组织", 20), Column("责任内容", 40, CellKind.WRAP))


def ledger(rows) -> bytes:
    buffer = io.BytesIO()
    write_workbook(buffer, sheet_name="责任清单", title="台账", columns=COLUMNS, rows=rows)
    return buffer.getvalue()


def test_line_breaks_are_written_as_plain_newlines_in_wrapped_cells():
    data = ledger([
        ["一镇\r\n党委", "每季度研判\r\n形成报告\r报送县委"],
        ["二镇党委", "第一行\n第二行"],
    ])

    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "_x000D_" not in sheet_xml
    ws = openpyxl.load_workbook(io.BytesIO(data))["责任清单"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2)] == [
        ["一镇\n党委", "每季度研判\n形成报告\n报送县委"],
        ["二镇党委", "第一行\n第二行"],
    ]
    # A column of short text still wraps a cell that holds a line break.
    assert ws["A2"].alignment.wrap_text is True
    assert ws["B2"].alignment.wrap_text is True
    assert ws["A3"].alignment.wrap_text is not True
    # Another reader (calamine, as pandas and many tools use) sees the same text.
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("责任清单").to_python()
    assert rows[1] == ["一镇\n党委", "每季度研判\n形成报告\n报送县委"]
