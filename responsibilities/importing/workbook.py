"""The import workbook: the downloadable template, opening an upload safely, reading its rows."""

from __future__ import annotations

import datetime
import io
import logging
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from responsibilities.importing.ods import Merge, ods_merges
from responsibilities.models import Organization, RoleAssignment

log = logging.getLogger(__name__)

IMPORT_MAX_BYTES = 5 * 1024 * 1024
# A small compressed file can inflate enormously; a real import never comes near this.
IMPORT_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
IMPORT_MAX_ROWS = 5000
# The largest 排序 the database column holds (a 32-bit integer on PostgreSQL).
SORT_ORDER_MAX = 2147483647
# What zipfile raises on a damaged or hostile archive: a bad central directory, a name that is not
# the UTF-8 its flag claims, an unsupported "version needed to extract", a truncated member.
ZIP_ERRORS = (zipfile.BadZipFile, NotImplementedError, UnicodeDecodeError, ValueError, EOFError, OSError)
# Read-only workbooks parse each sheet lazily, while it is being planned: a truncated or malformed
# sheet (XML syntax, a damaged compressed member, a missing part) fails there, not when opened.
SHEET_ERRORS = (*ZIP_ERRORS, SyntaxError, zlib.error, KeyError, CalamineError)

XLSX_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and an encrypted .xlsx
# A workbook with a password to open is an OLE compound file holding the encrypted .xlsx in a
# stream of this name (MS-OFFCRYPTO 2.3.4.4); its directory entry spells it in UTF-16LE.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
IMPORT_EXTENSIONS = (".xlsx", ".xls", ".ods")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ORG_SHEET = "组织"
TEAM_SHEET = "班子成员"
HELP_SHEET = "说明"
PATH_SEPARATORS = re.compile(r"[/／]")


@dataclass(frozen=True)
class Column:
    letter: str
    header: str
    required: bool
    help: str
    example: object = ""
    width: int = 16


def _kind_labels() -> dict[str, str]:
    with translation.override("zh-hans"):
        return {str(label): value for value, label in Organization.Kind.choices}


def _role_aliases() -> dict[str, str]:
    """Full label, the part before the bracket and the part inside it: 第一责任人（书记）/第一责任人/书记."""
    aliases: dict[str, str] = {}
    with translation.override("zh-hans"):
        for value, label in RoleAssignment.Role.choices:
            label = str(label)
            aliases[label] = value
            head, _sep, rest = label.partition("（")
            aliases.setdefault(head, value)
            if rest:
                aliases.setdefault(rest.rstrip("）"), value)
    return aliases


def _role_labels() -> dict[str, str]:
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in RoleAssignment.Role.choices}


ORG_COLUMNS = (
    Column(
        "A", "组织路径", True,
        gettext_lazy(
            "从顶级组织写起，各级名称用“/”分隔。最后一段是要新建的组织名称，前面各段是它的上级组织："
            "上级须已在系统中，或在本表前面的行中新建。"
        ),
        "X市委/A县委/一镇党委", 36,
    ),
    Column("B", "简称", False, gettext_lazy("用于发文字号，例如“X县委”；最多 50 个字。"), "一镇党委", 16),
    Column("C", "类型", True, gettext_lazy("填写其一：党委、党组、党工委、党总支、党支部。"), "党委", 12),
    Column("D", "排序", False, gettext_lazy("非负整数，数字小的排在前面；留空为 0。"), 1, 10),
)

TEAM_COLUMNS = (
    Column("A", "姓名", True, gettext_lazy("任职人员姓名。同一组织中已登记的同名人员将沿用原记录。"), "王明", 12),
    Column("B", "职务", False, gettext_lazy("例如“镇党委书记”；仅在新建人员时使用。"), "镇党委书记", 20),
    Column(
        "C", "组织路径", True,
        gettext_lazy("任职所在组织的完整路径，写法同“组织”表；可以是本文件“组织”表中新建的组织。"),
        "X市委/A县委/一镇党委", 36,
    ),
    Column(
        "D", "角色", True,
        gettext_lazy(
            "填写全称或括号前的简称：第一责任人（书记）、直接责任人（分管领导）、班子成员（一岗双责）、"
            "宣传委员、领导小组组长、领导小组副组长、领导小组成员、领导小组办公室主任、联络员。"
        ),
        "第一责任人", 22,
    ),
    Column(
        "E", "起始日期", True,
        gettext_lazy("Excel 日期，或文本 2026-03-01、2026/3/1、2026年3月1日、20260301。"),
        datetime.date(2026, 1, 1), 14,
    ),
    Column(
        "F", "结束日期", False,
        gettext_lazy("最后任职日（含当日），不得早于起始日期；留空表示至今。"),
        "", 14,
    ),
    Column("G", "分管领域", False, gettext_lazy("一岗双责：分管的部门、单位或包抓村（社区）。"), "全面工作", 30),
)

SHEETS: dict[str, tuple[Column, ...]] = {ORG_SHEET: ORG_COLUMNS, TEAM_SHEET: TEAM_COLUMNS}


# ---------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with the file: where it is (sheet, row, column) and what it is."""

    sheet: str
    message: str
    row: int | None = None
    column: Column | None = None

    @property
    def location(self) -> str:
        if self.row is None:
            return ""
        if self.column is None:
            return _("第%(row)d行") % {"row": self.row}
        return _("第%(row)d行 %(letter)s列（%(header)s）") % {
            "row": self.row,
            "letter": self.column.letter,
            "header": self.column.header,
        }

    def __str__(self) -> str:
        if not self.location:
            return _("%(sheet)s：%(message)s") % {"sheet": self.sheet, "message": self.message}
        return _("%(sheet)s %(location)s：%(message)s") % {
            "sheet": self.sheet,
            "location": self.location,
            "message": self.message,
        }

    @property
    def sort_key(self) -> tuple:
        sheet_order = list(SHEETS).index(self.sheet) if self.sheet in SHEETS else -1
        return (sheet_order, self.row or 0, self.column.letter if self.column else "")


@dataclass
class ImportOutcome:
    organizations: int = 0
    people: int = 0
    assignments: int = 0
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# ---------------------------------------------------------------------------
# The template


HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B42318")
HELP_HEADER_FILL = PatternFill("solid", fgColor="F2F4F7")
THIN = Side(style="thin", color="D0D5DD")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


def _style_header(cells, *, fill: PatternFill = HEADER_FILL, font: Font = HEADER_FONT) -> None:
    for cell in cells:
        cell.font = font
        cell.fill = fill
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")


def _write_example(ws, row: int, columns: tuple[Column, ...]) -> None:
    for i, col in enumerate(columns):
        cell = ws.cell(row=row, column=i + 1, value=col.example or None)
        cell.border = BORDER
        if isinstance(col.example, datetime.date):
            cell.number_format = "yyyy-mm-dd"


def template_build() -> bytes:
    """The import template: a 说明 sheet, then empty 组织 and 班子成员 sheets with styled headers."""
    steps = [
        _("1. 在“组织”表中逐行填写要新建的组织；上级组织写在下级之前。"),
        _("2. 在“班子成员”表中逐行填写任职：人员、所在组织、角色和起止日期。"),
        _("3. 两张表都可以只填其中一张；第1行表头请勿修改，本“说明”表不会被导入。"),
        _("4. 上传后系统先校验整个文件：有任何错误都不会导入任何数据，并列出每个错误所在的工作表、行号和列。"),
        _("5. 同一组织同一时间只能有一名第一责任人和一名领导小组组长；只能导入您有系统管理权限范围内的组织。"),
    ]
    return workbook_template(
        title=_("组织与班子成员导入模板 · 填写说明"), steps=steps, sheets=SHEETS,
        lists={ORG_SHEET: {"C": list(_kind_labels())}, TEAM_SHEET: {"D": list(_role_labels().values())}},
    )


def workbook_template(
    *, title: str, steps: list[str], sheets: dict[str, tuple[Column, ...]], lists: dict[str, dict[str, list[str]]]
) -> bytes:
    """An import template (.xlsx bytes): a 说明 sheet with `title`, `steps` and each sheet's columns and
    an example row, then one empty sheet per entry of `sheets` with styled, commented headers;
    `lists` ({sheet: {column letter: labels}}) adds dropdowns that suggest the labels. Shared by
    every Excel import (organizations and teams, the responsibility list)."""
    wb = Workbook()
    help_ws = wb.active
    help_ws.title = HELP_SHEET
    _build_help_sheet(help_ws, title, steps, sheets)

    for sheet, columns in sheets.items():
        ws = wb.create_sheet(sheet)
        ws.append([col.header for col in columns])
        _style_header(ws[1])
        ws.freeze_panes = "A2"
        for col in columns:
            ws.column_dimensions[col.letter].width = col.width
            note = _("必填。") if col.required else _("选填。")
            ws[f"{col.letter}1"].comment = Comment(f"{note}{col.help}", "Zeren", width=320, height=120)
        last = IMPORT_MAX_ROWS + 1
        for letter, choices in lists.get(sheet, {}).items():
            # A dropdown that suggests the labels; short forms typed by hand stay allowed.
            validation = DataValidation(type="list", formula1=f'"{",".join(choices)}"', allow_blank=True)
            validation.showErrorMessage = False
            validation.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(validation)

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _build_help_sheet(ws, title: str, steps: list[str], sheets: dict[str, tuple[Column, ...]]) -> None:
    # Shared by the column tables and the example rows below them.
    widths = max(7, *(len(columns) for columns in sheets.values()))
    for i in range(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = (24, 16, 24, 22, 14, 14, 16)[i] if i < 7 else 16
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    for step in steps:
        ws.append([step])
    row = ws.max_row + 2
    for sheet, columns in sheets.items():
        ws.cell(row=row, column=1, value=_("工作表“%(sheet)s”") % {"sheet": sheet}).font = Font(bold=True, size=12)
        row += 1
        for i, header in enumerate((_("列"), _("列名"), _("是否必填"), _("填写说明"))):
            ws.cell(row=row, column=i + 1, value=header)
        _style_header(ws[row][:4], fill=HELP_HEADER_FILL, font=Font(bold=True))
        for col in columns:
            row += 1
            values = (col.letter, col.header, _("必填") if col.required else _("选填"), str(col.help))
            for i, value in enumerate(values):
                cell = ws.cell(row=row, column=i + 1, value=value)
                cell.border = BORDER
                cell.alignment = WRAP
            ws.merge_cells(start_row=row, start_column=4, end_row=row, end_column=7)
            # Merged cells do not grow with wrapped text; about 30 characters fit on a line.
            ws.row_dimensions[row].height = 16 * max(1, -(-len(values[3]) // 30))
        row += 2
        ws.cell(row=row, column=1, value=_("示例行（可复制到“%(sheet)s”表）：") % {"sheet": sheet}).font = Font(
            bold=True
        )
        row += 1
        for i, col in enumerate(columns):
            ws.cell(row=row, column=i + 1, value=col.header)
        _style_header(ws[row][: len(columns)])
        row += 1
        _write_example(ws, row, columns)
        row += 3


# ---------------------------------------------------------------------------
# Opening an upload


def _corrupt() -> str:
    return _("无法读取该文件：文件已损坏，或不是 Excel 工作簿（.xlsx、.xls）或 ODS 表格（.ods）。")


class ImportWorkbook:
    """An uploaded workbook (.xlsx, .xls or .ods) as read by calamine: its sheet names and each
    sheet's rows of cell values (str, float, int, bool, date, datetime; "" for an empty cell).

    calamine keeps only cells that hold a value, so a sheet formatted down to row 1,048,576 ends at
    its last non-empty row. `data` is the uploaded file's bytes (kept for a background import).
    Each sheet is read once. Close it when done."""

    def __init__(self, book: CalamineWorkbook, data: bytes = b"") -> None:
        self._book = book
        self.data = data
        self._rows: dict[str, tuple[list[list[object]], set[tuple[int, int]]]] = {}
        self._merges: dict[str, list[Merge]] = {}

    @property
    def sheetnames(self) -> list[str]:
        return list(self._book.sheet_names)

    def rows(self, sheet: str) -> tuple[list[list[object]], set[tuple[int, int]]]:
        """The sheet's rows from row 1 (index 0) to its last non-empty row, and the cells (row
        index, column index) that were filled from a vertical merge above them: a merged range
        shows its top-left value in every row it covers, so each row it covers gets that value."""
        if sheet not in self._rows:
            self._rows[sheet] = self._read(sheet)
        return self._rows[sheet]

    def merges(self, sheet: str) -> list[Merge]:
        """The sheet's merged ranges, ((top, left), (bottom, right)) 0-based; read from the file
        itself for an .ods, for which calamine reports none."""
        self.rows(sheet)
        return self._merges[sheet]

    def _read(self, sheet: str) -> tuple[list[list[object]], set[tuple[int, int]]]:
        ws = self._book.get_sheet_by_name(sheet)
        rows = [list(row) for row in ws.to_python(skip_empty_area=False)]
        merges = list(ws.merged_cell_ranges or ())
        if not merges and self.data.startswith(XLSX_MAGIC) and ODS_MIMETYPE in self.data[:100]:
            merges = ods_merges(self.data, sheet)  # an .ods starts with its stored "mimetype" member
        self._merges[sheet] = merges
        filled: set[tuple[int, int]] = set()
        for (top, left), (bottom, _right) in merges:
            if bottom <= top or top >= len(rows) or left >= len(rows[top]):
                continue
            value = rows[top][left]
            for index in range(top + 1, min(bottom, len(rows) - 1) + 1):
                row = rows[index]
                row.extend([""] * (left + 1 - len(row)))
                if row[left] in ("", None):
                    row[left] = value
                    filled.add((index, left))
        return rows, filled

    def close(self) -> None:
        self._book.close()


def upload_open(upload: UploadedFile | None) -> ImportWorkbook:
    """Accept an Excel workbook (.xlsx, or .xls of Excel 97–2003) or an OpenDocument sheet (.ods) of
    reasonable size; raise ValidationError with a Chinese reason (code missing, empty, size,
    encrypted, type or corrupt). A workbook with a password to open cannot be read and is said to
    be one, so the user saves it without the password."""
    if upload is None:
        raise ValidationError(_("请选择要上传的 Excel 文件。"), code="missing")
    if upload.size == 0:
        raise ValidationError(_("上传的文件是空的。"), code="empty")
    if upload.size > IMPORT_MAX_BYTES:
        raise ValidationError(
            _("文件过大（%(size).1f MB），上限为 %(limit)d MB。")
            % {"size": upload.size / 1024 / 1024, "limit": IMPORT_MAX_BYTES // 1024 // 1024},
            code="size",
        )
    data = upload.read(IMPORT_MAX_BYTES + 1)
    encrypted = ValidationError(
        _("该工作簿设置了打开密码，系统无法读取。请在 Excel 或 WPS 中打开它，取消打开密码后保存，再上传。"),
        code="encrypted",
    )
    if data.startswith(OLE2_MAGIC) and ENCRYPTED_PACKAGE in data:
        raise encrypted
    not_workbook = ValidationError(
        _("文件不是 Excel 工作簿（.xlsx、.xls）或 ODS 表格（.ods）。请下载模板填写后上传；"
          "不支持 .csv 或改了扩展名的文件。"),
        code="type",
    )
    name = (upload.name or "").lower()
    if not name.endswith(IMPORT_EXTENSIONS):
        raise not_workbook
    if name.endswith(".xls"):
        if not data.startswith(OLE2_MAGIC):
            raise not_workbook
    elif not data.startswith(XLSX_MAGIC):
        raise not_workbook
    else:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                inflated = sum(info.file_size for info in archive.infolist())
        except ZIP_ERRORS as exc:
            raise not_workbook from exc
        if inflated > IMPORT_MAX_UNCOMPRESSED_BYTES:
            raise ValidationError(_("文件解压后过大，无法导入。"), code="size")
    try:
        return ImportWorkbook(CalamineWorkbook.from_filelike(io.BytesIO(data)), data)
    except PasswordError as exc:  # an .xls protected by a password to open (RC4 or XOR)
        raise encrypted from exc
    except Exception as exc:  # noqa: BLE001  (any parse failure of an untrusted file means "not a workbook")
        raise ValidationError(_corrupt(), code="corrupt") from exc


def stored_open(path: Path) -> ImportWorkbook:
    """A workbook stored by a background import (checked by `upload_open` when it was uploaded);
    raises ValidationError (code corrupt) if it can no longer be read."""
    try:
        return ImportWorkbook(CalamineWorkbook.from_path(str(path)), path.read_bytes())
    except Exception as exc:  # noqa: BLE001  (same as upload_open: any parse failure means unreadable)
        raise ValidationError(_corrupt(), code="corrupt") from exc


# ---------------------------------------------------------------------------
# Reading cells


class CellError(Exception):
    """A cell value that cannot be used; the message is the user-facing reason."""


# Rosters align names with these; all become one ordinary space (then trimmed or collapsed).
ODD_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# Full-width digits and Latin letters only (NFKC of the ASCII range): full-width punctuation such
# as （）、，：is Chinese punctuation and keeps its meaning.
FULL_WIDTH_ALNUM = {
    code: code - 0xFEE0
    for start, stop in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for code in range(start, stop + 1)
}
HANZI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
SPACE_BETWEEN_HANZI = re.compile(rf"(?<=[{HANZI}]) (?=[{HANZI}])")
# Characters a reader cannot see: named (U+XXXX) when a header still differs.
LOOK_BLANK = {0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800}


def clean_text(text: str) -> str:
    """One cell's text as the user sees it: zero-width and other format characters (U+200B–U+200D,
    U+2060, a BOM U+FEFF, bidi marks, soft hyphens) and control characters removed; full-width,
    non-breaking and other odd spaces as one ordinary space; full-width digits and letters as ASCII;
    line breaks (\\r\\n, \\r) as \\n; trimmed."""
    if text.isascii() and text.isprintable():
        return text.strip()
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(FULL_WIDTH_ALNUM)
    text = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cf", "Cc")
    )
    lines = (ODD_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(lines).strip()


def identity_text(text: str) -> str:
    """A name that identifies someone or something (a person, a path segment): `clean_text`, and no
    space between two hanzi, so 「王　明」 (a full-width space aligning a two-character name) is 王明."""
    return SPACE_BETWEEN_HANZI.sub("", clean_text(text))


def invisible_characters(text: str) -> list[str]:
    """The characters of `text` a reader cannot see, as U+XXXX, in order, without repeats."""
    found: list[str] = []
    for ch in text:
        if ch == " ":
            continue
        if unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Zl", "Zp", "Co", "Cn") or ord(ch) in LOOK_BLANK:
            code = f"U+{ord(ch):04X}"
            if code not in found:
                found.append(code)
    return found


DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+0{1,2}:00(?::00(?:\.0+)?)?)?$"
)
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# Full-width and typographic date separators.
DATE_SEPARATORS = str.maketrans({"－": "-", "／": "/", "．": ".", "：": ":", "‐": "-", "‑": "-", "–": "-",
                                 "—": "-", "−": "-"})


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return f"{value:%Y-%m-%d}"
    return clean_text(str(value))


def parse_date(value: object) -> datetime.date:
    """A real Excel date, a serial number, or text: 2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日,
    20260301, with full-width digits and separators (２０２６－０３－０１) and an optional 00:00:00
    time part (what a date cell turns into when copied as text). Raises CellError with the format hint."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A date cell that lost its date format still holds Excel's serial day number.
        if 1 <= value <= 73050:  # 1900-01-01 … 2099-12-31
            return from_excel(value).date()
        if not float(value).is_integer():
            raise CellError(_("无法识别的日期“%(value)s”") % {"value": _text(value)})
    text = _text(value).translate(DATE_SEPARATORS)
    match = DATE_TEXT.match(text) or COMPACT_DATE.match(text)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise CellError(
        _("无法识别的日期“%(value)s”，请填写 Excel 日期或 2026-03-01 格式") % {"value": text}
    )


def parse_path(text: str) -> tuple[str, ...]:
    segments = tuple(identity_text(part) for part in PATH_SEPARATORS.split(text))
    if any(not part for part in segments):
        raise CellError(_("组织路径“%(path)s”中有空的层级") % {"path": text})
    return segments


def _join(names: tuple[str, ...]) -> str:
    return "/".join(names)


def _max_length(model, field_name: str) -> int:
    return model._meta.get_field(field_name).max_length


@dataclass
class SheetRow:
    sheet: str
    number: int
    values: dict[str, object]  # column letter → raw cell value


def _header_problem(expected: str, found: str) -> str:
    invisible = invisible_characters(found)
    if invisible:
        return _("表头应为“%(expected)s”，实际为“%(found)s”（含不可见字符 %(chars)s）；请使用下载的模板") % {
            "expected": expected, "found": found, "chars": "、".join(invisible),
        }
    return _("表头应为“%(expected)s”，实际为“%(found)s”；请使用下载的模板") % {"expected": expected, "found": found}


def _sheet_rows(
    workbook: ImportWorkbook, sheet: str, problems: list[ImportProblem], columns: tuple[Column, ...] | None = None
) -> Iterator[SheetRow]:
    """Non-empty data rows of one sheet, after checking its header row against `columns` (default:
    the sheet's columns in SHEETS); headers are compared after `clean_text`. A row whose only values
    come from a merge above it is empty. Problems (header, too many rows) are appended to `problems`."""
    columns = columns or SHEETS[sheet]
    rows, filled = workbook.rows(sheet)
    header = rows[0] if rows else []
    for i, col in enumerate(columns):
        found = _text(header[i]) if i < len(header) else ""
        if found.rstrip("*＊") != col.header:
            problems.append(ImportProblem(sheet, _header_problem(col.header, found), row=1, column=col))
    if any(p.sheet == sheet and p.row == 1 for p in problems):
        return
    merged_across: set[int] = set()
    for (top, left), (bottom, right) in workbook.merges(sheet):
        # Only the first column of a merge across columns holds the value: the others cannot be
        # guessed, so the range is named and its rows are not read.
        if top >= 1 and right > left and left < len(columns) - 1:
            problems.append(ImportProblem(sheet, _merged_across(top, left, bottom, right), row=top + 1,
                                          column=columns[left]))
            merged_across.update(range(top, bottom + 1))
    count = 0
    for index in range(1, len(rows)):
        values = _row_values(rows, filled, index, columns)
        if values is None or index in merged_across:
            continue
        count += 1
        if count > IMPORT_MAX_ROWS:
            problems.append(ImportProblem(
                sheet, _("数据行超过 %(limit)d 行，请拆分成多个文件导入") % {"limit": IMPORT_MAX_ROWS}
            ))
            return
        yield SheetRow(sheet, index + 1, values)


def _merged_across(top: int, left: int, bottom: int, right: int) -> str:
    cells = f"{get_column_letter(left + 1)}{top + 1}:{get_column_letter(right + 1)}{bottom + 1}"
    return _("%(cells)s 为合并单元格：合并后只有第一列有值，无法确定其余各列的内容；请取消合并，逐列填写后重新上传") % {
        "cells": cells
    }


def _row_values(
    rows: list[list[object]], filled: set[tuple[int, int]], index: int, columns: tuple[Column, ...]
) -> dict[str, object] | None:
    """Row `index`'s values by column letter, or None when it is empty (its only values, if any,
    come from a merge above it)."""
    raw = rows[index]
    values = {col.letter: (raw[i] if i < len(raw) else None) for i, col in enumerate(columns)}
    if all(_text(v) == "" for i, v in enumerate(values.values()) if (index, i) not in filled):
        return None
    return values


def data_row_count(workbook: ImportWorkbook, sheets: dict[str, tuple[Column, ...]]) -> int:
    """How many data rows (non-empty, below the header) the workbook's sheets named in `sheets` hold:
    the rows `_sheet_rows` would give when their headers are right. Decides whether an import runs
    in the request or in the background, and is its progress total."""
    count = 0
    for sheet, columns in sheets.items():
        if sheet not in workbook.sheetnames:
            continue
        rows, filled = workbook.rows(sheet)
        count += sum(1 for index in range(1, len(rows)) if _row_values(rows, filled, index, columns) is not None)
    return count
