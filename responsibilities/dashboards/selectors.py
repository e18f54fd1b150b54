"""Reads for the dashboards: compliance counts per subtree, the matrix, the drill-down list, charts."""

from __future__ import annotations

# ---------------------------------------------------------------------------------
# Dashboards: the compliance matrix (合规矩阵) and the charts (统计图表)
# ---------------------------------------------------------------------------------
# Kept together and self-contained (own imports) so the section can move into its own
# module when this file grows past ~800 lines.
import datetime
from collections import defaultdict  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import dataclass

from django.db import (
    connection,  # noqa: E402
)
from django.db.models import Case, Count, F, Q, TextChoices, Value, When  # noqa: E402
from django.db.models.functions import Substr  # noqa: E402
from django.utils import timezone
from django.utils.translation import gettext_lazy  # noqa: E402

from responsibilities.models import (  # noqa: E402
    Frequency,
    Obligation,
    Organization,
    WorkSystem,
)
from responsibilities.org.selectors import organization_children
from responsibilities.periods import Period  # noqa: E402
from responsibilities.work.selectors import (
    obligations_visible,
    obligations_with_entry_mark,
    obligations_with_entry_marks,
)


class StatusBucket(TextChoices):
    """How the dashboards count obligations. Done includes done late and done ahead of the
    deadline; an open obligation whose deadline has not come yet is 进行中 (pending) and left
    out of the completion rate, as is a waived one (never due)."""

    DONE = "done", gettext_lazy("已完成")
    PENDING = "pending", gettext_lazy("进行中")
    OPEN = "open", gettext_lazy("待办")
    OVERDUE = "overdue", gettext_lazy("逾期")
    WAIVED = "waived", gettext_lazy("免除")


# The states each bucket counts: an Obligation.Status, or 'pending' (see `dashboard_state`).
BUCKET_STATUSES: dict[str, tuple[str, ...]] = {
    StatusBucket.DONE: (Obligation.Status.DONE, Obligation.Status.DONE_LATE),
    StatusBucket.PENDING: (StatusBucket.PENDING.value,),
    StatusBucket.OPEN: (Obligation.Status.OPEN,),
    StatusBucket.OVERDUE: (Obligation.Status.OVERDUE,),
    StatusBucket.WAIVED: (Obligation.Status.WAIVED,),
}
_BUCKET_OF = {status: bucket for bucket, statuses in BUCKET_STATUSES.items() for status in statuses}


def dashboard_state(today: datetime.date) -> Case:
    """The state an obligation is counted under on `today`: its status, except 'pending' (进行中)
    while it is open before its deadline day or has no deadline. So 待办 (open) means due today
    or already past due and not yet swept to 逾期."""
    not_yet_due = Q(status=Obligation.Status.OPEN) & (Q(due_date__gt=today) | Q(due_date__isnull=True))
    return Case(When(not_yet_due, then=Value(StatusBucket.PENDING.value)), default=F("status"))


@dataclass
class Counts:
    """Obligations of one matrix cell (or row, or quarter) by bucket.

    The one owner of "completion rate" (完成率): done ÷ (done + open + overdue), i.e. over the
    obligations already due or already done; 进行中 (pending: open, deadline not reached) and
    免除 (waived) are shown apart and never lower it.
    """

    done: int = 0
    open: int = 0
    overdue: int = 0
    waived: int = 0
    pending: int = 0

    def add(self, status: str, n: int) -> None:
        """Count `n` obligations of an Obligation.Status, or of 'pending' (see `dashboard_state`)."""
        bucket = _BUCKET_OF[status]
        setattr(self, bucket, getattr(self, bucket) + n)

    def __add__(self, other: Counts) -> Counts:
        result = Counts(self.done, self.open, self.overdue, self.waived, self.pending)
        result += other
        return result

    def __iadd__(self, other: Counts) -> Counts:
        self.done += other.done
        self.open += other.open
        self.overdue += other.overdue
        self.waived += other.waived
        self.pending += other.pending
        return self

    @property
    def due(self) -> int:
        """What the completion rate is taken over: what is due or already done."""
        return self.done + self.open + self.overdue

    @property
    def total(self) -> int:
        return self.due + self.waived + self.pending

    @property
    def rate(self) -> float | None:
        """Percentage done of what was due, one decimal; None when nothing was due yet."""
        return round(100 * self.done / self.due, 1) if self.due else None


# Row path → work system id → counts. A row path is the path of a row's organization; the
# counts summarise that organization's whole subtree (or, for the parent's own key, only
# the parent's own obligations).
MatrixCounts = dict[str, dict[int, Counts]]


def _row_length(organization: Organization) -> int:
    """Length of a direct child's path: the prefix that names the row an obligation falls in."""
    return len(organization.path) + Organization.steplen


def _obligations_under(
    prefixes: Sequence[str], period: Period, kind: str, status: str, today: datetime.date | None = None
):
    """Obligations under `prefixes` in `period`, annotated with their `state` on `today` (default: today)."""
    condition = Q()
    for prefix in prefixes:
        condition |= Q(organization__path__startswith=prefix)
    qs = (Obligation.objects.filter(condition).in_period(period.start, period.end)
          .annotate(state=dashboard_state(today or timezone.localdate())))
    if kind:
        qs = qs.filter(organization__kind=kind)
    if status:
        qs = qs.filter(state__in=BUCKET_STATUSES[status])
    return qs


def _compliance_counts_under(
    prefixes: Sequence[str], row_length: int, period: Period, *, kind: str = "", status: str = "",
    today: datetime.date | None = None,
) -> MatrixCounts:
    """One grouped query: obligations under `prefixes`, grouped by the first `row_length`
    characters of their organization's path, work system and state (`dashboard_state`)."""
    rows = (
        _obligations_under(prefixes, period, kind, status, today)
        .annotate(row=Substr("organization__path", 1, row_length))
        .order_by()  # the model's default ordering would join the GROUP BY
        .values_list("row", "work_system_id", "state")
        # COUNT(*), not COUNT(id): with it PostgreSQL hashes the groups instead of sorting every row
        # (the sort spilled to disk; about twice as slow at 10,000 organizations, bench/scale.py).
        .annotate(n=Count("*"))
    )
    result: MatrixCounts = defaultdict(lambda: defaultdict(Counts))
    for row, system_id, state, n in rows:
        result[row][system_id].add(state, n)
    return {row: dict(by_system) for row, by_system in result.items()}


def compliance_counts(
    root: Organization, period: Period, *, kind: str = "", status: str = "", today: datetime.date | None = None
) -> MatrixCounts:
    """The matrix numbers under `root` in one grouped query.

    Keyed by each direct child's path (its whole subtree) and by `root.path` (the root's
    own obligations). Counts obligations whose period lies within `period`; `kind` keeps
    only obligations of organizations of that kind, `status` only one StatusBucket (as it
    stands on `today`, by default the local date).
    """
    return _compliance_counts_under(
        [root.path], _row_length(root), period, kind=kind, status=status, today=today
    )


def compliance_counts_raw_sql(
    root: Organization, period: Period, *, kind: str = "", status: str = "", today: datetime.date | None = None
) -> MatrixCounts:
    """The same numbers as `compliance_counts` from one hand-written SQL aggregate.

    The yardstick for the ORM query (bench/obligations.py compares their timings) and a
    cross-check in the tests. Plain SQL that runs on SQLite and PostgreSQL alike.
    """
    ops = connection.ops
    day = ops.adapt_datefield_value(today or timezone.localdate())
    # dashboard_state() by hand: open before the deadline day (or without one) counts as pending.
    state = "CASE WHEN ob.status = 'open' AND (ob.due_date IS NULL OR ob.due_date > %s) THEN 'pending' ELSE ob.status END"
    sql = (
        f"SELECT SUBSTR(o.path, 1, %s), ob.work_system_id, {state}, COUNT(*) "  # noqa: S608 (table names from model meta)
        f"FROM {Obligation._meta.db_table} ob "
        f"JOIN {Organization._meta.db_table} o ON o.id = ob.organization_id "
        "WHERE o.path LIKE %s AND ob.period_start >= %s AND ob.period_end <= %s"
    )
    # Paths use only [0-9A-Z], so the prefix needs no LIKE escaping.
    params: list = [
        _row_length(root), day, f"{root.path}%",
        ops.adapt_datefield_value(period.start), ops.adapt_datefield_value(period.end),
    ]
    if kind:
        sql += " AND o.kind = %s"
        params.append(kind)
    if status:
        statuses = BUCKET_STATUSES[status]
        sql += f" AND {state} IN ({', '.join(['%s'] * len(statuses))})"
        params += [day, *statuses]
    sql += " GROUP BY 1, 2, 3"
    result: MatrixCounts = defaultdict(lambda: defaultdict(Counts))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row, system_id, state, n in cursor.fetchall():
            result[row][system_id].add(state, n)
    return {row: dict(by_system) for row, by_system in result.items()}


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
    entry: str = "",
):
    """The drill-down list behind a matrix cell: scoped to the user, then to the organization's
    subtree (or only the organization itself with `own`); with `entry` ("late" 补录, "proxy" 代填)
    only obligations with a meeting record so marked (work.selectors.obligations_with_entry_mark)."""
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
        qs = qs.annotate(state=dashboard_state(timezone.localdate())).filter(state__in=BUCKET_STATUSES[status])
    if entry:
        qs = obligations_with_entry_mark(qs, entry)
    qs = obligations_with_entry_marks(qs)
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
            .values_list("row", "period_end", "state")
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
            "pending": [q.pending for q in quarters],
        },
        "subordinates": {
            "labels": [org.name for org in rows],
            "ids": [org.pk for org in rows],
            # Still overdue, and overdue but since completed (逾期完成).
            "overdue": [late[org.path]["overdue"] if org.path in late else 0 for org in rows],
            "done_late": [late[org.path]["done_late"] if org.path in late else 0 for org in rows],
        },
    }
