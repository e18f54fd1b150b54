"""Excel import of organizations and leadership teams: plan every row, then apply all or nothing."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from responsibilities.importing.workbook import (
    ORG_COLUMNS,
    ORG_SHEET,
    SHEET_ERRORS,
    SHEETS,
    SORT_ORDER_MAX,
    TEAM_COLUMNS,
    TEAM_SHEET,
    CellError,
    ImportOutcome,
    ImportProblem,
    ImportWorkbook,
    SheetRow,
    _corrupt,
    _join,
    _kind_labels,
    _max_length,
    _role_aliases,
    _role_labels,
    _sheet_rows,
    _text,
    identity_text,
    log,
    parse_date,
    parse_path,
)
from responsibilities.models import Organization, Person, RoleAssignment
from responsibilities.org import services
from responsibilities.permissions import Capability, can, scope_paths
from responsibilities.text import date_range

# ---------------------------------------------------------------------------
# Planning: validate everything, write nothing


@dataclass
class PlannedOrganization:
    row: int
    names: tuple[str, ...]
    short_name: str
    kind: str
    sort_order: int
    parent: Organization | None  # an existing parent; None when new root or planned in the file
    allowed: bool

    @property
    def parent_names(self) -> tuple[str, ...]:
        return self.names[:-1]


@dataclass
class PlannedAssignment:
    row: int
    name: str
    title: str
    org_names: tuple[str, ...]
    organization: Organization | None  # existing; None when created from the 组织 sheet
    person: Person | None  # existing person matched by (name, organization)
    role: str
    start_date: datetime.date
    end_date: datetime.date | None
    portfolio: str


class _Ambiguous:
    """Two organizations with the same name under the same parent: a path that names no single one."""


AMBIGUOUS = _Ambiguous()


def _overlaps(
    a_start: datetime.date, a_end: datetime.date | None, b_start: datetime.date, b_end: datetime.date | None
) -> bool:
    return (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)



class Planner:
    """Reads the workbook into a plan, collecting every problem instead of stopping at the first."""

    def __init__(self, actor) -> None:
        self.actor = actor
        self.problems: list[ImportProblem] = []
        self.organizations: list[PlannedOrganization] = []
        self.assignments: list[PlannedAssignment] = []
        self._planned: dict[tuple[str, ...], PlannedOrganization] = {}
        self._existing: dict[tuple[str, ...], Organization | None | _Ambiguous] = {}
        self._people: dict[tuple[int, str], Person | None | _Ambiguous] = {}
        self._kinds = _kind_labels()
        self._roles = _role_aliases()
        self._role_names = _role_labels()
        self._everywhere = scope_paths(actor, Capability.ADMINISTER) is None

    # -- helpers ------------------------------------------------------------

    def _problem(self, row: SheetRow, letter: str, message: str) -> None:
        column = next(col for col in SHEETS[row.sheet] if col.letter == letter)
        self.problems.append(ImportProblem(row.sheet, message, row=row.number, column=column))

    def _required_text(self, row: SheetRow, letter: str, *, max_length: int | None = None) -> str | None:
        text = _text(row.values[letter])
        if not text:
            self._problem(row, letter, _("必填项为空"))
            return None
        return self._bounded(row, letter, text, max_length)

    def _optional_text(self, row: SheetRow, letter: str, *, max_length: int | None = None) -> str:
        return self._bounded(row, letter, _text(row.values[letter]), max_length) or ""

    def _bounded(self, row: SheetRow, letter: str, text: str, max_length: int | None) -> str | None:
        if max_length is not None and len(text) > max_length:
            self._problem(row, letter, _("内容过长（%(n)d 字），最多 %(max)d 字") % {"n": len(text), "max": max_length})
            return None
        return text

    def _path(self, row: SheetRow, letter: str) -> tuple[str, ...] | None:
        text = self._required_text(row, letter)
        if text is None:
            return None
        try:
            names = parse_path(text)
        except CellError as exc:
            self._problem(row, letter, str(exc))
            return None
        limit = _max_length(Organization, "name")
        if any(len(name) > limit for name in names):
            self._problem(row, letter, _("组织名称最多 %(max)d 字") % {"max": limit})
            return None
        return names

    def existing(self, names: tuple[str, ...]) -> Organization | None | _Ambiguous:
        """The organization in the database at this path of names, walking down from a root."""
        if names in self._existing:
            return self._existing[names]
        if len(names) == 1:
            candidates = Organization.objects.filter(depth=1, name=names[0])
        else:
            parent = self.existing(names[:-1])
            if not isinstance(parent, Organization):
                self._existing[names] = parent
                return parent
            candidates = Organization.objects.filter(
                path__startswith=parent.path, depth=parent.depth + 1, name=names[-1]
            )
        found = list(candidates[:2])
        result = AMBIGUOUS if len(found) > 1 else (found[0] if found else None)
        self._existing[names] = result
        return result

    def _resolve_org(self, row: SheetRow, letter: str, names: tuple[str, ...]):
        """(existing organization or None, allowed) for a path that must exist or be planned; None if not."""
        planned = self._planned.get(names)
        if planned is not None:
            return None, planned.allowed
        existing = self.existing(names)
        if existing is AMBIGUOUS:
            self._problem(row, letter, _("组织路径“%(path)s”不唯一：有多个同名组织") % {"path": _join(names)})
            return None
        if existing is None:
            self._problem(row, letter, _("找不到组织“%(path)s”") % {"path": _join(names)})
            return None
        return existing, can(self.actor, Capability.ADMINISTER, existing)

    def _deny(self, row: SheetRow, letter: str, names: tuple[str, ...]) -> None:
        self._problem(
            row, letter, _("无权限：您没有“%(path)s”的系统管理权限") % {"path": _join(names)}
        )

    # -- the 组织 sheet -------------------------------------------------------

    def plan_organization(self, row: SheetRow) -> None:
        names = self._path(row, "A")
        short_name = self._optional_text(row, "B", max_length=_max_length(Organization, "short_name"))
        kind_text = self._required_text(row, "C")
        kind = None
        if kind_text is not None:
            kind = self._kinds.get(kind_text.replace(" ", "")) or (
                kind_text if kind_text in Organization.Kind.values else None
            )
            if kind is None:
                self._problem(
                    row, "C",
                    _("无法识别的组织类型“%(value)s”，应为：%(choices)s")
                    % {"value": kind_text, "choices": "、".join(self._kinds)},
                )
        sort_order = 0
        sort_text = _text(row.values["D"])
        if sort_text:
            try:
                sort_order = int(sort_text)
            except ValueError:
                self._problem(row, "D", _("排序应为非负整数，实际为“%(value)s”") % {"value": sort_text})
            else:
                if not 0 <= sort_order <= SORT_ORDER_MAX:
                    self._problem(
                        row, "D", _("排序应为 0 至 %(max)d 之间的整数，实际为“%(value)s”")
                        % {"max": SORT_ORDER_MAX, "value": sort_text},
                    )
                    sort_order = 0
        if names is None:
            return

        duplicate = self._planned.get(names)
        if duplicate is not None:
            self._problem(row, "A", _("与第%(row)d行重复") % {"row": duplicate.row})
            return
        parent: Organization | None = None
        allowed = False
        if len(names) == 1:
            allowed = self._everywhere
            if not allowed:
                self._problem(row, "A", _("无权限：只有全局系统管理员可以新建顶级组织"))
        else:
            resolved = self._resolve_org(row, "A", names[:-1])
            if resolved is None:
                return
            parent, allowed = resolved
            if not allowed:
                self._deny(row, "A", names[:-1])
        # Under an organization created in this same file nothing can exist yet.
        in_database = parent is not None or len(names) == 1
        if in_database and self.existing(names) is not None:
            self._problem(row, "A", _("组织“%(path)s”已存在") % {"path": _join(names)})
            return
        # Register the row even if other cells are wrong, so rows below that name it
        # as their parent report their own problems rather than "not found".
        planned = PlannedOrganization(
            row=row.number, names=names, short_name=short_name, kind=kind or "",
            sort_order=sort_order, parent=parent, allowed=allowed,
        )
        self._planned[names] = planned
        self.organizations.append(planned)

    # -- the 班子成员 sheet ----------------------------------------------------

    def plan_assignment(self, row: SheetRow) -> None:
        name = self._required_text(row, "A", max_length=_max_length(Person, "name"))
        name = identity_text(name) if name is not None else None
        title = self._optional_text(row, "B", max_length=_max_length(Person, "title"))
        names = self._path(row, "C")
        role_text = self._required_text(row, "D")
        role = None
        if role_text is not None:
            normalized = role_text.replace(" ", "").replace("(", "（").replace(")", "）")
            role = self._roles.get(normalized) or (role_text if role_text in RoleAssignment.Role.values else None)
            if role is None:
                self._problem(row, "D", _("无法识别的角色“%(value)s”") % {"value": role_text})
        start = end = None
        if _text(row.values["E"]) == "":
            self._problem(row, "E", _("必填项为空"))
        else:
            try:
                start = parse_date(row.values["E"])
            except CellError as exc:
                self._problem(row, "E", str(exc))
        end_ok = True
        if _text(row.values["F"]) != "":
            try:
                end = parse_date(row.values["F"])
            except CellError as exc:
                end_ok = False
                self._problem(row, "F", str(exc))
        if start and end and end < start:
            end_ok = False
            self._problem(
                row, "F",
                _("结束日期 %(end)s 早于起始日期 %(start)s")
                % {"end": f"{end:%Y-%m-%d}", "start": f"{start:%Y-%m-%d}"},
            )
        portfolio = self._optional_text(row, "G", max_length=_max_length(RoleAssignment, "portfolio"))

        organization = None
        if names is not None:
            resolved = self._resolve_org(row, "C", names)
            if resolved is None:
                names = None
            else:
                organization, allowed = resolved
                if not allowed:
                    self._deny(row, "C", names)
        person = None
        if organization is not None and name is not None:
            person = self._existing_person(row, organization, name)
        if None in (name, names, role, start) or not end_ok or person is AMBIGUOUS:
            return
        planned = PlannedAssignment(
            row=row.number, name=name, title=title, org_names=names, organization=organization,
            person=person, role=role, start_date=start, end_date=end, portfolio=portfolio,
        )
        self._check_overlaps(row, planned)
        self.assignments.append(planned)

    def _existing_person(self, row: SheetRow, organization: Organization, name: str):
        key = (organization.pk, name)
        if key not in self._people:
            found = list(Person.objects.filter(organization=organization, name=name)[:2])
            self._people[key] = AMBIGUOUS if len(found) > 1 else (found[0] if found else None)
        person = self._people[key]
        if person is AMBIGUOUS:
            self._problem(
                row, "A", _("“%(org)s”中有多名叫“%(name)s”的人员，无法确定是哪一位；请在系统中处理后再导入")
                % {"org": organization.name, "name": name},
            )
        return person

    def _check_overlaps(self, row: SheetRow, new: PlannedAssignment) -> None:
        single = new.role in RoleAssignment.SINGLE_HOLDER_ROLES
        role_label = self._role_names[new.role]
        for earlier in self.assignments:
            if earlier.org_names != new.org_names or earlier.role != new.role:
                continue
            if not single and earlier.name != new.name:
                continue
            if _overlaps(earlier.start_date, earlier.end_date, new.start_date, new.end_date):
                if single:
                    message = _("与第%(row)d行（%(name)s）的%(role)s任期重叠：同一组织同一时间只能有一人担任该角色")
                else:
                    message = _("与第%(row)d行重复：%(name)s 在重叠的期间已担任%(role)s")
                self._problem(row, "D", message % {"row": earlier.row, "name": earlier.name, "role": role_label})
                return
        if new.organization is None:
            return
        clashes = RoleAssignment.objects.filter(organization=new.organization, role=new.role).overlapping(
            new.start_date, new.end_date
        )
        if not single:
            if new.person is None:
                return
            clashes = clashes.filter(person=new.person)
        clash = clashes.select_related("person").order_by("start_date").first()
        if clash is None:
            return
        if single:
            message = _("与现有任职重叠：%(org)s 在 %(range)s 已由 %(person)s 担任%(role)s，同一时间只能有一人担任该角色")
        else:
            message = _("与现有任职重复：%(person)s 在 %(range)s 已担任%(role)s")
        self._problem(row, "D", message % {
            "org": new.organization.name,
            "range": date_range(clash.start_date, clash.end_date),
            "person": clash.person.name,
            "role": role_label,
        })

    # -- the whole workbook ---------------------------------------------------

    def plan(self, workbook: ImportWorkbook, on_progress: Callable[[int], None] | None = None) -> None:
        """Plan every row; `on_progress(n)` after each, n counting the rows planned so far."""
        present = [sheet for sheet in SHEETS if sheet in workbook.sheetnames]
        if not present:
            self.problems.append(ImportProblem(
                _("文件"), _("没有找到“组织”或“班子成员”工作表，请使用下载的模板")
            ))
            return
        planned = 0
        for sheet, plan_row in ((ORG_SHEET, self.plan_organization), (TEAM_SHEET, self.plan_assignment)):
            if sheet not in present:
                continue
            for row in _sheet_rows(workbook, sheet, self.problems):
                plan_row(row)
                planned += 1
                if on_progress is not None:
                    on_progress(planned)
        if not self.problems and not self.organizations and not self.assignments:
            self.problems.append(ImportProblem(_("文件"), _("没有可导入的数据行")))


# ---------------------------------------------------------------------------
# Writing


class _RowFailed(Exception):
    def __init__(self, problem: ImportProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _apply(planner: Planner, actor) -> ImportOutcome:
    outcome = ImportOutcome()
    created: dict[tuple[str, ...], Organization] = {}
    for planned in planner.organizations:
        parent = planned.parent or created.get(planned.parent_names)
        try:
            created[planned.names] = services.organization_create(
                name=planned.names[-1], kind=planned.kind, parent=parent,
                short_name=planned.short_name, sort_order=planned.sort_order, actor=actor,
            )
        except ValidationError as exc:
            raise _RowFailed(ImportProblem(ORG_SHEET, " ".join(exc.messages), row=planned.row,
                                           column=ORG_COLUMNS[0])) from exc
        outcome.organizations += 1

    people: dict[tuple[int, str], Person] = {}
    for planned in planner.assignments:
        organization = planned.organization or created[planned.org_names]
        try:
            person = planned.person or people.get((organization.pk, planned.name))
            if person is None:
                person = services.person_create(
                    name=planned.name, title=planned.title, organization=organization, actor=actor
                )
                people[(organization.pk, planned.name)] = person
                outcome.people += 1
            services.role_assign(
                person=person, organization=organization, role=planned.role,
                start_date=planned.start_date, end_date=planned.end_date,
                portfolio=planned.portfolio, actor=actor,
            )
        except ValidationError as exc:
            raise _RowFailed(ImportProblem(TEAM_SHEET, " ".join(exc.messages), row=planned.row,
                                           column=TEAM_COLUMNS[3])) from exc
        outcome.assignments += 1
    return outcome


def workbook_import(
    *,
    workbook: ImportWorkbook,
    actor,
    on_progress: Callable[[int], None] | None = None,
    on_applied: Callable[[ImportOutcome], None] | None = None,
) -> ImportOutcome:
    """Validate the whole workbook; if it is clean, import all of it in one transaction.

    A background import (importing.background) passes `on_progress(rows planned so far)` and
    `on_applied(outcome)`, which runs inside the import's transaction (the job ends with its data)."""
    planner = Planner(actor)
    try:
        planner.plan(workbook, on_progress)
    except SHEET_ERRORS:
        log.warning("import: unreadable workbook", exc_info=True)
        return ImportOutcome(problems=[ImportProblem(_("文件"), _corrupt())])
    finally:
        workbook.close()
    if planner.problems:
        return ImportOutcome(problems=sorted(planner.problems, key=lambda p: p.sort_key))
    try:
        with transaction.atomic():
            outcome = _apply(planner, actor)
            if on_applied is not None:
                on_applied(outcome)
            return outcome
    except _RowFailed as failed:
        # Something changed between validation and writing (a concurrent edit); nothing was kept.
        return ImportOutcome(problems=[failed.problem])
