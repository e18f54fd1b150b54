"""The rubric as the Excel sheet units circulate: one row per second-level indicator.

Columns: 一级指标 | 二级指标 | 分值 | 评分方式 | 扣分标准 | 每次扣分 | 上限 | 一票否决 | 代码.
Export writes through the ledgers' `write_workbook`, so a cell that a spreadsheet would read as a formula is
quote-prefixed; import reads with the imports' one reader (calamine: .xlsx, .xls, .ods; every cell cleaned of
invisible characters like the organization import's), checks every row, and reports every problem by row number in
Chinese before anything is written (all or nothing).
"""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accountability.models import Rubric
from accountability.rubrics.services import METHOD_LABELS, leaf_problems, rubric_tree
from reporting.ledgers.services import CellKind, Column, write_workbook
from responsibilities.importing.workbook import ImportWorkbook, clean_text

HEADERS = ("一级指标", "二级指标", "分值", "评分方式", "扣分标准", "每次扣分", "上限", "一票否决", "代码")
COLUMNS = (
    Column("一级指标", 18, CellKind.WRAP),
    Column("二级指标", 46, CellKind.WRAP),
    Column("分值", 8),
    Column("评分方式", 10),
    Column("扣分标准", 36, CellKind.WRAP),
    Column("每次扣分", 9),
    Column("上限", 8),
    Column("一票否决", 9),
    Column("代码", 14),
)
METHODS_BY_LABEL = {label: method for method, label in METHOD_LABELS.items()}
MAX_ROWS = 500


class RubricImportError(ValidationError):
    """The sheet was refused; `.messages` lists each problem ("第 3 行：…")."""


def _num(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def rubric_workbook(rubric: Rubric) -> bytes:
    """The rubric as .xlsx bytes (one sheet, header row, one row per leaf)."""
    rows = [
        [group, name, _num(points), METHOD_LABELS.get(method, ""), criteria, _num(per), _num(cap),
         "是" if method == "veto" else "否", code]
        for group, leaves in rubric_tree(rubric)
        for name, method, points, per, cap, criteria, code in leaves
    ]
    buffer = io.BytesIO()
    write_workbook(buffer, sheet_name="指标体系", title=rubric.name, columns=COLUMNS, rows=rows)
    return buffer.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_text(str(value)).strip()  # U+3000, zero-width characters, BOM, full-width digits
    return text[1:] if text.startswith("'") else text


def _decimal(value, row: int, header: str, errors: list[str], *, required: bool) -> Decimal | None:
    text = _text(value)
    if not text:
        if required:
            errors.append(_("第 %(row)s 行：“%(col)s”不能为空。") % {"row": row, "col": header})
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        errors.append(_("第 %(row)s 行：“%(col)s”应为数字，现为“%(value)s”。") % {
            "row": row, "col": header, "value": text[:20]})
        return None
    if not number.is_finite() or number != number.quantize(Decimal("0.1")) or abs(number) >= 10000:
        errors.append(_("第 %(row)s 行：“%(col)s”最多保留一位小数。") % {"row": row, "col": header})
        return None
    return number


def parse_workbook(data: bytes) -> list[tuple[str, list[tuple]]]:
    """The sheet as a rubric tree (rubric_tree's shape). Raises RubricImportError listing every problem."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = ImportWorkbook(CalamineWorkbook.from_filelike(io.BytesIO(data)))
        rows, _filled = workbook.rows(workbook.sheetnames[0])
        workbook.close()
    except Exception as exc:  # noqa: BLE001  (any parse failure of an untrusted file means "not a workbook")
        raise RubricImportError([_("无法读取该文件：请上传用“导出 Excel”得到的 .xlsx 文件。")]) from exc
    rows = [tuple(row) for row in rows[: MAX_ROWS + 2]]
    if not rows:
        raise RubricImportError([_("表格是空的。")])
    header = tuple(_text(v) for v in rows[0][: len(HEADERS)])
    missing = [h for h in HEADERS[:4] if h not in header]
    if missing:
        raise RubricImportError([_("第 1 行应为表头，缺少列：%(cols)s。") % {"cols": "、".join(missing)}])
    index = {h: header.index(h) for h in HEADERS if h in header}
    if len(rows) > MAX_ROWS + 1:
        raise RubricImportError([_("表格超过 %(n)s 行，请检查是否选错了文件。") % {"n": MAX_ROWS}])

    errors: list[str] = []
    tree: list[tuple[str, list[tuple]]] = []
    groups: dict[str, list[tuple]] = {}
    total = Decimal("0")
    for number, raw in enumerate(rows[1:], start=2):
        def cell(name: str, raw=raw):
            position = index.get(name)
            return raw[position] if position is not None and position < len(raw) else None

        if all(_text(v) == "" for v in raw):
            continue
        group, name = _text(cell("一级指标")), _text(cell("二级指标"))
        if not group:
            errors.append(_("第 %(row)s 行：“一级指标”不能为空。") % {"row": number})
        if not name:
            errors.append(_("第 %(row)s 行：“二级指标”不能为空。") % {"row": number})
        veto_text = _text(cell("一票否决")) or "否"
        if veto_text not in ("是", "否"):
            errors.append(_("第 %(row)s 行：“一票否决”应填“是”或“否”。") % {"row": number})
        method_text = _text(cell("评分方式"))
        method = "veto" if veto_text == "是" else METHODS_BY_LABEL.get(method_text)
        if method is None:
            errors.append(_("第 %(row)s 行：“评分方式”应为“评分”“扣分”或“一票否决”，现为“%(value)s”。") % {
                "row": number, "value": method_text})
            continue
        before = len(errors)
        points = _decimal(cell("分值"), number, "分值", errors, required=method != "veto") or Decimal("0")
        per = _decimal(cell("每次扣分"), number, "每次扣分", errors, required=method == "deduct")
        cap = _decimal(cell("上限"), number, "上限", errors, required=False)
        problems = [] if len(errors) > before else leaf_problems(
            name=name or "-", method=method, points=points, per_occurrence=per, cap=cap)
        for problem in problems:
            errors.append(_("第 %(row)s 行：%(problem)s") % {"row": number, "problem": problem})
        if method != "deduct":
            per, cap = None, None
        total += points
        leaf = (name[:200], method, points, per, cap, _text(cell("扣分标准")), _text(cell("代码"))[:40])
        if group not in groups:
            groups[group] = []
            tree.append((group[:200], groups[group]))
        groups[group].append(leaf)
    if not errors and not tree:
        errors.append(_("表格中没有任何指标。"))
    if not errors and total != Decimal("100"):
        errors.append(_("各项二级指标分值合计应为 100 分，当前为 %(total)s 分。") % {"total": _num(total)})
    if errors:
        raise RubricImportError(errors)
    return tree


def rubric_import(*, organization, year: int, data: bytes, actor) -> Rubric:
    """Import the sheet as `organization`'s rubric for `year`: replaces the indicators of an existing rubric
    not yet used by a campaign, or creates it. Raises RubricImportError (nothing written) or ValidationError."""
    from accountability.rubrics.services import rubric_create, rubric_replace

    tree = parse_workbook(data)
    existing = Rubric.objects.filter(organization=organization, year=year).first()
    if existing is not None:
        return rubric_replace(rubric=existing, tree=tree, actor=actor)
    return rubric_create(organization=organization, year=year, actor=actor, tree=tree)
