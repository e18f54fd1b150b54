"""The scheduler's services: generate obligations, send reminders, mark overdue and escalate.

Every function here is idempotent and safe to run late or twice at once:
- generation inserts with ON CONFLICT DO NOTHING against the unique
  (organization, work system, period) constraint;
- sweeps select by the due-ness stored on the row (`next_reminder_at`, `due_at`)
  and claim rows with a conditional `UPDATE … WHERE <old state> RETURNING id`,
  acting only on the rows they won;
- notifications are unique per (obligation, kind, offset, recipient), and the
  e-mail outbox claims `emailed_at` the same way.
Celery tasks (tasks.py) only call these.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from responsibilities.models import (
    RESPONSIBLE_ROLES,
    Frequency,
    Notification,
    Obligation,
    ObligationEvent,
    Organization,
    WorkCalendarDay,
    WorkSystem,
    WorkSystemOverride,
)
from responsibilities.org.selectors import role_holder_users, staff_of
from responsibilities.periods import (
    Period,
    PeriodKind,
    WorkdayCalendar,
    deadline_for,
    reminder_days,
)
from responsibilities.text import chinese_date, display_name

log = logging.getLogger(__name__)

REMINDER_HOUR = 9  # reminders go out at 09:00 Beijing time on their day
BATCH = 5000
INVALID = object()  # a deadline rule that cannot be applied (logged, skipped)
ANALYZE_AFTER = 10_000  # rows inserted at once before the planner's statistics are refreshed


# -- calendar ---------------------------------------------------------------------


def work_calendar() -> WorkdayCalendar:
    """China's working-day calendar as stored in the editable WorkCalendarDay table."""
    holidays, workdays, years = set(), set(), set()
    for day, kind in WorkCalendarDay.objects.values_list("date", "kind"):
        (holidays if kind == WorkCalendarDay.Kind.HOLIDAY else workdays).add(day)
        years.add(day.year)
    return WorkdayCalendar(frozenset(holidays), frozenset(workdays), frozenset(years))


def calendar_missing_for_next_year(today: datetime.date | None = None) -> int | None:
    """The coming year, when it is November or later and the calendar has no entries for it yet."""
    today = today or timezone.localdate()
    if today.month < 11:
        return None
    year = today.year + 1
    has_year = WorkCalendarDay.objects.filter(date__year=year).exists()
    return None if has_year else year


def local_moment(day: datetime.date, hour: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def due_moment(due_date: datetime.date) -> datetime.datetime:
    """The first moment an obligation is late: midnight after its deadline day, Beijing time."""
    return local_moment(due_date + datetime.timedelta(days=1))


# -- effective rules ----------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A work system's rule as it applies to one organization after overrides."""

    enabled: bool
    frequency: str
    required_count: int
    deadline_rule: str
    deadline_days: int
    fixed_dates: str


_OVERRIDABLE = ("frequency", "required_count", "deadline_rule", "deadline_days", "fixed_dates")


class RuleBook:
    """Resolves each organization's rules: the work system's defaults, then overrides from the root down."""

    def __init__(self, systems: Iterable[WorkSystem] | None = None):
        self.systems = list(systems if systems is not None else WorkSystem.objects.all())
        self._overrides: dict[tuple[str, int], WorkSystemOverride] = {
            (o.organization.path, o.work_system_id): o
            for o in WorkSystemOverride.objects.select_related("organization")
        }

    def rule(self, system: WorkSystem, path: str, kind: str) -> Rule:
        values = {name: getattr(system, name) for name in _OVERRIDABLE}
        enabled = kind in system.applies_to
        if self._overrides:
            step = Organization.steplen
            for depth in range(1, len(path) // step + 1):
                override = self._overrides.get((path[: depth * step], system.pk))
                if override is None:
                    continue
                if override.enabled is not None:
                    enabled = override.enabled
                for name in _OVERRIDABLE:
                    value = getattr(override, name)
                    if value not in (None, ""):
                        values[name] = value
        return Rule(enabled=enabled, **values)


def cascaded_offsets(orgs: dict[str, int]) -> dict[str, int]:
    """Days to subtract from a cascaded deadline, per organization path.

    A subordinate's deadline is its upper organization's deadline minus the upper
    organization's lead time, all the way up: offset(O) = offset(parent) + lead(parent).
    `orgs` maps every relevant path to that organization's lead days.
    """
    step = Organization.steplen
    offsets: dict[str, int] = {}
    for path in sorted(orgs, key=len):
        parent = path[:-step]
        offsets[path] = offsets.get(parent, 0) + orgs[parent] if parent in orgs else 0
    return offsets


def next_reminder(due: datetime.date | None, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """When the reminder sweep should next look at an obligation due on `due` (None: never again)."""
    if due is None:
        return None
    now = now or timezone.now()
    days = reminder_days(due, list(settings.ZEREN_REMINDER_DAYS), work_calendar())
    if due_moment(due) <= now or not days:
        return None
    future = [local_moment(day, REMINDER_HOUR) for _offset, day in days if local_moment(day, REMINDER_HOUR) > now]
    return future[0] if future else None


# -- generation -------------------------------------------------------------------


def periods_to_generate(today: datetime.date) -> list[Period]:
    """The current and the next period of every frequency."""
    result = []
    for kind in PeriodKind:
        current = Period.containing(kind, today)
        result += [current, current.next()]
    return result


class _Moments:
    """Deadline moments and first reminders, computed once per distinct due date."""

    def __init__(self, calendar_: WorkdayCalendar, offsets: list[int], now: datetime.datetime):
        self.calendar, self.offsets, self.now = calendar_, offsets, now
        self._cache: dict[datetime.date, tuple[datetime.datetime, datetime.datetime | None]] = {}

    def __call__(self, due: datetime.date) -> tuple[datetime.datetime, datetime.datetime | None]:
        if due not in self._cache:
            late_from = due_moment(due)
            days = reminder_days(due, self.offsets, self.calendar)
            first = local_moment(days[0][1], REMINDER_HOUR) if days and late_from > self.now else None
            self._cache[due] = (late_from, first)
        return self._cache[due]


_COLUMNS = (
    "organization_id", "work_system_id", "period", "period_start", "period_end", "due_date", "due_at",
    "required_count", "responsible", "status", "next_reminder_at", "waived_reason", "created_at",
)


def _insert_raw(model, columns: tuple[str, ...], rows: list[tuple], conflict: str = "ON CONFLICT DO NOTHING") -> int:
    """Insert plain tuples, skipping rows that hit a unique constraint; returns how many were inserted.

    Hundreds of thousands of rows: building model instances for bulk_create costs more than the database work.
    """
    if not rows:
        return 0
    table = model._meta.db_table
    names = ", ".join(columns)
    inserted = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            for start in range(0, len(rows), BATCH):
                execute_values(
                    cursor.cursor, f"INSERT INTO {table} ({names}) VALUES %s {conflict}",  # noqa: S608
                    rows[start : start + BATCH], page_size=BATCH,
                )
                inserted += cursor.cursor.rowcount
        else:
            adapt = connection.ops.adapt_datetimefield_value
            placeholders = ", ".join(["%s"] * len(columns))
            prepared = [tuple(adapt(v) if isinstance(v, datetime.datetime) else v for v in row) for row in rows]
            before = model.objects.count()
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({placeholders}) {conflict}", prepared  # noqa: S608
            )
            inserted = model.objects.count() - before
    return inserted


@transaction.atomic
def obligations_generate(
    *,
    periods: Iterable[Period],
    organizations: Iterable[Organization] | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Create the missing obligations for `periods` (all organizations unless given). Returns rows inserted."""
    now = now or timezone.now()
    periods = list(periods)
    calendar_ = work_calendar()
    book = RuleBook()
    systems = [s for s in book.systems if s.frequency != Frequency.AS_NEEDED]
    if organizations is None:
        org_rows = list(Organization.objects.values_list("pk", "path", "kind", "report_lead_days"))
    else:
        org_rows = [(o.pk, o.path, o.kind, o.report_lead_days) for o in organizations]
    # Cascaded deadlines need the lead days of every ancestor, even outside `organizations`.
    leads = {path: lead for _pk, path, _kind, lead in org_rows}
    missing = {p for _pk, path, _k, _l in org_rows for p in _ancestor_paths(path) if p not in leads}
    if missing:
        leads.update(Organization.objects.filter(path__in=missing).values_list("path", "report_lead_days"))
    offset_of = cascaded_offsets(leads)

    existing = set(
        Obligation.objects.filter(period__in={p.code for p in periods}).values_list(
            "organization_id", "work_system_id", "period"
        )
    )
    moments = _Moments(calendar_, list(settings.ZEREN_REMINDER_DAYS), now)
    deadlines: dict[tuple, datetime.date | None] = {}
    rows: list[tuple] = []
    for pk, path, kind, _lead in org_rows:
        for system in systems:
            rule = book.rule(system, path, kind)
            if not rule.enabled:
                continue
            for period in periods:
                if period.kind != rule.frequency or (pk, system.pk, period.code) in existing:
                    continue
                key = (period, rule.deadline_rule, rule.deadline_days, rule.fixed_dates)
                if key not in deadlines:
                    try:
                        deadlines[key] = deadline_for(
                            period, rule.deadline_rule, days=rule.deadline_days,
                            fixed_dates=rule.fixed_dates, calendar_=calendar_,
                        )
                    except ValueError:
                        # One badly configured rule must not stop the others' generation.
                        log.exception("work system %s: bad deadline rule for %s at %s", system.code, period, path)
                        deadlines[key] = INVALID
                due = deadlines[key]
                if due is INVALID:
                    continue
                if due is not None and system.cascaded:
                    due -= datetime.timedelta(days=offset_of.get(path, 0))
                due_at, first_reminder = moments(due) if due else (None, None)
                rows.append((
                    pk, system.pk, period.code, period.start, period.end, due, due_at, rule.required_count,
                    system.responsible, Obligation.Status.OPEN, first_reminder, "", now,
                ))
    inserted = _insert_raw(Obligation, _COLUMNS, rows)
    if inserted >= ANALYZE_AFTER:
        refresh_statistics(Obligation)
    return inserted


def refresh_statistics(*models) -> None:
    """ANALYZE after a bulk load on PostgreSQL. Until autovacuum gets round to it, the planner
    believes the new rows do not exist and picks plans that take seconds instead of milliseconds."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _ancestor_paths(path: str) -> list[str]:
    step = Organization.steplen
    return [path[: i * step] for i in range(1, len(path) // step)]


# -- recipients -------------------------------------------------------------------


def _upper_staff(org_paths: dict[int, str]) -> dict[int, set[int]]:
    """Per organization id: the staff of its upper organization, who are told when it is overdue."""
    step = Organization.steplen
    parents = dict(
        Organization.objects.filter(path__in={path[:-step] for path in org_paths.values() if len(path) > step})
        .values_list("path", "pk")
    )
    staff = staff_of(parents.values())
    return {
        org_id: staff[parents[path[:-step]]]
        for org_id, path in org_paths.items()
        if parents.get(path[:-step]) in staff
    }


# -- sweeps -----------------------------------------------------------------------


def _skip_locked(of: str = "") -> str:
    """Concurrent sweeps on PostgreSQL take disjoint rows instead of waiting on (and deadlocking over) each other."""
    if connection.vendor != "postgresql":
        return ""
    return f" FOR UPDATE OF {of} SKIP LOCKED" if of else " FOR UPDATE SKIP LOCKED"


def _claim(sql: str, params: list) -> list[tuple]:
    """Run a conditional `UPDATE … RETURNING`; datetimes adapted as the ORM would (UTC on SQLite)."""
    params = [
        connection.ops.adapt_datetimefield_value(p) if isinstance(p, datetime.datetime) else p for p in params
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _recipients(claimed: list[tuple], day: datetime.date, *, upper: bool = False) -> dict[int, set[int]]:
    """Per claimed obligation (id, organization id, responsible): who is told.

    The responsible role holders and the organization's own staff; with `upper`, the upper
    organization's staff instead (escalation). Obligations nobody is to hear about are left out.
    """
    org_ids = {org_id for _id, org_id, _resp in claimed}
    result: dict[int, set[int]] = {}
    if upper:
        paths = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "path"))
        staff = _upper_staff(paths)
        for ob_id, org_id, _resp in claimed:
            if staff.get(org_id):
                result[ob_id] = staff[org_id]
        return result
    holders = role_holder_users(org_ids, day)
    staff = staff_of(org_ids)
    for ob_id, org_id, responsible in claimed:
        users = set(staff.get(org_id, ()))
        for role in RESPONSIBLE_ROLES[responsible]:
            users |= holders.get((org_id, role), set())
        if users:
            result[ob_id] = users
    return result


def _notify(recipients: dict[int, set[int]], kind: str, offset: int, title_fn, now: datetime.datetime) -> int:
    """One in-app notification per obligation and recipient; a repeat hits the unique constraint and is skipped."""
    if not recipients:
        return 0
    facts = Obligation.objects.filter(pk__in=list(recipients)).values(
        "id", "organization__name", "work_system__name", "period", "due_date"
    )
    rows = [
        (user_id, fact["id"], kind, offset, title_fn(fact), _body(fact),
         reverse("responsibilities:obligation_detail", args=[fact["id"]]), now)
        for fact in facts
        for user_id in sorted(recipients[fact["id"]])
    ]
    columns = ("recipient_id", "obligation_id", "kind", "offset_days", "title", "body", "url", "created_at")
    return _insert_raw(Notification, columns, rows)


def _body(fact: dict) -> str:
    period = Period.parse(fact["period"])
    due = fact["due_date"]
    due_text = chinese_date(due) or "无固定期限"
    return (
        f"组织：{fact['organization__name']}\n工作制度：{fact['work_system__name']}\n"
        f"期间：{period.label}\n截止日期：{due_text}"
    )


def sweep_reminders(now: datetime.datetime | None = None) -> int:
    """Send the reminders that are due. Returns notifications created."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    calendar_ = work_calendar()
    offsets = list(settings.ZEREN_REMINDER_DAYS)
    table = Obligation._meta.db_table
    # Deadlines already passed: reminders are moot, the overdue sweep takes over.
    with transaction.atomic():
        Obligation.objects.filter(next_reminder_at__lte=now, due_date__lt=today).update(next_reminder_at=None)
    sent = 0
    due_dates = (
        Obligation.objects.filter(next_reminder_at__lte=now, status=Obligation.Status.OPEN)
        .values_list("due_date", flat=True)
        .distinct()
    )
    for due in sorted(set(due_dates)):
        schedule = reminder_days(due, offsets, calendar_)
        passed = [(offset, day) for offset, day in schedule if local_moment(day, REMINDER_HOUR) <= now]
        future = [day for _offset, day in schedule if local_moment(day, REMINDER_HOUR) > now]
        following = local_moment(future[0], REMINDER_HOUR) if future else None
        with transaction.atomic():
            claimed = _claim(
                f"UPDATE {table} SET next_reminder_at = %s WHERE id IN ("  # noqa: S608 (table from model meta)
                f"SELECT id FROM {table} WHERE next_reminder_at <= %s AND status = %s AND due_date = %s"
                f"{_skip_locked()}) AND next_reminder_at <= %s RETURNING id, organization_id, responsible",
                [following, now, Obligation.Status.OPEN, due, now],
            )
            if not claimed or not passed:
                continue
            offset = passed[-1][0]  # after downtime, only the latest reminder is worth sending
            sent += _notify(
                _recipients(claimed, today), Notification.Kind.REMINDER, offset,
                # The days actually left: a reminder sent late (after downtime) must not say 14 when it is 8.
                lambda f: f"【到期提醒】{f['work_system__name']}还有 {(f['due_date'] - today).days} 天到期"
                f"（{f['organization__name']}）",
                now,
            )
    return sent


def sweep_overdue(now: datetime.datetime | None = None) -> int:
    """Mark open obligations past their deadline overdue; tell those responsible and escalate upward."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    table, events = Obligation._meta.db_table, ObligationEvent._meta.db_table
    claim = (
        f"UPDATE {table} SET status = %s, next_reminder_at = NULL "  # noqa: S608 (tables from model meta)
        f"WHERE id IN (SELECT id FROM {table} WHERE status = %s AND due_at <= %s LIMIT {BATCH}{_skip_locked()}) "
        f"AND status = %s RETURNING id, organization_id, responsible"
    )
    params = [Obligation.Status.OVERDUE, Obligation.Status.OPEN, now, Obligation.Status.OPEN]
    if connection.vendor == "postgresql":
        # The overdue events are written by the same statement that claims the rows.
        claim = (
            f"WITH claimed AS ({claim}), logged AS ("  # noqa: S608
            f"INSERT INTO {events} (obligation_id, kind, at, reason, data) "
            f"SELECT id, %s, %s, '', '{{}}' FROM claimed) SELECT id, organization_id, responsible FROM claimed"
        )
        params += [ObligationEvent.Kind.OVERDUE, now]
    marked = 0
    while True:
        with transaction.atomic():
            claimed = _claim(claim, params)
            if not claimed:
                return marked
            marked += len(claimed)
            if connection.vendor != "postgresql":
                _insert_raw(
                    ObligationEvent, ("obligation_id", "kind", "at", "reason", "data"),
                    [(ob_id, ObligationEvent.Kind.OVERDUE, now, "", "{}") for ob_id, _org, _resp in claimed],
                    conflict="",
                )
            _notify(
                _recipients(claimed, today), Notification.Kind.OVERDUE, 0,
                lambda f: f"【逾期】{f['work_system__name']}已逾期（{f['organization__name']}）", now,
            )
            _notify(
                _recipients(claimed, today, upper=True), Notification.Kind.ESCALATION, 0,
                lambda f: f"【督办】下级组织逾期未完成：{f['organization__name']} · {f['work_system__name']}", now,
            )


def send_pending_emails(limit: int = 200) -> int:
    """E-mail copies of in-app notifications, each claimed before sending so none goes twice."""
    table = Notification._meta.db_table
    user_table = Notification._meta.get_field("recipient").related_model._meta.db_table
    with transaction.atomic():
        ids = [row[0] for row in _claim(
            f"UPDATE {table} SET emailed_at = %s WHERE id IN ("  # noqa: S608
            f"SELECT n.id FROM {table} n JOIN {user_table} u ON u.id = n.recipient_id "
            f"WHERE n.emailed_at IS NULL AND u.email <> '' AND u.is_active "
            f"ORDER BY n.id LIMIT {int(limit)}{_skip_locked('n')}"
            f") AND emailed_at IS NULL RETURNING id",
            [timezone.now()],
        )]
    if not ids:
        return 0
    base = settings.ZEREN_BASE_URL.rstrip("/")
    messages = [
        mail.EmailMessage(
            subject=f"[责任制台账] {n.title}",
            body=f"{display_name(n.recipient)}：\n\n{n.title}\n\n{n.body}\n\n"
            f"查看详情：{base}{n.url}\n\n——责任制台账（系统自动发送，请勿回复）",
            to=[n.recipient.email],
        )
        for n in Notification.objects.filter(pk__in=ids).select_related("recipient")
    ]
    try:
        with mail.get_connection() as conn:
            conn.send_messages(messages)
    except Exception:
        # The mail server failed: release the claim so the next tick sends them again.
        log.exception("sending %s notification e-mails failed; they stay queued", len(ids))
        Notification.objects.filter(pk__in=ids).update(emailed_at=None)
        return 0
    return len(messages)

