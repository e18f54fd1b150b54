"""Reads. Every selector that lists things takes the user and returns a scoped queryset."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibilities.models import (
    RESPONSIBLE_ROLES,
    Department,
    DutyItem,
    Organization,
    Person,
    RoleAssignment,
)
from responsibilities.permissions import Capability, scope_paths, visible

Role = RoleAssignment.Role


def organizations_visible(user, capability: str = Capability.VIEW) -> QuerySet[Organization]:
    return visible(user, capability, Organization.objects.all())


def organization_roots(user) -> QuerySet[Organization]:
    """The top of each subtree the user may see: the first level of the tree page."""
    paths = scope_paths(user, Capability.VIEW)
    qs = Organization.objects.all()
    if paths is None:
        return qs.filter(depth=1).order_by("sort_order", "name", "path")
    return qs.filter(path__in=paths).order_by("sort_order", "name", "path")


def organization_children(user, parent: Organization) -> QuerySet[Organization]:
    children = Organization.objects.filter(
        path__startswith=parent.path, depth=parent.depth + 1
    ).order_by("sort_order", "name", "path")
    return visible(user, Capability.VIEW, children)


def organization_search(user, query: str, *, limit: int = 50) -> QuerySet[Organization]:
    qs = organizations_visible(user).filter(name__icontains=query.strip())
    return qs.order_by("depth", "sort_order", "name")[:limit]


def organization_ancestors(organization: Organization) -> QuerySet[Organization]:
    return Organization.objects.filter(path__in=organization.ancestor_paths[:-1]).order_by("depth")


def holders_on(organization: Organization, role: str, day: datetime.date) -> QuerySet[RoleAssignment]:
    """Who held `role` in `organization` on `day` (accountability attaches to them)."""
    return (
        RoleAssignment.objects.filter(organization=organization, role=role)
        .active_on(day)
        .select_related("person")
        .order_by("start_date", "pk")
    )


def holder_on(organization: Organization, role: str, day: datetime.date) -> Person | None:
    assignment = holders_on(organization, role, day).first()
    return assignment.person if assignment else None


def roles_of_person_on(person: Person, day: datetime.date) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(person=person)
        .active_on(day)
        .select_related("organization")
        .order_by("organization__path", "role")
    )


@dataclass
class LeadershipTeam:
    """An organization's leadership team and leading group on one date, grouped by role."""

    day: datetime.date
    secretary: list[RoleAssignment] = field(default_factory=list)
    direct: list[RoleAssignment] = field(default_factory=list)
    members: list[RoleAssignment] = field(default_factory=list)
    publicity: list[RoleAssignment] = field(default_factory=list)
    group_head: list[RoleAssignment] = field(default_factory=list)
    group_deputies: list[RoleAssignment] = field(default_factory=list)
    group_members: list[RoleAssignment] = field(default_factory=list)
    group_office_director: list[RoleAssignment] = field(default_factory=list)
    liaisons: list[RoleAssignment] = field(default_factory=list)

    _BUCKETS = {
        Role.SECRETARY: "secretary",
        Role.DIRECT: "direct",
        Role.MEMBER: "members",
        Role.PUBLICITY: "publicity",
        Role.GROUP_HEAD: "group_head",
        Role.GROUP_DEPUTY: "group_deputies",
        Role.GROUP_MEMBER: "group_members",
        Role.GROUP_OFFICE_DIRECTOR: "group_office_director",
        Role.LIAISON: "liaisons",
    }

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, bucket) for bucket in self._BUCKETS.values())

    @property
    def has_leading_group(self) -> bool:
        return any(
            (self.group_head, self.group_deputies, self.group_members, self.group_office_director)
        )


def leadership_team(organization: Organization, day: datetime.date | None = None) -> LeadershipTeam:
    day = day or timezone.localdate()
    team = LeadershipTeam(day=day)
    assignments = (
        RoleAssignment.objects.filter(organization=organization)
        .active_on(day)
        .select_related("person")
        .order_by("start_date", "pk")
    )
    for assignment in assignments:
        getattr(team, LeadershipTeam._BUCKETS[assignment.role]).append(assignment)
    return team


def _role_rank():
    """Roles in the order they are declared (第一责任人 first), not alphabetically by code."""
    from django.db.models import Case, IntegerField, Value, When

    return Case(
        *(When(role=code, then=Value(rank)) for rank, code in enumerate(Role.values)),
        output_field=IntegerField(),
    )


def role_history(organization: Organization) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(organization=organization)
        .select_related("person")
        .order_by(_role_rank(), "-start_date", "-pk")
    )


def organization_departments(organization: Organization) -> QuerySet[Department]:
    return organization.departments.order_by("kind")


def people_visible(user) -> QuerySet[Person]:
    return visible(user, Capability.VIEW, Person.objects.select_related("organization"), via="organization")


def person_roles(person: Person) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(person=person)
        .select_related("organization")
        .order_by("-start_date", "-pk")
    )


# -- obligations ----------------------------------------------------------------------

_STATUS_ORDER = {"overdue": 0, "open": 1, "done_late": 2, "done": 3, "waived": 4}


def obligations_visible(user, capability: str = Capability.VIEW):
    from responsibilities.models import Obligation

    return visible(
        user, capability,
        Obligation.objects.select_related("organization", "work_system"),
        via="organization",
    )


def my_open_obligations(user):
    """Open obligations where the user is responsible: a role holder for it, or staff of the organization.

    Overdue first, then by deadline.
    """
    from django.db.models import Case, IntegerField, Q, Value, When

    from responsibilities.models import (
        RESPONSIBLE_ROLES,
        Obligation,
        OrganizationGroupPermission,
        OrganizationUserPermission,
    )

    today = timezone.localdate()
    condition = Q(pk__in=[])
    person = getattr(user, "person", None)
    if person is not None:
        for responsible, roles in RESPONSIBLE_ROLES.items():
            orgs = RoleAssignment.objects.filter(person=person, role__in=roles).active_on(today)
            condition |= Q(responsible=responsible, organization__in=orgs.values("organization_id"))
    staff_orgs = OrganizationUserPermission.objects.filter(
        user=user, permission__codename="manage"
    ).values("content_object_id")
    group_staff_orgs = OrganizationGroupPermission.objects.filter(
        group__user=user, permission__codename="manage"
    ).values("content_object_id")
    condition |= Q(organization__in=staff_orgs) | Q(organization__in=group_staff_orgs)
    return (
        obligations_visible(user)
        .open()
        .filter(condition, period_start__lte=today)  # next period's tasks appear when it begins
        .annotate(
            overdue_first=Case(
                When(status=Obligation.Status.OVERDUE, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("overdue_first", "due_date", "organization__path", "work_system__sort_order")
    )


def unread_count(user) -> int:
    return user.notifications.filter(read_at__isnull=True).count()


def inbox(user):
    return user.notifications.select_related("obligation").order_by("-created_at", "-pk")


# ---------------------------------------------------------------------------------
# Responsibility list (责任清单): an organization's duty items and the cascade preview
# ---------------------------------------------------------------------------------


def role_holders_by_org(
    organization_ids: list[int], day: datetime.date | None = None
) -> dict[int, dict[str, list[Person]]]:
    """Who holds each role on `day`, per organization, in one query (same order as `holders_on`)."""
    day = day or timezone.localdate()
    holders: dict[int, dict[str, list[Person]]] = {}
    assignments = (
        RoleAssignment.objects.filter(organization_id__in=organization_ids)
        .active_on(day)
        .select_related("person")
        .order_by("start_date", "pk")
    )
    for assignment in assignments:
        people = holders.setdefault(assignment.organization_id, {}).setdefault(assignment.role, [])
        if assignment.person not in people:
            people.append(assignment.person)
    return holders


def responsible_holders(holders: dict[str, list[Person]], responsible: str) -> list[Person]:
    """The people answering for `responsible` (a `Responsible` value), given one organization's holders."""
    people: list[Person] = []
    for role in RESPONSIBLE_ROLES.get(responsible, ()):
        people.extend(p for p in holders.get(role, []) if p not in people)
    return people


def responsible_person_for(holders: dict[str, list[Person]], responsible: str) -> Person | None:
    """The one person a copied duty item is bound to: the holder of the first responsible role held.

    A role held by several people at once (班子成员) binds no single person: the duty is on all of them,
    and the list shows every current holder.
    """
    for role in RESPONSIBLE_ROLES.get(responsible, ()):
        people = holders.get(role, [])
        if people:
            return people[0] if len(people) == 1 else None
    return None


def duty_list(organization: Organization, day: datetime.date | None = None) -> list[DutyItem]:
    """The active duty items of `organization`, in order, each with `.holders`: the people who hold
    its responsible role on `day`. Two queries whatever the number of items."""
    holders = role_holders_by_org([organization.pk], day).get(organization.pk, {})
    items = list(
        DutyItem.objects.active()
        .filter(organization=organization)
        .select_related("responsible_person", "work_system", "source__organization")
        .order_by("sort_order", "pk")
    )
    for item in items:
        item.holders = responsible_holders(holders, item.responsible)
    return items


def duty_items_for_cascade(organization: Organization):
    """What `organization` can push down: its active items, and retired ones whose copies are still active."""
    active_copies = DutyItem.objects.filter(source=OuterRef("pk"), retired_at__isnull=True)
    return (
        DutyItem.objects.filter(organization=organization)
        .filter(Q(retired_at__isnull=True) | Exists(active_copies))
        .order_by("retired_at", "sort_order", "pk")
    )


def cascade_targets(user, organization: Organization) -> QuerySet[Organization]:
    """Every direct and indirect subordinate of `organization` the user may manage, in tree order."""
    below = Organization.objects.filter(path__startswith=organization.path, depth__gt=organization.depth)
    return visible(user, Capability.MANAGE, below).order_by("path")


# Fields a copy takes over from its source; `responsible_person` is resolved in the target instead.
DUTY_COPIED_FIELDS = (
    "content",
    "responsible",
    "lead_unit",
    "responsible_units",
    "verification",
    "work_system",
    "recurrence",
    "sort_order",
)


class CascadeAction(models.TextChoices):
    NEW = "new", _("新增")
    UPDATED = "updated", _("更新")
    RETIRED = "retired", _("停用")
    UNCHANGED = "unchanged", _("无变化")


@dataclass(frozen=True)
class DutyChange:
    """What pushing `source` to one target does to that target's copy."""

    source: object  # DutyItem
    action: str
    copy: object | None = None  # the target's existing copy, if any
    fields: tuple[str, ...] = ()  # for UPDATED: the fields whose values change
    responsible_person: Person | None = None  # for NEW and UPDATED: whom the copy binds

    @property
    def field_labels(self) -> list[str]:
        labels = {"retired_at": _("恢复启用")}
        return [labels.get(f) or DutyItem._meta.get_field(f).verbose_name for f in self.fields]

    @property
    def action_label(self) -> str:
        return CascadeAction(self.action).label


@dataclass
class CascadeTarget:
    organization: Organization
    changes: list[DutyChange] = field(default_factory=list)

    def _of(self, action: str) -> list[DutyChange]:
        return [c for c in self.changes if c.action == action]

    @property
    def new(self) -> list[DutyChange]:
        return self._of(CascadeAction.NEW)

    @property
    def updated(self) -> list[DutyChange]:
        return self._of(CascadeAction.UPDATED)

    @property
    def retired(self) -> list[DutyChange]:
        return self._of(CascadeAction.RETIRED)

    @property
    def unchanged(self) -> list[DutyChange]:
        return self._of(CascadeAction.UNCHANGED)

    @property
    def has_changes(self) -> bool:
        return any(c.action != CascadeAction.UNCHANGED for c in self.changes)


def _field_value(item, name: str):
    return item.work_system_id if name == "work_system" else getattr(item, name)


def _duty_change(source, copy, holders: dict[str, list[Person]]) -> DutyChange | None:
    if source.retired_at is not None:
        if copy is None:
            return None  # nothing was pushed, nothing to retire
        if copy.retired_at is None:
            return DutyChange(source, CascadeAction.RETIRED, copy)
        return DutyChange(source, CascadeAction.UNCHANGED, copy)
    if copy is None:
        person = responsible_person_for(holders, source.responsible)
        return DutyChange(source, CascadeAction.NEW, responsible_person=person)
    if copy.source_version >= source.version and copy.retired_at is None:
        return DutyChange(source, CascadeAction.UNCHANGED, copy)
    fields = [f for f in DUTY_COPIED_FIELDS if _field_value(copy, f) != _field_value(source, f)]
    # Keep a person the target chose itself unless the responsible role changes.
    person = copy.responsible_person
    if copy.responsible != source.responsible or person is None:
        person = responsible_person_for(holders, source.responsible)
    if (person.pk if person else None) != copy.responsible_person_id:
        fields.append("responsible_person")
    if copy.retired_at is not None:
        fields.append("retired_at")
    return DutyChange(source, CascadeAction.UPDATED, copy, tuple(fields), person)


def duty_cascade_preview(
    *, source_org: Organization, items, targets, day: datetime.date | None = None
) -> list[CascadeTarget]:
    """Per target, what pushing `items` of `source_org` would do: new / updated (with the changed
    fields) / retired / unchanged. Three queries whatever the number of items and targets; the
    cascade service applies exactly this plan."""
    sources = sorted(items, key=lambda i: (i.sort_order, i.pk))
    targets = sorted(targets, key=lambda o: o.path)
    target_ids = [t.pk for t in targets]
    copies = {
        (c.organization_id, c.source_id): c
        for c in DutyItem.objects.filter(source__in=[s.pk for s in sources], organization_id__in=target_ids)
        .select_related("responsible_person")
    }
    holders = role_holders_by_org(target_ids, day)
    plan = []
    for target in targets:
        entry = CascadeTarget(organization=target)
        for source in sources:
            change = _duty_change(source, copies.get((target.pk, source.pk)), holders.get(target.pk, {}))
            if change is not None:
                entry.changes.append(change)
        plan.append(entry)
    return plan


# ---------------------------------------------------------------------------------
# Dashboards: the compliance matrix (合规矩阵) and the charts (统计图表)
# ---------------------------------------------------------------------------------
# Kept together and self-contained (own imports) so the section can move into its own
# module when this file grows past ~800 lines.

from collections import defaultdict  # noqa: E402
from collections.abc import Sequence  # noqa: E402

from django.db import connection  # noqa: E402
from django.db.models import Count, TextChoices  # noqa: E402
from django.db.models.functions import Substr  # noqa: E402
from django.utils.translation import gettext_lazy  # noqa: E402

from responsibilities.models import Frequency, Obligation, WorkSystem  # noqa: E402
from responsibilities.periods import Period  # noqa: E402


class StatusBucket(TextChoices):
    """How the dashboards count obligations. Done includes done late; waived is shown apart
    and left out of the completion rate (a waived obligation was never due)."""

    DONE = "done", gettext_lazy("已完成")
    OPEN = "open", gettext_lazy("待办")
    OVERDUE = "overdue", gettext_lazy("逾期")
    WAIVED = "waived", gettext_lazy("免除")


BUCKET_STATUSES: dict[str, tuple[str, ...]] = {
    StatusBucket.DONE: (Obligation.Status.DONE, Obligation.Status.DONE_LATE),
    StatusBucket.OPEN: (Obligation.Status.OPEN,),
    StatusBucket.OVERDUE: (Obligation.Status.OVERDUE,),
    StatusBucket.WAIVED: (Obligation.Status.WAIVED,),
}
_BUCKET_OF = {status: bucket for bucket, statuses in BUCKET_STATUSES.items() for status in statuses}


@dataclass
class Counts:
    """Obligations of one matrix cell (or row, or quarter) by bucket."""

    done: int = 0
    open: int = 0
    overdue: int = 0
    waived: int = 0

    def add(self, status: str, n: int) -> None:
        bucket = _BUCKET_OF[status]
        setattr(self, bucket, getattr(self, bucket) + n)

    def __add__(self, other: Counts) -> Counts:
        result = Counts(self.done, self.open, self.overdue, self.waived)
        result += other
        return result

    def __iadd__(self, other: Counts) -> Counts:
        self.done += other.done
        self.open += other.open
        self.overdue += other.overdue
        self.waived += other.waived
        return self

    @property
    def due(self) -> int:
        """What the completion rate is taken over: everything but the waived."""
        return self.done + self.open + self.overdue

    @property
    def total(self) -> int:
        return self.due + self.waived

    @property
    def rate(self) -> float | None:
        """Percentage done of what was due, one decimal; None when nothing was due."""
        return round(100 * self.done / self.due, 1) if self.due else None


# Row path → work system id → counts. A row path is the path of a row's organization; the
# counts summarise that organization's whole subtree (or, for the parent's own key, only
# the parent's own obligations).
MatrixCounts = dict[str, dict[int, Counts]]


def _row_length(organization: Organization) -> int:
    """Length of a direct child's path: the prefix that names the row an obligation falls in."""
    return len(organization.path) + Organization.steplen


def _obligations_under(prefixes: Sequence[str], period: Period, kind: str, status: str):
    from django.db.models import Q

    condition = Q()
    for prefix in prefixes:
        condition |= Q(organization__path__startswith=prefix)
    qs = Obligation.objects.filter(condition).in_period(period.start, period.end)
    if kind:
        qs = qs.filter(organization__kind=kind)
    if status:
        qs = qs.filter(status__in=BUCKET_STATUSES[status])
    return qs


def _compliance_counts_under(
    prefixes: Sequence[str], row_length: int, period: Period, *, kind: str = "", status: str = ""
) -> MatrixCounts:
    """One grouped query: obligations under `prefixes`, grouped by the first `row_length`
    characters of their organization's path, work system and status."""
    rows = (
        _obligations_under(prefixes, period, kind, status)
        .annotate(row=Substr("organization__path", 1, row_length))
        .order_by()  # the model's default ordering would join the GROUP BY
        .values_list("row", "work_system_id", "status")
        .annotate(n=Count("pk"))
    )
    result: MatrixCounts = defaultdict(lambda: defaultdict(Counts))
    for row, system_id, state, n in rows:
        result[row][system_id].add(state, n)
    return {row: dict(by_system) for row, by_system in result.items()}


def compliance_counts(
    root: Organization, period: Period, *, kind: str = "", status: str = ""
) -> MatrixCounts:
    """The matrix numbers under `root` in one grouped query.

    Keyed by each direct child's path (its whole subtree) and by `root.path` (the root's
    own obligations). Counts obligations whose period lies within `period`; `kind` keeps
    only obligations of organizations of that kind, `status` only one StatusBucket.
    """
    return _compliance_counts_under([root.path], _row_length(root), period, kind=kind, status=status)


def compliance_counts_raw_sql(
    root: Organization, period: Period, *, kind: str = "", status: str = ""
) -> MatrixCounts:
    """The same numbers as `compliance_counts` from one hand-written SQL aggregate.

    The yardstick for the ORM query (bench/obligations.py compares their timings) and a
    cross-check in the tests. Plain SQL that runs on SQLite and PostgreSQL alike.
    """
    ops = connection.ops
    sql = (
        "SELECT SUBSTR(o.path, 1, %s), ob.work_system_id, ob.status, COUNT(*) "  # noqa: S608 (table names from model meta)
        f"FROM {Obligation._meta.db_table} ob "
        f"JOIN {Organization._meta.db_table} o ON o.id = ob.organization_id "
        "WHERE o.path LIKE %s AND ob.period_start >= %s AND ob.period_end <= %s"
    )
    # Paths use only [0-9A-Z], so the prefix needs no LIKE escaping.
    params: list = [
        _row_length(root), f"{root.path}%",
        ops.adapt_datefield_value(period.start), ops.adapt_datefield_value(period.end),
    ]
    if kind:
        sql += " AND o.kind = %s"
        params.append(kind)
    if status:
        statuses = BUCKET_STATUSES[status]
        sql += f" AND ob.status IN ({', '.join(['%s'] * len(statuses))})"
        params += list(statuses)
    sql += " GROUP BY 1, 2, 3"
    result: MatrixCounts = defaultdict(lambda: defaultdict(Counts))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row, system_id, state, n in cursor.fetchall():
            result[row][system_id].add(state, n)
    return {row: dict(by_system) for row, by_system in result.items()}


def organization_lineage(pk) -> list[Organization]:
    """The organization `pk` and its ancestors, root first, in one query (empty if it does not exist).

    Saves the matrix page a query for its breadcrumbs: ancestors are the organizations whose
    path is a prefix of the chosen one's.
    """
    from django.db.models import F, Subquery

    chosen_path = Organization.objects.filter(pk=pk).values("path")[:1]
    return list(
        Organization.objects.annotate(chosen_path=Subquery(chosen_path))
        .filter(chosen_path__startswith=F("path"))
        .order_by("depth")
    )


def matrix_systems() -> list[WorkSystem]:
    """The matrix columns: every scheduled work system (as-needed ones have no obligations)."""
    return list(WorkSystem.objects.exclude(frequency=Frequency.AS_NEEDED).order_by("sort_order", "code"))


@dataclass
class MatrixRow:
    """One line of the matrix: an organization's subtree, its own obligations, or a total."""

    organization: Organization | None
    cells: list[tuple[WorkSystem, Counts]]
    total: Counts
    level: int = 0
    own: bool = False  # only the organization's own obligations (本级), not its subtree
    summary: bool = False  # the sum of the rows below it

    @property
    def expandable(self) -> bool:
        return not (self.own or self.summary) and self.organization is not None and self.organization.numchild > 0

    @property
    def scope_query(self) -> str:
        """The row's organization as query parameters of the drill-down list."""
        if self.organization is None:
            return ""
        return f"org={self.organization.pk}&own=1" if self.own else f"org={self.organization.pk}"


def _matrix_row(
    organization: Organization | None, by_system: dict[int, Counts], systems: list[WorkSystem], **flags
) -> MatrixRow:
    cells = [(system, by_system.get(system.pk) or Counts()) for system in systems]
    total = Counts()
    for _system, counts in cells:
        total += counts
    return MatrixRow(organization=organization, cells=cells, total=total, **flags)


def _merged(parts: Sequence[dict[int, Counts]]) -> dict[int, Counts]:
    merged: dict[int, Counts] = defaultdict(Counts)
    for part in parts:
        for system_id, counts in part.items():
            merged[system_id] += counts
    return dict(merged)


def _counts_for_roots(roots: Sequence[Organization], period: Period, **filters) -> MatrixCounts:
    """Each root's whole subtree, keyed by its path: one grouped query per depth among the roots."""
    by_length: dict[int, list[str]] = defaultdict(list)
    for root in roots:
        by_length[len(root.path)].append(root.path)
    counts: MatrixCounts = {}
    for length, paths in sorted(by_length.items()):
        counts.update(_compliance_counts_under(paths, length, period, **filters))
    return counts


@dataclass
class ComplianceMatrix:
    systems: list[WorkSystem]
    summary: MatrixRow  # the whole scope: the organization's subtree, or all the roots together
    rows: list[MatrixRow]
    parent: Organization | None  # whose rows these are (None: several scope roots)

    @property
    def all_rows(self) -> list[MatrixRow]:
        return [self.summary, *self.rows]


def compliance_matrix(
    user,
    scope: Organization | Sequence[Organization],
    period: Period,
    *,
    kind: str = "",
    status: str = "",
    level: int = 0,
    systems: list[WorkSystem] | None = None,
) -> ComplianceMatrix:
    """The matrix for one organization's direct subordinates or for several scope roots.

    For an organization: a summary row (its subtree), a 本级 row (its own obligations, when
    it has any) and a row per direct subordinate the user may see, each summarising its
    subtree. For several roots (a user whose grants sit in separate subtrees): a total row
    and one row per root. The caller has checked that the user may view `scope`.
    """
    systems = matrix_systems() if systems is None else systems
    filters = {"kind": kind, "status": status}
    if isinstance(scope, Organization):
        counts = compliance_counts(scope, period, **filters)
        children = organization_children(user, scope)
        summary = _matrix_row(scope, _merged(list(counts.values())), systems, level=level, summary=True)
        rows = []
        if scope.path in counts:
            rows.append(_matrix_row(scope, counts[scope.path], systems, level=level + 1, own=True))
        rows += [_matrix_row(child, counts.get(child.path, {}), systems, level=level + 1) for child in children]
        return ComplianceMatrix(systems, summary, rows, scope)
    roots = list(scope)
    counts = _counts_for_roots(roots, period, **filters)
    summary = _matrix_row(None, _merged(list(counts.values())), systems, level=level, summary=True)
    rows = [_matrix_row(root, counts.get(root.path, {}), systems, level=level + 1) for root in roots]
    return ComplianceMatrix(systems, summary, rows, None)


def obligations_for_dashboard(
    user,
    *,
    organization: Organization | None,
    period: Period,
    system: WorkSystem | None = None,
    kind: str = "",
    status: str = "",
    own: bool = False,
):
    """The drill-down list behind a matrix cell: scoped to the user, then to the organization's
    subtree (or only the organization itself with `own`)."""
    qs = obligations_visible(user).in_period(period.start, period.end)
    if organization is not None:
        if own:
            qs = qs.filter(organization=organization)
        else:
            qs = qs.filter(organization__path__startswith=organization.path)
    if system is not None:
        qs = qs.filter(work_system=system)
    if kind:
        qs = qs.filter(organization__kind=kind)
    if status:
        qs = qs.filter(status__in=BUCKET_STATUSES[status])
    return qs.order_by("organization__path", "work_system__sort_order", "period_start", "pk")


_QUARTER_LABELS = (gettext_lazy("第一季度"), gettext_lazy("第二季度"), gettext_lazy("第三季度"), gettext_lazy("第四季度"))


def chart_data(user, scope: Organization | Sequence[Organization], year: int) -> dict:
    """Numbers for the charts page, ready for json_script.

    quarters: completion per quarter of `year`; an obligation counts in the quarter its
    period ends in (months and quarters in their own quarter, H1 in Q2, H2 and the year in
    Q4). subordinates: overdue obligations (still open, and done late) per direct
    subordinate of the organization, or per scope root. One grouped query per depth.
    """
    period = Period.parse(str(year))
    if isinstance(scope, Organization):
        groups = [([scope.path], _row_length(scope))]
        rows = list(organization_children(user, scope))
    else:
        rows = list(scope)
        by_length: dict[int, list[str]] = defaultdict(list)
        for root in rows:
            by_length[len(root.path)].append(root.path)
        groups = sorted((paths, length) for length, paths in by_length.items())
    quarters = [Counts() for _q in range(4)]
    late: dict[str, dict[str, int]] = defaultdict(lambda: {"overdue": 0, "done_late": 0})
    for prefixes, length in groups:
        # Grouped by the end date itself (a dozen values a year, which the planner knows from
        # its statistics) rather than by EXTRACT(QUARTER …), whose unknown cardinality made
        # PostgreSQL sort 200k rows on disk instead of hashing them.
        grouped = (
            _obligations_under(prefixes, period, "", "")
            .annotate(row=Substr("organization__path", 1, length))
            .order_by()
            .values_list("row", "period_end", "status")
            .annotate(n=Count("pk"))
        )
        for row, period_end, state, n in grouped:
            quarters[(period_end.month - 1) // 3].add(state, n)
            if state in (Obligation.Status.OVERDUE, Obligation.Status.DONE_LATE):
                late[row][state] += n
    return {
        "year": year,
        "quarters": {
            "labels": [str(label) for label in _QUARTER_LABELS],
            "rate": [q.rate for q in quarters],
            "done": [q.done for q in quarters],
            "open": [q.open for q in quarters],
            "overdue": [q.overdue for q in quarters],
            "waived": [q.waived for q in quarters],
        },
        "subordinates": {
            "labels": [org.name for org in rows],
            "ids": [org.pk for org in rows],
            # Still overdue, and overdue but since completed (逾期完成).
            "overdue": [late[org.path]["overdue"] if org.path in late else 0 for org in rows],
            "done_late": [late[org.path]["done_late"] if org.path in late else 0 for org in rows],
        },
    }


# -- organization selects ----------------------------------------------------------------------

CHOICE_LEVELS = 2  # a scope root and two levels below it in a select; others come via ?org=<pk>
CHOICE_LIMIT = 300


def organization_choices(
    user, capability: str = Capability.VIEW, *, include: Organization | None = None
) -> list[tuple[int, str]]:
    """Organizations for a form's select: where `user` holds `capability`, each scope root and
    two levels below it, indented. A scope may hold thousands of organizations; any other one
    is reached from its own page (`?org=<pk>`), which adds it here as `include`."""
    from django.db.models import Q

    paths = scope_paths(user, capability)
    step = Organization.steplen
    if paths is None:
        condition = Q(depth__lte=1 + CHOICE_LEVELS)
    else:
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(path__startswith=path, depth__lte=len(path) // step + CHOICE_LEVELS)
    orgs = list(
        Organization.objects.filter(condition).order_by("path").values_list("pk", "path", "depth", "name")[
            :CHOICE_LIMIT
        ]
    )
    if include is not None and include.pk not in {pk for pk, *_rest in orgs}:
        orgs.append((include.pk, include.path, include.depth, include.name))
        orgs.sort(key=lambda row: row[1])
    top = min((depth for _pk, _path, depth, _name in orgs), default=1)
    return [(pk, "\u3000" * (depth - top) + name) for pk, _path, depth, name in orgs]
