"""The import meets files as users' rosters make them (issue #10 §8–§12): invisible characters,
dates typed as text, merged cells, encrypted workbooks, .xls and .ods files, sheets formatted far
below their data."""

from __future__ import annotations

import datetime
import importlib.util
import io
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook

from responsibilities.importing import workbook as importing_workbook
from responsibilities.models import DutyItem, Organization, Person, RoleAssignment
from tests.factories import make_user
from tests.responsibilities.importing.test_import import (
    ORG_HEADERS,
    TEAM_HEADERS,
    as_upload,
    make_xlsx,
    messages_of,
    run_import,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "importing"
BENCH = Path(__file__).resolve().parents[3] / "bench" / "import_rows.py"
D = datetime.date


@pytest.fixture
def county_a_admin(tree):
    return make_user("county_a_admin", grants=[("administer", tree.county_a)])


def save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# -- §8 invisible characters -----------------------------------------------------------


def test_a_full_width_space_aligning_a_name_is_the_same_person(tree, county_a_admin):
    team = [
        ("王明", "", "X市委/A县委/A县一镇党委", "班子成员", "2026-01-01", None, "宣传"),
        ("王\u3000明", "", "X市委/A县委/A县一镇党委", "领导小组成员", "2026-01-01", None, ""),
        ("\u00a0王明\u200b", "", "X市委/A县委/A县一镇党委", "联络员", "2026-01-01", None, ""),
    ]

    outcome = run_import(county_a_admin, make_xlsx(team=team))

    assert outcome.ok, messages_of(outcome)
    assert list(Person.objects.filter(name__contains="明").values_list("name", flat=True)) == ["王明"]
    assert RoleAssignment.objects.filter(person__name="王明").count() == 3


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\ufeff组织路径", "组织路径"),
        ("组织\u200b路径\u2060", "组织路径"),
        ("\u3000第一责任人（书记）\u00a0", "第一责任人（书记）"),  # Chinese brackets stay Chinese
        ("１２３ＡＢｃ", "123ABc"),
        ("每季度，研判一次；", "每季度，研判一次；"),
        ("第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"),
        ("a \u3000\u00a0 b", "a b"),
    ],
)
def test_every_cell_is_normalized(raw, clean):
    assert importing_workbook.clean_text(raw) == clean


def test_a_header_starting_with_a_bom_and_full_width_digits_in_cells_are_read(tree, county_a_admin):
    headers = ["\ufeff组织路径", "简称\u200b", "类型", "\u3000排序"]

    outcome = run_import(county_a_admin, make_xlsx([("X市委/A县委/\u200b九镇党委", "", "党委", "１２")],
                                                   org_headers=headers))

    assert outcome.ok, messages_of(outcome)
    assert Organization.objects.get(name="九镇党委").sort_order == 12


def test_a_header_that_still_differs_names_the_invisible_character(tree, county_a_admin):
    headers = ["组织\u3164路径", "简称", "类型", "排序"]  # a Hangul filler: a letter that prints nothing

    outcome = run_import(county_a_admin, make_xlsx([("X市委/A县委/九镇党委", "", "党委", 1)], org_headers=headers))

    assert messages_of(outcome) == [
        "组织 第1行 A列（组织路径）：表头应为“组织路径”，实际为“组织\u3164路径”（含不可见字符 U+3164）；请使用下载的模板"
    ]


# -- §9 dates typed as text ------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["2026-03-01 00:00:00", "２０２６－０３－０１", "２０２６／３／１", "20260301", 20260301, "２０２６年３月１日",
     "2026-3-1 0:00", "\u00a02026/03/01\u3000"],
)
def test_dates_typed_as_text_are_read(value):
    assert importing_workbook.parse_date(value) == D(2026, 3, 1)


@pytest.mark.parametrize("value", ["2026-03-01 08:30:00", "2026030", "99999999", "2026-13-01", "三月一日"])
def test_other_date_text_gets_the_format_hint(value):
    with pytest.raises(importing_workbook.CellError, match="请填写 Excel 日期或 2026-03-01 格式"):
        importing_workbook.parse_date(value)


def test_dates_typed_as_text_import_through_the_sheet(tree, county_a_admin):
    team = [("周强", "", "X市委/A县委/A县一镇党委", "宣传委员", "２０２６／３／１", "20261231", "")]

    outcome = run_import(county_a_admin, make_xlsx(team=team))

    assert outcome.ok, messages_of(outcome)
    assignment = RoleAssignment.objects.get(person__name="周强")
    assert (assignment.start_date, assignment.end_date) == (D(2026, 3, 1), D(2026, 12, 31))


# -- §10 merged cells ------------------------------------------------------------------


def test_a_path_merged_over_three_rows_is_filled_into_each_row(tree, county_a_admin):
    wb = Workbook()
    wb.remove(wb.active)
    wb.create_sheet("组织").append(ORG_HEADERS)
    ws = wb.create_sheet("班子成员")
    ws.append(TEAM_HEADERS)
    for name, role in (("甲一", "班子成员"), ("乙二", "联络员"), ("丙三", "宣传委员")):
        ws.append([name, "", None, role, "2026-01-01", None, ""])
    ws["C2"] = "X市委/A县委/A县一镇党委"
    ws.merge_cells("C2:C5")  # one row further than the people: row 5 holds nothing of its own

    outcome = run_import(county_a_admin, save(wb))

    assert outcome.ok, messages_of(outcome)
    assert sorted(
        RoleAssignment.objects.filter(organization__name="A县一镇党委", person__name__in=["甲一", "乙二", "丙三"])
        .values_list("person__name", flat=True)
    ) == ["丙三", "乙二", "甲一"]


# -- §11 encrypted, .xls and .ods -------------------------------------------------------


def test_an_encrypted_workbook_is_said_to_be_encrypted(client, county_a_admin):
    data = (FIXTURES / "加密.xlsx").read_bytes()

    with pytest.raises(ValidationError) as excinfo:
        importing_workbook.upload_open(as_upload(data, "名单.xlsx"))

    assert excinfo.value.messages == [
        "该工作簿设置了打开密码，系统无法读取。请在 Excel 或 WPS 中打开它，取消打开密码后保存，再上传。"
    ]
    assert excinfo.value.error_list[0].code == "encrypted"
    client.force_login(county_a_admin)
    html = client.post(reverse("responsibilities:import"), {"file": as_upload(data, "名单.xlsx")}).content.decode()
    assert "该工作簿设置了打开密码" in html and "旧版 Excel" not in html


@pytest.mark.parametrize("name", ["组织.xls", "组织.ods"])
def test_xls_and_ods_files_are_imported(tree, county_a_admin, name):
    """组织.xls has 类型 merged over its last two rows (see tests/fixtures/importing/README.md)."""
    data = (FIXTURES / name).read_bytes()

    outcome = importing_services_import(county_a_admin, data, name)

    assert outcome.ok, messages_of(outcome)
    town = Organization.objects.get(name="十一镇党委")
    assert (town.short_name, town.kind, town.sort_order) == ("十一镇党委", "committee", 11)
    branches = Organization.objects.filter(name__in=["北村党支部", "西村党支部"]).order_by("sort_order")
    assert [(b.name, b.kind, b.sort_order) for b in branches] == [("北村党支部", "branch", 1), ("西村党支部", "branch", 2)]


def importing_services_import(user, data: bytes, name: str):
    from responsibilities.importing import services

    return services.workbook_import(workbook=importing_workbook.upload_open(as_upload(data, name)), actor=user)


def test_a_renamed_text_file_is_still_not_a_workbook():
    with pytest.raises(ValidationError, match="文件不是 Excel 工作簿"):
        importing_workbook.upload_open(as_upload(b"just text", "组织.xls"))


# -- §12 a sheet formatted far below its data ---------------------------------------------


def formatted_far_below(rows: int) -> bytes:
    """One real row under the headers, then `rows` rows formatted but empty (bench/import_rows.py)."""
    spec = importlib.util.spec_from_file_location("bench_import_rows", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench.build(rows)


def test_a_sheet_formatted_to_its_last_row_imports_its_one_row_within_two_seconds(tree, county_a_admin):
    data = formatted_far_below(1_048_574)  # with the header and the real row: Excel's 1,048,576 rows
    assert len(data) < importing_workbook.IMPORT_MAX_BYTES

    started = time.perf_counter()
    outcome = run_import(county_a_admin, data)
    elapsed = time.perf_counter() - started

    assert outcome.ok, messages_of(outcome)
    assert outcome.organizations == 1
    assert Organization.objects.get(name="十二镇党委").sort_order == 1
    assert elapsed < 2.0


# -- §14 line breaks in an import reach the ledger as plain \n --------------------------------


def test_a_line_break_in_a_duty_item_is_kept_as_a_plain_line_break(client, tree, county_a_staff):
    from tests.responsibilities.duties.test_duty_import import xlsx

    client.force_login(county_a_staff)
    response = client.post(reverse("responsibilities:duty_import", args=[tree.county_a.pk]), {"file": xlsx([
        ("每季度研判\r\n形成报告", "第一责任人", "", "", "研判会议记录", "", "每季度", None),
    ])})

    assert response.status_code == 302
    assert DutyItem.objects.get(organization=tree.county_a).content == "每季度研判\n形成报告"
