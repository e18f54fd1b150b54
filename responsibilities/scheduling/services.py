"""The scheduler's services: generate obligations, send reminders, mark overdue and escalate.

Every function here is idempotent and safe to run late or twice at once:
- generation skips what exists and inserts with ON CONFLICT DO NOTHING (INSERT OR IGNORE)
  against the unique (organization, work system, period) constraint, and catches up
  every period missed since its last run (`periods_to_generate`);
- sweeps select by the due-ness stored on the row (`next_reminder_at`, `due_at`) and
  claim rows (`ClaimQuerySet.claim`: SELECT … FOR UPDATE SKIP LOCKED where the database
  has it, then a conditional UPDATE), acting only on the rows they won; marking overdue
  is the obligation lifecycle's own service (`work.services.obligations_mark_overdue`);
- notifications are unique per (obligation, kind, offset, recipient), and the
  e-mail outbox claims `emailed_at` the same way.
Celery tasks (tasks.py) only call these.
"""

from __future__ import annotations

import datetime
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.db.models.constants import OnConflict
from django.urls import reverse
from django.utils import timezone

from responsibilities.models import (
    RESPONSIBLE_ROLES,
    Frequency,
    Notification,
    Obligation,
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
    deadline_provisional,
    reminder_days,
)
from responsibilities.scheduling import chase
from responsibilities.scheduling.calendar import (  # noqa: F401 (next_reminder, due_moment: part of this module's API)
    REMINDER_HOUR,
    due_moment,
    local_moment,
    next_reminder,
    work_calendar,
)
from responsibilities.text import chinese_date, display_name
from responsibilities.work import services as work

log = logging.getLogger(__name__)

BATCH = 5000
INVALID = object()  # a deadline rule that cannot be applied (logged, skipped)
ANALYZE_AFTER = 10_000  # rows inserted at once before the planner's statistics are refreshed


# -- calendar ---------------------------------------------------------------------


def calendar_missing_for_next_year(today: datetime.date | None = None) -> int | None:
    """The year whose holidays should be entered now: the coming year, when it is November or later and
    the calendar has no entries for it yet; before that, the year of the earliest open deadline counted
    through a year without entries (a Q4 deadline "5 working days after the quarter" generated in July,
    `Obligation.due_provisional`). None when nothing is missing."""
    today = today or timezone.localdate()
    if today.month >= 11:
        year = today.year + 1
        if not WorkCalendarDay.objects.filter(date__year=year).exists():
            return year
    provisional = (Obligation.objects.filter(status=Obligation.Status.OPEN, due_provisional=True)
                   .order_by("due_date").values_list("due_date", flat=True).first())
    return provisional.year if provisional else None


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
        self._rules: dict[tuple, Rule] = {}

    def rule(self, system: WorkSystem, path: str, kind: str) -> Rule:
        applying: tuple[WorkSystemOverride, ...] = ()
        if self._overrides:
            step = Organization.steplen
            applying = tuple(
                override for depth in range(1, len(path) // step + 1)
                if (override := self._overrides.get((path[: depth * step], system.pk))) is not None
            )
        # Organizations of a kind under the same overrides share the rule: resolved once.
        key = (system.pk, kind, tuple(override.pk for override in applying))
        if key not in self._rules:
            self._rules[key] = self._resolve(system, kind, applying)
        return self._rules[key]

    @staticmethod
    def _resolve(system: WorkSystem, kind: str, applying: tuple[WorkSystemOverride, ...]) -> Rule:
        values = {name: getattr(system, name) for name in _OVERRIDABLE}
        enabled = kind in system.applies_to
        for override in applying:  # from the root down
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


# -- generation -------------------------------------------------------------------


def catch_up_floor(today: datetime.date) -> datetime.date:
    """The earliest day whose periods the tick still generates after an outage: 1 January of the previous year."""
    return datetime.date(today.year - 1, 1, 1)


def _newest_generated(kind: PeriodKind, newest: Period, floor: datetime.date) -> Period | None:
    """The newest period of `kind`, from `newest` back to the one containing `floor`, with any obligation."""
    period = newest
    while period.end >= floor:
        # One probe of the (period_start, period_end, status) index per period.
        if Obligation.objects.filter(period_start=period.start, period_end=period.end).exists():
            return period
        period = period.previous()
    return None


def periods_to_generate(today: datetime.date) -> list[Period]:
    """Every period whose obligations should exist by `today`: per frequency, the ones missed since the
    last run, then the current and the next period.

    "The last run" is read from the obligations themselves, no marker is kept: per frequency, the
    newest period holding any obligation. Generation is all-or-nothing (one transaction), so every
    period after it up to the next period is generated now, however long the scheduler was down (a
    whole quarter missed is generated with its deadline already past: the overdue sweep then marks it).
    Bounded below by `catch_up_floor` (1 January of the previous year): after a longer outage, the
    periods before it are left to an explicit `obligations_generate(periods=…)`. With no obligation
    since the floor, a frequency catches up from the floor only if the scheduler ran before it (an
    obligation older than the floor exists); a first run generates the current and next period only.
    A second run at once finds the next period generated and asks for just the current and next again.
    """
    floor = catch_up_floor(today)
    ran_before_floor: bool | None = None
    result = []
    for kind in PeriodKind:
        current = Period.containing(kind, today)
        last = current.next()
        newest = _newest_generated(kind, last, floor)
        if newest is not None:
            first = newest.next()
        else:
            if ran_before_floor is None:
                ran_before_floor = Obligation.objects.filter(period_start__lt=floor).exists()
            first = Period.containing(kind, floor) if ran_before_floor else current
        period = first if first.start < current.start else current
        while period.start <= last.start:
            result.append(period)
            period = period.next()
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


@transaction.atomic
def obligations_generate(
    *,
    periods: Iterable[Period],
    organizations: Iterable[Organization] | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Create the missing obligations for `periods` (all organizations unless given). Returns rows inserted.

    `now` (default: the present) decides which reminders are already moot. Rows that exist are
    skipped; a concurrent run's rows are skipped by the unique constraint, and not counted.
    """
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
    # Rows are tuples in _INSERT_FIELDS order, their values adapted for the database once per distinct
    # value (a period, a due date), not once per row and field as bulk_create does.
    ops = connection.ops
    date_value, moment_value = ops.adapt_datefield_value, ops.adapt_datetimefield_value
    period_values = {p: (p.code, date_value(p.start), date_value(p.end)) for p in periods}
    due_values: dict[datetime.date | None, tuple] = {None: (None, None, None)}
    created_at, open_ = moment_value(timezone.now()), Obligation.Status.OPEN
    of_kind: dict[str, list[Period]] = {}
    for period in periods:
        of_kind.setdefault(period.kind, []).append(period)
    deadlines: dict[tuple, datetime.date | None] = {}

    def row_tails(system: WorkSystem, rule: Rule, offset: int, path: str) -> list[tuple]:
        """Everything of a row after (organization, work system), per period, under `rule` and a
        cascade `offset`: the same for every organization sharing them, so computed once."""
        tails = []
        for period in of_kind.get(rule.frequency, ()):
            key = (period, rule.deadline_rule, rule.deadline_days, rule.fixed_dates)
            if key not in deadlines:
                try:
                    deadlines[key] = rule_deadline(period, rule, calendar_)
                except ValueError:
                    # One badly configured rule must not stop the others' generation.
                    log.exception("work system %s: bad deadline rule for %s at %s", system.code, period, path)
                    deadlines[key] = INVALID
            if deadlines[key] is INVALID:
                continue
            due, provisional = deadlines[key]
            if due is not None:
                due -= datetime.timedelta(days=offset)
            if due not in due_values:
                due_at, first_reminder = moments(due)
                due_values[due] = (date_value(due), moment_value(due_at), moment_value(first_reminder))
            due_date, due_at, first_reminder = due_values[due]
            tails.append((*period_values[period], due_date, provisional, due_at, rule.required_count,
                          system.responsible, open_, first_reminder, "", created_at))
        return tails

    tails_of: dict[tuple, list[tuple]] = {}
    rows: list[tuple] = []
    for pk, path, kind, _lead in org_rows:
        for system in systems:
            rule = book.rule(system, path, kind)
            if not rule.enabled:
                continue
            offset = offset_of.get(path, 0) if system.cascaded else 0
            key = (id(rule), system.pk, offset)  # the book keeps every rule alive, so ids stay distinct
            if key not in tails_of:
                tails_of[key] = row_tails(system, rule, offset, path)
            if existing:
                rows.extend((pk, system.pk, *tail) for tail in tails_of[key]
                            if (pk, system.pk, tail[0]) not in existing)
            else:
                rows.extend((pk, system.pk, *tail) for tail in tails_of[key])
    if not rows:
        return 0
    inserted = _insert_obligations(rows)
    if inserted >= ANALYZE_AFTER:
        refresh_statistics(Obligation)
    return inserted


_INSERT_FIELDS = ("organization", "work_system", "period", "period_start", "period_end", "due_date",
                  "due_provisional", "due_at", "required_count", "responsible", "status", "next_reminder_at",
                  "waived_reason", "created_at")


def _insert_obligations(rows: list[tuple]) -> int:
    """Insert obligation rows (tuples in _INSERT_FIELDS order, values adapted for the database), skipping
    those the unique (organization, work system, period) constraint already holds. Returns rows inserted.

    Not bulk_create: preparing model instances field by field cost four times what the database spends
    writing the rows (bench/obligations.py, generate_vs_floor). On PostgreSQL the rows are COPYed into a
    temporary table and moved by one INSERT … SELECT … ON CONFLICT DO NOTHING; elsewhere an executemany."""
    meta = Obligation._meta
    fields = [meta.get_field(name) for name in _INSERT_FIELDS]
    quote = connection.ops.quote_name
    table, columns = quote(meta.db_table), ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            select = f"SELECT {columns} FROM"  # noqa: S608 (quoted names of our own table and columns)
            cursor.execute(f"CREATE TEMPORARY TABLE obligation_incoming ON COMMIT DROP AS {select} {table} WITH NO DATA")
            cursor.cursor.copy_expert(f"COPY obligation_incoming ({columns}) FROM STDIN", _copy_text(rows))
            cursor.execute(f"INSERT INTO {table} ({columns}) {select} obligation_incoming ON CONFLICT DO NOTHING")
            inserted = cursor.rowcount
            cursor.execute("DROP TABLE obligation_incoming")  # a second generation in the same transaction
            return inserted
        sql = (f"{connection.ops.insert_statement(on_conflict=OnConflict.IGNORE)} {table} ({columns}) "
               f"VALUES ({', '.join(['%s'] * len(fields))})"
               f"{connection.ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None)}")
        inserted = 0
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start:start + BATCH])
            inserted += cursor.rowcount
        return inserted


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(rows: list[tuple]) -> io.StringIO:
    """The rows in COPY's text format (values whose str() is their input form; None as \\N). A column
    repeats few distinct values (a period, a due date, a status): each is written out once."""
    columns = []
    for values in zip(*rows, strict=True):
        text: dict = {None: "\\N"}
        columns.append([text[v] if v in text else text.setdefault(v, str(v).translate(_COPY_ESCAPES))
                        for v in values])
    return io.StringIO("".join(f"{line}\n" for line in map("\t".join, zip(*columns, strict=True))))


def rule_deadline(period: Period, rule: Rule, calendar_: WorkdayCalendar) -> tuple[datetime.date | None, bool]:
    """(deadline, provisional) of `period` under an organization's `rule`, before any cascading:
    `deadline_for` and `deadline_provisional` together. Raises ValueError for a rule that cannot apply."""
    due = deadline_for(period, rule.deadline_rule, days=rule.deadline_days, fixed_dates=rule.fixed_dates,
                       calendar_=calendar_)
    return due, deadline_provisional(period, rule.deadline_rule, due, calendar_)


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
#
# One reminder sweep and one overdue sweep over every registered kind of deadline (chase.py):
# obligations here, others (accountability's rectification and filing deadlines) registered by their apps.


def _obligation_recipients(claimed: list[tuple], day: datetime.date) -> dict[int, set[int]]:
    """Per claimed obligation (id, organization id, responsible): its responsible role holders on `day`
    and its organization's own staff. Obligations nobody is to hear about are left out."""
    org_ids = {org_id for _id, org_id, _resp in claimed}
    result: dict[int, set[int]] = {}
    holders = role_holder_users(org_ids, day)
    staff = staff_of(org_ids)
    for ob_id, org_id, responsible in claimed:
        users = set(staff.get(org_id, ()))
        for role in RESPONSIBLE_ROLES[responsible]:
            users |= holders.get((org_id, role), set())
        if users:
            result[ob_id] = users
    return result


def escalation_recipients(claimed: list[tuple]) -> dict[int, set[int]]:
    """Per claimed item (id, organization id, …): the staff of its upper organization (escalation)."""
    org_ids = {row[1] for row in claimed}
    paths = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "path"))
    staff = _upper_staff(paths)
    return {row[0]: staff[row[1]] for row in claimed if staff.get(row[1])}


def _obligation_notices(ids: list[int]) -> dict[int, chase.Notice]:
    facts = Obligation.objects.filter(pk__in=ids).values(
        "id", "organization__name", "work_system__name", "period", "due_date", "due_provisional"
    )
    return {
        f["id"]: chase.Notice(
            # The period in the title: the monthly tasks of three months would read alike without it.
            what=f"{Period.parse(f['period']).label}{f['work_system__name']}", organization=f["organization__name"],
            due_date=f["due_date"],
            body=_body(f), url=reverse("responsibilities:obligation_detail", args=[f["id"]]),
        )
        for f in facts
    }


OBLIGATIONS = chase.register(chase.Chased(
    item_type="",
    pending=lambda: Obligation.objects.filter(status=Obligation.Status.OPEN),
    mark_overdue=lambda *, now, limit: work.obligations_mark_overdue(now=now, limit=limit),
    recipients=_obligation_recipients,
    notices=_obligation_notices,
    claim_fields=("organization_id", "responsible"),
    notification_field="obligation_id",
))


def _notify(
    kind: chase.Chased, recipients: dict[int, set[int]], note_kind: str, offset: int, title_fn,
    now: datetime.datetime, *, count: bool = False,
) -> int:
    """One in-app notification per item and recipient; a repeat hits the unique constraint and is skipped.

    With `count`, returns how many were created (two more queries); else 0.
    """
    if not recipients:
        return 0
    notices = kind.notices(list(recipients))
    notes = [
        Notification(
            recipient_id=user_id, kind=note_kind, offset_days=offset, title=title_fn(notice), body=notice.body,
            url=notice.url, created_at=now, **kind.target(pk),
        )
        for pk, notice in notices.items()
        for user_id in sorted(recipients[pk])
    ]
    existing = Notification.objects.filter(**kind.targets(list(recipients)), kind=note_kind, offset_days=offset)
    before = existing.count() if count else 0
    Notification.objects.bulk_create(notes, ignore_conflicts=True, batch_size=BATCH)
    return existing.count() - before if count else 0


def _body(fact: dict) -> str:
    period = Period.parse(fact["period"])
    due = fact["due_date"]
    due_text = chinese_date(due) or "无固定期限"
    if due and fact.get("due_provisional"):
        due_text += "（暂定：当年节假日安排尚未录入）"
    return (
        f"组织：{fact['organization__name']}\n工作制度：{fact['work_system__name']}\n"
        f"期间：{period.label}\n截止日期：{due_text}"
    )


def sweep_reminders(now: datetime.datetime | None = None) -> int:
    """Send the reminders that are due, for every kind of deadline. Returns notifications created."""
    now = now or timezone.now()
    return sum(_remind(kind, now) for kind in chase.registered())


def _remind(kind: chase.Chased, now: datetime.datetime) -> int:
    today = timezone.localdate(now)
    calendar_ = work_calendar()
    offsets = list(settings.ZEREN_REMINDER_DAYS)
    # Deadlines already passed: reminders are moot, the overdue sweep takes over.
    with transaction.atomic():
        kind.pending().model._default_manager.filter(next_reminder_at__lte=now, due_date__lt=today).update(
            next_reminder_at=None
        )
    sent = 0
    due_dates = kind.pending().filter(next_reminder_at__lte=now).values_list("due_date", flat=True).distinct()
    for due in sorted(set(due_dates)):
        schedule = reminder_days(due, offsets, calendar_)
        passed = [(offset, day) for offset, day in schedule if local_moment(day, REMINDER_HOUR) <= now]
        future = [day for _offset, day in schedule if local_moment(day, REMINDER_HOUR) > now]
        following = local_moment(future[0], REMINDER_HOUR) if future else None
        reminding = kind.pending().filter(next_reminder_at__lte=now, due_date=due)
        while True:
            with transaction.atomic():
                # A claimed row's next reminder moves past `now` (or to never): it leaves `reminding`.
                claimed = reminding.claim(*kind.claim_fields, limit=BATCH, next_reminder_at=following)
                if not claimed:
                    break
                if not passed:
                    continue
                offset = passed[-1][0]  # after downtime, only the latest reminder is worth sending
                sent += _notify(
                    kind, kind.recipients(claimed, today), Notification.Kind.REMINDER, offset,
                    # The days actually left: a reminder sent late (after downtime) must not say 14 when it is 8.
                    lambda n: f"【到期提醒】{n.what}还有 {(n.due_date - today).days} 天到期（{n.organization}）",
                    now, count=True,
                )
    return sent


def sweep_overdue(now: datetime.datetime | None = None) -> int:
    """Mark items past their deadline overdue, every kind; tell those responsible and escalate upward.

    Batch by batch, each in one transaction with its notifications; returns how many were marked.
    Each kind's own service marks its rows (for obligations `work.services.obligations_mark_overdue`,
    which dates the overdue events at each deadline); the notifications are dated `now`, when sent.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    marked = 0
    for kind in chase.registered():
        while True:
            with transaction.atomic():
                claimed = kind.mark_overdue(now=now, limit=BATCH)
                if not claimed:
                    break
                marked += len(claimed)
                _notify(
                    kind, kind.recipients(claimed, today), Notification.Kind.OVERDUE, 0,
                    lambda n: f"【逾期】{n.what}已逾期（{n.organization}）", now,
                )
                _notify(
                    kind, escalation_recipients(claimed), Notification.Kind.ESCALATION, 0,
                    lambda n: f"【督办】下级组织逾期未完成：{n.organization} · {n.what}", now,
                )
    return marked


def send_pending_emails(limit: int = 200) -> int:
    """E-mail copies of in-app notifications, oldest first, each claimed before sending so none goes twice."""
    outbox = (
        Notification.objects.filter(emailed_at__isnull=True, recipient__is_active=True)
        .exclude(recipient__email="")
        .order_by("pk")
    )
    with transaction.atomic():
        ids = [pk for (pk,) in outbox.claim(limit=limit, emailed_at=timezone.now())]
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

