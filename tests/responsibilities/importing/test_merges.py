"""Merged cells (issue #10 §10/§11): a merge across columns is named in the problem list, and the
merges of an .ods file are read from its content.xml (calamine reports none for that format)."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook

from responsibilities.importing import services as importing_services
from responsibilities.importing import workbook as importing_workbook
from responsibilities.importing.ods import ods_merges
from responsibilities.models import Organization, RoleAssignment
from tests.factories import make_user
from tests.responsibilities.importing.test_import import (
    ORG_HEADERS,
    TEAM_HEADERS,
    as_upload,
    counts,
    messages_of,
)

ACROSS = "为合并单元格：合并后只有第一列有值，无法确定其余各列的内容；请取消合并，逐列填写后重新上传"


@pytest.fixture
def county_a_admin(tree):
    return make_user("county_a_admin", grants=[("administer", tree.county_a)])


def run_import(user, data: bytes, name: str = "导入.xlsx") -> importing_workbook.ImportOutcome:
    workbook = importing_workbook.upload_open(as_upload(data, name))
    return importing_services.workbook_import(workbook=workbook, actor=user)


def problems(outcome) -> list[tuple[str, str, str]]:
    return [(p.sheet, p.location, p.message) for p in outcome.problems]


# -- .ods files written by hand: the parts calamine and LibreOffice need ----------------------


def cell(value: object = None, *, across: int = 1, down: int = 1, repeat: int = 1) -> str:
    attrs = ""
    if across > 1:
        attrs += f' table:number-columns-spanned="{across}"'
    if down > 1:
        attrs += f' table:number-rows-spanned="{down}"'
    if repeat > 1:
        attrs += f' table:number-columns-repeated="{repeat}"'
    if value is None:
        return f"<table:table-cell{attrs}/>"
    if isinstance(value, int):
        return f'<table:table-cell office:value-type="float" office:value="{value}"{attrs}><text:p>{value}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"{attrs}><text:p>{escape(value)}</text:p></table:table-cell>'


def covered(n: int = 1) -> str:
    return f'<table:covered-table-cell table:number-columns-repeated="{n}"/>' if n > 1 else "<table:covered-table-cell/>"


def row(*cells: str, repeat: int = 1) -> str:
    attr = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attr}>{''.join(cells)}</table:table-row>"


def header(names: list[str]) -> str:
    return row(*(cell(name) for name in names))


def ods(tables: dict[str, list[str]]) -> bytes:
    body = "".join(
        f'<table:table table:name="{name}"><table:table-column table:number-columns-repeated="8"/>{"".join(rows)}</table:table>'
        for name, rows in tables.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


# -- a merge across columns is named ------------------------------------------------------------


def test_a_merge_across_columns_is_named_and_nothing_is_imported(tree, county_a_admin):
    wb = Workbook()
    ws = wb.active
    ws.title = "组织"
    ws.append(ORG_HEADERS)
    ws.append(["X市委/A县委/五镇党委", "五镇党委", "党委", 5])
    ws.append(["X市委/A县委/六镇党委", "党委", None, None])  # 简称 typed, then B3:D3 merged over 类型 and 排序
    ws.merge_cells("B3:D3")
    buffer = io.BytesIO()
    wb.save(buffer)
    before = counts()

    outcome = run_import(county_a_admin, buffer.getvalue())

    assert problems(outcome) == [("组织", "第3行 B列（简称）", f"B3:D3 {ACROSS}")]
    assert counts() == before


def test_an_ods_path_merged_over_three_rows_is_filled_into_each_row(tree, county_a_admin):
    path = "X市委/A县委/A县一镇党委"
    data = ods({"组织": [header(ORG_HEADERS)], "班子成员": [
        header(TEAM_HEADERS),
        row(cell("甲一"), cell(), cell(path, down=3), cell("班子成员"), cell("2026-01-01")),
        row(cell("乙二"), cell(), covered(), cell("联络员"), cell("2026-01-01")),
        row(cell("丙三"), cell(), covered(), cell("宣传委员"), cell("2026-01-01")),
    ]})

    outcome = run_import(county_a_admin, data, "班子.ods")

    assert outcome.ok, messages_of(outcome)
    assert sorted(
        RoleAssignment.objects.filter(organization=tree.town_a1).values_list("person__name", "role")
    ) == [("丙三", "publicity"), ("乙二", "liaison"), ("甲一", "member")]


def test_an_ods_merge_across_columns_is_named(tree, county_a_admin):
    data = ods({"组织": [
        header(ORG_HEADERS),
        row(cell("X市委/A县委/五镇党委"), cell("五镇党委"), cell("党委"), cell(5)),
        row(cell("X市委/A县委/六镇党委"), cell("党委", across=3), covered(2)),
    ]})

    outcome = run_import(county_a_admin, data, "组织.ods")

    assert problems(outcome) == [("组织", "第3行 B列（简称）", f"B3:D3 {ACROSS}")]
    assert not Organization.objects.filter(name__in=["五镇党委", "六镇党委"]).exists()


def test_ods_merges_count_repeated_rows_and_cells_without_expanding_them():
    data = ods({
        "说明": [row(cell("说明", across=2), covered())],  # another sheet's merge is not this one's
        "组织": [
            header(ORG_HEADERS),
            row(cell(), repeat=1_048_000),  # formatted empty rows, written once
            row(cell(repeat=2), cell("甲", across=2, down=2), covered()),
            row(cell(repeat=2), covered(2)),
        ],
    })

    assert ods_merges(data, "组织") == [((1_048_001, 2), (1_048_002, 3))]
    assert ods_merges(data, "说明") == [((0, 0), (0, 1))]
    assert ods_merges(data, "没有") == []
    assert ods_merges(b"not a zip", "组织") == []
