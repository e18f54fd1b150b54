"""Benchmark: a 100,000-organization tree with a year of obligations, each step against its SQL floor.

    python bench/scale.py --orgs 100000 [--year 2026] [--database zeren_scale]

Runs on PostgreSQL in a scratch database (dropped and created afresh; 127.0.0.1:5432, user
postgres). The tree is not what is measured: the demo city is seeded (seed_demo: accounts, work
systems), then grown to --orgs organizations (counties of 10 towns of 10 villages, as
`seed_demo --orgs` plans them) with one COPY. Then, each beside its floor — the same rows written
or read by the database alone, in plain SQL, with nothing computed in Python:

- generation of the year's obligations (`obligations_generate`, what beat runs each day) against one
  INSERT … SELECT of the rows it wrote into an empty copy of the table (same indexes and checks);
- the sweep on a late-November morning (`sweep_overdue` then `sweep_reminders`: overdue marks,
  their events and hash-chained log entries, notifications, reminders) against the same UPDATE and
  the same two INSERTs (events, log entries with a per-row hash but no chain) in a transaction
  that is rolled back, run just before it on the same rows;
- the compliance matrix (合规矩阵) page at the root and at one county, served by Django, and its
  ORM aggregate, against one hand-written SQL aggregate (`compliance_counts_raw_sql`).

Prints each figure, then one line of JSON with the ratios (`*_vs_floor`).
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scratch import scratch_database, timed  # noqa: E402  (bench/ is on sys.path when run as a script)


def median_ms(fn, runs: int) -> float:
    return statistics.median(timed(fn)[1] for _ in range(runs)) * 1000


# -- the tree, by COPY -------------------------------------------------------------------------


def load_tree(total: int) -> int:
    """Grow the demo city to `total` organizations with one COPY; returns how many were added."""
    from django.db import connection, transaction
    from django.db.models import F

    from responsibilities.demo import organizations as demo
    from responsibilities.models import Organization
    from responsibilities.scheduling.services import refresh_statistics

    existing = Organization.objects.count()
    if existing >= total:
        return 0
    root = demo.demo_root()
    planned = demo._plan(root, total - existing)
    nodes = list(demo._flatten(planned))
    buffer = io.StringIO()
    for node in nodes:
        org = node.org
        buffer.write("\t".join([org.path, str(org.depth), str(len(node.children)), org.name, org.short_name,
                                org.kind, str(org.sort_order), "10"]) + "\n")
    buffer.seek(0)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {Organization._meta.db_table} (path, depth, numchild, name, short_name, kind, sort_order, "
            "report_lead_days) FROM STDIN",
            buffer,
        )
        Organization.objects.filter(pk=root.pk).update(numchild=F("numchild") + len(planned))
    refresh_statistics(Organization)
    return len(nodes)


# -- floors ------------------------------------------------------------------------------------


def generation_floor() -> float:
    """Seconds for the database alone to write the obligations generation wrote: one INSERT … SELECT
    into an empty table with the same columns, defaults, checks and indexes, in one transaction."""
    from django.db import connection, transaction

    from responsibilities.models import Obligation

    table = connection.ops.quote_name(Obligation._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in Obligation._meta.concrete_fields
                        if not f.primary_key)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_obligation_floor")
        cursor.execute(f"CREATE TABLE bench_obligation_floor (LIKE {table} INCLUDING ALL)")
        start = time.perf_counter()
        with transaction.atomic():
            cursor.execute(f"INSERT INTO bench_obligation_floor ({columns}) SELECT {columns} FROM {table}")
        elapsed = time.perf_counter() - start
        cursor.execute("DROP TABLE bench_obligation_floor")
    return elapsed


def sweep_floor(now: datetime.datetime) -> tuple[int, float]:
    """(rows, seconds) for the overdue sweep's writes in three statements, rolled back afterwards:
    mark the late open obligations overdue, one event each, one log entry each (hashed per row)."""
    from django.db import connection, transaction

    from responsibilities.events import ObligationEvent
    from responsibilities.log import LogEntry
    from responsibilities.models import Obligation

    obligations, events, log = (m._meta.db_table for m in (Obligation, ObligationEvent, LogEntry))
    event_columns = {f.column for f in ObligationEvent._meta.concrete_fields}
    extra_values = {"reason": "''", "actor_id": "NULL", "data": "'{}'::jsonb"}
    extra = [c for c in extra_values if c in event_columns]
    sql = f"""
        WITH late AS (
            UPDATE {obligations} SET status = 'overdue', next_reminder_at = NULL
            WHERE status = 'open' AND due_at <= %s
            RETURNING id, organization_id, due_at
        ), events AS (
            INSERT INTO {events} (obligation_id, kind, at{''.join(', ' + c for c in extra)})
            SELECT id, 'overdue', due_at{''.join(', ' + extra_values[c] for c in extra)} FROM late
        ), head AS (
            SELECT COALESCE(MAX(seq), 0) AS seq FROM {log}
        )
        INSERT INTO {log} (seq, at, actor_id, actor_name, organization_id, object_type, object_id, action,
                           payload, prev_hash, hash)
        SELECT head.seq + ROW_NUMBER() OVER (ORDER BY late.id), late.due_at, NULL, '', late.organization_id,
               'responsibilities.obligation', late.id::text, 'obligation.overdue', '{{"status": "overdue"}}'::jsonb,
               '', encode(sha256(('floor:' || late.id::text)::bytea), 'hex')
        FROM late, head
    """  # noqa: S608 (table names from model meta)
    with connection.cursor() as cursor:
        start = time.perf_counter()
        with transaction.atomic():
            cursor.execute(sql, [now])
            rows = cursor.rowcount
            elapsed = time.perf_counter() - start
            transaction.set_rollback(True)
    return rows, elapsed


# -- the matrix --------------------------------------------------------------------------------


def matrix_figures(label: str, organization, year: int, runs: int) -> dict:
    """The page (Django, logged in as the city's propaganda staff), the ORM aggregate and the SQL floor."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from responsibilities.dashboards import selectors
    from responsibilities.periods import Period

    period = Period.parse(str(year))
    client = Client()
    client.force_login(get_user_model().objects.get(username="city_xcb"))
    url = f"/dashboard/matrix/?org={organization.pk}&period={year}"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    assert selectors.compliance_counts(organization, period) == selectors.compliance_counts_raw_sql(organization, period)
    page()  # warm: templates, the user's grants, the database's caches
    page_ms = median_ms(page, runs)
    orm_ms = median_ms(lambda: selectors.compliance_counts(organization, period), runs)
    sql_ms = median_ms(lambda: selectors.compliance_counts_raw_sql(organization, period), runs)
    rows = organization.numchild + 2
    print(f"compliance matrix at {label} ({organization.name}, {rows} rows): page {page_ms:.0f} ms, "
          f"ORM aggregate {orm_ms:.0f} ms, SQL floor {sql_ms:.0f} ms "
          f"(page_vs_floor {page_ms / sql_ms:.2f}, orm_vs_floor {orm_ms / sql_ms:.2f})")
    return {
        f"matrix_{label}_page_ms": round(page_ms, 1),
        f"matrix_{label}_orm_ms": round(orm_ms, 1),
        f"matrix_{label}_sql_ms": round(sql_ms, 1),
        f"matrix_{label}_page_vs_floor": round(page_ms / sql_ms, 2),
        f"matrix_{label}_orm_vs_floor": round(orm_ms / sql_ms, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--database", default="zeren_scale", help="scratch PostgreSQL database (dropped, recreated)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each matrix measurement (median)")
    parser.add_argument("--matrix-only", action="store_true",
                        help="only the matrix figures, on the database a previous run left (no setup)")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = (f"postgres://postgres@127.0.0.1:5432/{args.database}" if args.matrix_only
                                  else scratch_database(args.database))
    os.environ.pop("DJANGO_ENV", None)  # seed_demo refuses production settings
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ZEREN_VAR_DIR", "/tmp/zeren-scale-var")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from responsibilities.demo import organizations as demo
    from responsibilities.models import Notification, Obligation, Organization
    from responsibilities.periods import Period, PeriodKind
    from responsibilities.scheduling import services as scheduling

    if args.matrix_only:
        root = demo.demo_root()
        county = (Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1, numchild__gte=10)
                  .order_by("-path").first())
        figures = {"orgs": Organization.objects.count(), "obligations": Obligation.objects.count()}
        figures.update(matrix_figures("root", root, args.year, args.runs))
        figures.update(matrix_figures("county", county, args.year, args.runs))
        print(json.dumps(figures, ensure_ascii=False))
        return

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    demo.seed_demo()
    added, tree_s = timed(load_tree, args.orgs)
    orgs = Organization.objects.count()
    print(f"organizations: {orgs} ({added} added by COPY in {tree_s:.1f} s; setup {time.perf_counter() - started:.0f} s) "
          f"on {connection.vendor}")

    periods = [p for kind in PeriodKind for p in Period.all_in_year(kind, args.year)]
    start_of_year = scheduling.local_moment(datetime.date(args.year, 1, 1))
    inserted, generate_s = timed(scheduling.obligations_generate, periods=periods, now=start_of_year)
    obligations = Obligation.objects.count()
    floor_s = generation_floor()
    print(f"generation: {inserted} obligations in {generate_s:.1f} s; floor (INSERT … SELECT of all {obligations}) "
          f"{floor_s:.1f} s; generate_vs_floor {generate_s / floor_s:.2f}")
    rerun, rerun_s = timed(scheduling.obligations_generate, periods=periods, now=start_of_year)
    print(f"generation again (idempotent): {rerun} inserted in {rerun_s:.1f} s")

    now = scheduling.local_moment(datetime.date(args.year, 11, 23), 10)
    floor_rows, sweep_floor_s = sweep_floor(now)
    before = Notification.objects.count()

    def sweep():
        return scheduling.sweep_overdue(now=now), scheduling.sweep_reminders(now=now)

    (overdue, reminders), sweep_s = timed(sweep)
    sent = Notification.objects.count() - before
    print(f"sweep: {overdue} marked overdue, {reminders} reminders, {sent} notifications in {sweep_s:.1f} s; "
          f"floor ({floor_rows} rows: UPDATE + events + log entries) {sweep_floor_s:.1f} s; "
          f"sweep_vs_floor {sweep_s / sweep_floor_s:.2f}")
    (again, _), again_s = timed(sweep)
    print(f"sweep again: {again} marked in {again_s:.2f} s")

    root = demo.demo_root()
    county = (Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1, numchild__gte=10)
              .order_by("-path").first())
    figures = {
        "orgs": orgs,
        "obligations": Obligation.objects.count(),
        "tree_copy_s": round(tree_s, 1),
        "generate_s": round(generate_s, 1),
        "generate_floor_s": round(floor_s, 1),
        "generate_vs_floor": round(generate_s / floor_s, 2),
        "rerun_s": round(rerun_s, 1),
        "overdue": overdue,
        "notifications": sent,
        "sweep_s": round(sweep_s, 1),
        "sweep_floor_s": round(sweep_floor_s, 1),
        "sweep_vs_floor": round(sweep_s / sweep_floor_s, 2),
        "second_sweep_s": round(again_s, 2),
    }
    figures.update(matrix_figures("root", root, args.year, args.runs))
    figures.update(matrix_figures("county", county, args.year, args.runs))
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
