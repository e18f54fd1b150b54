"""Excel import of a responsibility list (责任清单): the template, then every row validated before
any is written, all or nothing — the rules of the organization import (responsibilities.importing),
whose workbook reading, header checks and error reporting it reuses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from responsibilities.duties.services import duty_item_create
from responsibilities.importing.workbook import (
    SHEET_ERRORS,
    SORT_ORDER_MAX,
    Column,
    ImportProblem,
    ImportWorkbook,
    SheetRow,
    _corrupt,
    _max_length,
    _sheet_rows,
    _text,
    log,
    workbook_template,
)
from responsibilities.models import DutyItem, Organization, Responsible, WorkSystem

DUTY_SHEET = "责任清单"

DUTY_COLUMNS = (
    Column("A", "责任内容", True, gettext_lazy("具体、可落实：做什么、做到什么程度。"),
           "每季度专题研判意识形态领域情况", 40),
    Column("B", "责任主体", True,
           gettext_lazy("填写其一：第一责任人、直接责任人、班子成员（一岗双责）、宣传委员、宣传部门、领导小组办公室；"
                        "括号前的简称也可以。"),
           "第一责任人", 18),
    Column("C", "牵头单位", False, gettext_lazy("最多 200 个字。"), "党委办公室", 16),
    Column("D", "责任单位", False, gettext_lazy("多个单位用顿号分隔；最多 500 个字。"), "宣传办、组织办", 20),
    Column("E", "认定标准（佐证）", True, gettext_lazy("可认定：以什么材料证明已落实，例如会议记录、专题报告。"),
           "研判会议记录", 24),
    Column("F", "关联工作制度", False, gettext_lazy("系统中工作制度的名称或代码；不关联留空。"), "", 18),
    Column("G", "频次", False, gettext_lazy("例如：每季度、每半年、每年至少 2 次；最多 100 个字。"), "每季度", 12),
    Column("H", "排序", False, gettext_lazy("非负整数，数字小的排在前面；留空依次排在现有条目之后。"), 10, 8),
)


def _responsible_aliases() -> dict[str, str]:
    """Full label and the part before the bracket: 班子成员（一岗双责）/班子成员."""
    aliases: dict[str, str] = {}
    with translation.override("zh-hans"):
        for value, label in Responsible.choices:
            aliases[str(label)] = value
            aliases.setdefault(str(label).partition("（")[0], value)
    return aliases


def duty_template_build() -> bytes:
    """The 责任清单 import template: a 说明 sheet and an empty 责任清单 sheet."""
    with translation.override("zh-hans"):
        labels = [str(label) for _value, label in Responsible.choices]
    steps = [
        _("1. 在“责任清单”表中逐行填写责任条目：责任内容、责任主体和认定标准必填。"),
        _("2. 第1行表头请勿修改，本“说明”表不会被导入。"),
        _("3. 上传后系统先校验整个文件：有任何错误都不会导入任何数据，并列出每个错误所在的行号和列。"),
        _("4. 导入的条目添加到所选组织的责任清单末尾（或按“排序”）；与清单中已有条目内容相同的行不能导入。"),
    ]
    return workbook_template(title=_("责任清单导入模板 · 填写说明"), steps=steps,
                             sheets={DUTY_SHEET: DUTY_COLUMNS}, lists={DUTY_SHEET: {"B": labels}})


@dataclass
class DutyImportOutcome:
    items: int = 0
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Rows:
    """Validation of the rows: each good row becomes keyword arguments of `duty_item_create`."""

    def __init__(self, organization: Organization) -> None:
        self.organization = organization
        self.problems: list[ImportProblem] = []
        self.planned: list[tuple[int, dict]] = []
        self.aliases = _responsible_aliases()
        self.systems = {}
        for system in WorkSystem.objects.all():
            self.systems[system.code] = system
            self.systems[system.name] = system
        self.existing = set(DutyItem.objects.active().filter(organization=organization).values_list("content", flat=True))
        self.seen: dict[str, int] = {}

    def problem(self, row: SheetRow, letter: str, message: str) -> None:
        column = next(col for col in DUTY_COLUMNS if col.letter == letter)
        self.problems.append(ImportProblem(DUTY_SHEET, message, row=row.number, column=column))

    def plan(self, row: SheetRow) -> None:
        before = len(self.problems)
        text = {letter: _text(value) for letter, value in row.values.items()}
        for col in DUTY_COLUMNS:
            if col.required and not text[col.letter]:
                self.problem(row, col.letter, _("%(header)s不能为空") % {"header": col.header})
        responsible = self.aliases.get(text["B"])
        if text["B"] and responsible is None:
            self.problem(row, "B", _("无法识别的责任主体“%(value)s”") % {"value": text["B"]})
        for letter, name in (("C", "lead_unit"), ("D", "responsible_units"), ("G", "recurrence")):
            limit = _max_length(DutyItem, name)
            if len(text[letter]) > limit:
                self.problem(row, letter, _("不能超过 %(limit)d 个字") % {"limit": limit})
        system = self.systems.get(text["F"]) if text["F"] else None
        if text["F"] and system is None:
            self.problem(row, "F", _("系统中没有名称或代码为“%(value)s”的工作制度") % {"value": text["F"]})
        sort_order = None
        if text["H"]:
            try:
                sort_order = int(text["H"])
            except ValueError:
                self.problem(row, "H", _("排序请填写整数"))
            else:
                if not 0 <= sort_order <= SORT_ORDER_MAX:
                    self.problem(row, "H", _("排序须为 0 到 %(max)d 之间的整数") % {"max": SORT_ORDER_MAX})
        content = text["A"]
        if content in self.existing:
            self.problem(row, "A", _("责任清单中已有内容相同的条目"))
        elif content and content in self.seen:
            self.problem(row, "A", _("与第%(row)d行的责任内容重复") % {"row": self.seen[content]})
        self.seen.setdefault(content, row.number)
        if len(self.problems) == before:
            self.planned.append((row.number, {
                "content": content, "responsible": responsible, "lead_unit": text["C"],
                "responsible_units": text["D"], "verification": text["E"], "work_system": system,
                "recurrence": text["G"], "sort_order": sort_order,
            }))


def duty_items_import(
    *,
    organization: Organization,
    workbook: ImportWorkbook,
    actor,
    on_progress: Callable[[int], None] | None = None,
    on_applied: Callable[[DutyImportOutcome], None] | None = None,
) -> DutyImportOutcome:
    """Import the 责任清单 sheet of `workbook` into `organization`'s responsibility list.

    Every row is validated first (required cells, a known 责任主体 and 工作制度, lengths, 排序, no
    content already in the list or repeated in the file); any problem means nothing is written and
    the outcome lists every problem by row and column. A clean file is written in one transaction
    through `duty_item_create` (each item gets its `created` event). The caller checked `manage` on
    `organization`. Returns the outcome (items written, or problems). A background import
    (responsibilities.importing.background) passes `on_progress(rows validated so far)` and
    `on_applied(outcome)`, which runs inside the import's transaction."""
    rows = _Rows(organization)
    try:
        if DUTY_SHEET not in workbook.sheetnames:
            rows.problems.append(ImportProblem(_("文件"), _("没有找到“责任清单”工作表，请使用下载的模板")))
        else:
            for done, row in enumerate(_sheet_rows(workbook, DUTY_SHEET, rows.problems, DUTY_COLUMNS), 1):
                rows.plan(row)
                if on_progress is not None:
                    on_progress(done)
            if not rows.problems and not rows.planned:
                rows.problems.append(ImportProblem(_("文件"), _("没有可导入的数据行")))
    except SHEET_ERRORS:
        log.warning("duty import: unreadable workbook", exc_info=True)
        return DutyImportOutcome(problems=[ImportProblem(_("文件"), _corrupt())])
    finally:
        workbook.close()
    if rows.problems:
        return DutyImportOutcome(problems=sorted(rows.problems, key=lambda p: p.sort_key))
    current = {"row": 0}
    outcome = DutyImportOutcome(items=len(rows.planned))
    try:
        with transaction.atomic():
            for number, fields in rows.planned:
                current["row"] = number
                duty_item_create(organization=organization, actor=actor, **fields)
            if on_applied is not None:
                on_applied(outcome)
    except ValidationError as exc:
        # Something changed between validation and writing; nothing was kept.
        return DutyImportOutcome(problems=[ImportProblem(DUTY_SHEET, " ".join(exc.messages), row=current["row"])])
    return outcome
