"""Benchmark: obligations for a large tree — generation, idempotent rerun, sweeps, compliance matrix.

    python bench/obligations.py --orgs 10000

Runs against PostgreSQL: DATABASE_URL if set, else a scratch database `zeren_bench`
on 127.0.0.1 that it creates afresh. Prints each figure, then one line of JSON.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scratch import scratch_database, timed  # noqa: E402  (bench/ is on sys.path when run as a script)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=10000)
    parser.add_argument("--year", type=int, default=2026)
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = scratch_database("zeren_bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ZEREN_VAR_DIR", "/tmp/zeren-bench-var")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from responsibilities.demo import organizations as demo
    from responsibilities.models import Notification, Obligation, Organization
    from responsibilities.periods import Period, PeriodKind
    from responsibilities.scheduling import services as scheduling

    call_command("migrate", verbosity=0)
    _report, seed_s = timed(demo.seed_bulk, args.orgs)
    orgs = Organization.objects.count()
    print(f"organizations: {orgs} (seed_demo --orgs {args.orgs}: {seed_s:.1f} s) on {connection.vendor}")

    periods = [p for kind in PeriodKind for p in Period.all_in_year(kind, args.year)]
    start_of_year = scheduling.local_moment(datetime.date(args.year, 1, 1))
    first_id = Obligation.objects.order_by("-id").values_list("id", flat=True).first() or 0
    inserted, generate_s = timed(scheduling.obligations_generate, periods=periods, now=start_of_year)
    print(f"generate one year: {inserted} obligations in {generate_s:.2f} s")
    rerun_inserted, rerun_s = timed(scheduling.obligations_generate, periods=periods, now=start_of_year)
    print(f"second run: {rerun_inserted} inserted in {rerun_s:.2f} s")
    floor_s = generation_floor(first_id)
    print(f"floor: the same {inserted} rows written back by one INSERT … SELECT in {floor_s:.2f} s "
          f"(generate_vs_floor {generate_s / floor_s:.2f})")

    # The sweep at a late-November morning: most of the year is past due, the rest has reminders due.
    now = scheduling.local_moment(datetime.date(args.year, 11, 23), 10)
    before = Notification.objects.count()

    def sweep():
        return scheduling.sweep_overdue(now=now), scheduling.sweep_reminders(now=now)

    (overdue, reminders), sweep_s = timed(sweep)
    sent = Notification.objects.count() - before
    print(f"sweep: {overdue} marked overdue, {reminders} reminders, {sent} notifications in {sweep_s:.2f} s")
    before = Notification.objects.count()
    _, second_sweep_s = timed(sweep)
    second_sent = Notification.objects.count() - before
    print(f"second sweep: {second_sent} notifications in {second_sweep_s:.2f} s")

    figures = {
        "orgs": orgs,
        "obligations": Obligation.objects.count(),
        "generate_s": round(generate_s, 3),
        "floor_s": round(floor_s, 3),
        "generate_vs_floor": round(generate_s / floor_s, 2),
        "rerun_s": round(rerun_s, 3),
        "rerun_inserted": rerun_inserted,
        "sweep_s": round(sweep_s, 3),
        "second_sweep_sent": second_sent,
    }
    figures.update(matrix_figures(args.year))
    print(json.dumps(figures, ensure_ascii=False))


def generation_floor(first_id: int) -> float:
    """Seconds for the database alone to write the rows generation wrote (ids above `first_id`): they are
    copied aside, deleted (and the table vacuumed), then written back by one plain INSERT … SELECT into
    the same table in one transaction, with its indexes, unique and check constraints and its foreign
    keys (checked at commit). Nothing is computed: no generator can beat this."""
    from django.db import connection, transaction

    from responsibilities.models import Obligation

    table = connection.ops.quote_name(Obligation._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in Obligation._meta.concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_generated")
        cursor.execute(f"CREATE TABLE bench_generated AS SELECT {columns} FROM {table} WHERE id > %s", [first_id])
        cursor.execute(f"DELETE FROM {table} WHERE id > %s", [first_id])
        cursor.execute(f"VACUUM ANALYZE {table}")
        start = time.perf_counter()
        with transaction.atomic():
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM bench_generated")
        elapsed = time.perf_counter() - start
        cursor.execute("DROP TABLE bench_generated")
        cursor.execute(f"ANALYZE {table}")
    return elapsed


def matrix_figures(year: int) -> dict:
    """Server time and queries of the compliance matrix at the root, beside one raw SQL aggregate."""
    import statistics

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from responsibilities.dashboards import selectors
    from responsibilities.models import Organization
    from responsibilities.periods import Period

    root = Organization.objects.get(depth=1, name="江川市委")
    period = Period.parse(str(year))
    client = Client()
    client.force_login(get_user_model().objects.get(username="city_xcb"))
    url = f"/dashboard/matrix/?org={root.pk}&period={year}"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    page()  # warm: templates, the user's grants, the database's caches
    with CaptureQueriesContext(connection) as queries:
        page()
    page_ms = statistics.median(timed(page)[1] for _ in range(7)) * 1000
    sql_ms = statistics.median(
        timed(selectors.compliance_counts_raw_sql, root, period)[1] for _ in range(7)
    ) * 1000
    assert selectors.compliance_counts(root, period) == selectors.compliance_counts_raw_sql(root, period)
    print(f"compliance matrix at the root: {page_ms:.0f} ms, {len(queries)} queries "
          f"(one raw SQL aggregate: {sql_ms:.0f} ms, ratio {page_ms / sql_ms:.2f})")
    return {
        "matrix_ms": round(page_ms, 1),
        "matrix_queries": len(queries),
        "sql_ms": round(sql_ms, 1),
        "matrix_vs_sql": round(page_ms / sql_ms, 2),
    }


if __name__ == "__main__":
    main()
