"""Benchmark: the tamper-evident accountability log on PostgreSQL, each figure against a floor
measured in the same run.

    python bench/log.py [--writers 8] [--appends 250] [--entries 1000000]

Runs against PostgreSQL: DATABASE_URL if set, else a scratch database `zeren_bench_log` on
127.0.0.1 that it creates afresh and drops at the end.

1. Appends: `--writers` processes, each making `--appends` appends through `responsibilities.log.append`
   (one transaction each, as a service does: advisory lock, read of the head, hash, INSERT), against
   the same number of processes INSERTing the same rows, one per transaction, through the ORM into a
   copy of the table (same columns and indexes) without chaining. Target: chained ≤ 2× plain.
   Forks (two entries naming the same predecessor) must be 0. Then 20 writers × 500 appends must
   make one linear chain.
2. Verification: `--entries` entries written with COPY (chained, hashes computed in Python), then
   verified through the real path (`accountability.log.services.chain_check`, what
   `manage.py verify_log` runs) against the floor: SHA-256 over the same canonical bytes, chained,
   in a loop. Target ≤ 2× the floor. Also reported: a second floor that builds the canonical bytes
   from in-memory entries too, and `manage.py verify_log` run as a subprocess (its wall time and its
   peak RSS, target ≤ 200 MB).

Prints each figure, then one line of JSON.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import io
import json
import multiprocessing
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = "zeren_bench_log"


def scratch_database(name: str, *, drop_only: bool = False) -> str:
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def in_processes(count: int, work) -> float:
    """Run work(index) in `count` processes started together (forked, each with its own database
    connection, as separate web or worker processes would be); the wall time in seconds."""
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(count + 1)

    def run(index: int) -> None:
        code = 0
        try:
            barrier.wait()
            work(index)
        except Exception:
            traceback.print_exc()
            code = 1
        finally:
            connections.close_all()
            os._exit(code)

    processes = [context.Process(target=run, args=(i,)) for i in range(count)]
    for process in processes:
        process.start()
    barrier.wait()
    start = time.perf_counter()
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - start
    failed = [p.exitcode for p in processes if p.exitcode]
    if failed:
        raise RuntimeError(f"{len(failed)} writer(s) failed")
    return elapsed


def forks() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) - count(DISTINCT prev_hash) FROM responsibilities_logentry")
        return cursor.fetchone()[0]


def payload(writer: int, step: int) -> dict:
    return {"status": "done", "report": writer * 100_000 + step, "doc_number": f"临河县委〔2026〕{step}号",
            "reason": "按时完成半年报告"}


def bench_appends(writers: int, appends: int, linear: int) -> dict:
    from django.db import connection, models, transaction

    from responsibilities import chain, log
    from responsibilities.log import LogEntry
    from responsibilities.org import services as org_services

    subject = org_services.organization_create(name="临河县委", kind="committee", actor=None)

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain")
        cursor.execute("CREATE TABLE bench_plain (LIKE responsibilities_logentry INCLUDING ALL)")
    fields = {f.name: f.clone() for f in LogEntry._meta.local_fields}
    plain_model = type("PlainEntry", (models.Model,), {
        "__module__": __name__, **fields,
        "Meta": type("Meta", (), {"db_table": "bench_plain", "managed": False, "app_label": "responsibilities"}),
    })
    def plain(index: int) -> None:
        for step in range(appends):
            seq = (index + 1) * 1_000_000 + step
            with transaction.atomic():
                plain_model(
                    seq=seq, at=datetime.datetime.now(datetime.UTC), actor=None, actor_name="", organization=subject,
                    object_type="responsibilities.organization", object_id=str(subject.pk), action="obligation.completed",
                    payload=payload(index, step), prev_hash=chain.GENESIS, hash=f"{seq:064x}",
                ).save(force_insert=True)

    def chained(index: int) -> None:
        for step in range(appends):
            with transaction.atomic():
                log.append(action="obligation.completed", subject=subject, actor=None, **payload(index, step))

    total = writers * appends
    plain(99)  # warm both paths: the table's pages, the ORM's caches
    with transaction.atomic():
        log.append(action="bench.warm", subject=subject, actor=None)
    plain_s = in_processes(writers, plain)
    chained_s = in_processes(writers, chained)
    ratio = chained_s / plain_s
    print(f"appends, {writers} writers × {appends}: chained {total / chained_s:,.0f}/s ({chained_s:.2f} s), "
          f"plain INSERT {total / plain_s:,.0f}/s ({plain_s:.2f} s): ratio {ratio:.2f} (target ≤ 2)")
    fork_count = forks()
    print(f"forks: {fork_count}")

    start = log.head()[0]
    big_s = in_processes(20, lambda index: _appends(log, transaction, subject, index, linear))
    verdict = chain.verify(_rows())
    linear_ok = verdict.ok and forks() == 0 and verdict.head_seq == verdict.count == start + 20 * linear
    print(f"20 writers × {linear} appends: {20 * linear / big_s:,.0f}/s ({big_s:.2f} s); chain of {verdict.count} entries "
          f"(from #{start + 1}) {'linear, verified' if linear_ok else 'BROKEN: ' + verdict.reason}")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_plain")
    return {"writers": writers, "appends_per_s": round(total / chained_s), "plain_inserts_per_s": round(total / plain_s),
            "append_ratio": round(ratio, 2), "forks": fork_count, "linear_writers": 20, "linear_appends": linear,
            "linear_ok": linear_ok}


def _appends(log, transaction, subject, index: int, count: int) -> None:
    for step in range(count):
        with transaction.atomic():
            log.append(action="obligation.completed", subject=subject, actor=None, **payload(index, step))


def _rows():
    from accountability.log import services

    return services.entry_rows()


def fill(entries: int) -> tuple[float, float]:
    """Append `entries` chained entries after the head with COPY (the triggers do not refuse
    INSERTs). Returns (floor: hashing the canonical bytes, floor with building them) in seconds."""
    from django.db import connection

    from responsibilities import chain, log

    seq, prev = log.head()
    base = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    hash_s = build_s = 0.0
    batch = 100_000
    done = 0
    with connection.cursor() as cursor:
        raw = cursor.connection  # the psycopg2 connection, for copy_expert
        cursor.execute("SELECT id FROM responsibilities_organization ORDER BY id LIMIT 1")
        org_id = cursor.fetchone()[0]
        while done < entries:
            size = min(batch, entries - done)
            started = time.perf_counter()
            rows = []
            for i in range(size):
                number = seq + 1 + i
                rows.append({
                    "seq": number, "at": (base + datetime.timedelta(milliseconds=number)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                    "actor": 7, "actor_name": "周明", "organization": org_id,
                    "object_type": "responsibilities.obligation", "object_id": str(number),
                    "action": "obligation.completed", "payload": payload(number % 97, number),
                })
            canon = [chain.canonical(row) for row in rows]
            built = time.perf_counter()
            hashes, batch_prev = [], prev
            for data in canon:  # the floor: SHA-256 over the same canonical bytes, chained
                prev = hashlib.sha256(prev.encode("ascii") + data).hexdigest()
                hashes.append(prev)
            hashed = time.perf_counter()
            build_s += built - started
            hash_s += hashed - built
            out = io.StringIO()
            for i, row in enumerate(rows):
                prev_hash = hashes[i - 1] if i else batch_prev
                out.write("\t".join((
                    str(row["seq"]), row["at"], "7", row["actor_name"], str(org_id), row["object_type"],
                    row["object_id"], row["action"],
                    json.dumps(row["payload"], ensure_ascii=False).replace("\\", "\\\\"), prev_hash, hashes[i],
                )) + "\n")
            out.seek(0)
            raw.cursor().copy_expert(
                "COPY responsibilities_logentry (seq, at, actor_id, actor_name, organization_id, object_type, "
                "object_id, action, payload, prev_hash, hash) FROM STDIN", out)
            raw.commit()
            seq += size
            done += size
    return hash_s, hash_s + build_s


PEAK_RSS_OF_VERIFY_LOG = """
import runpy, sys
sys.argv = ["manage.py", "verify_log"]
try:
    runpy.run_path("manage.py", run_name="__main__")
finally:
    sys.stderr.write([l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0])
"""


def bench_verify(entries: int) -> dict:
    from accountability.log import services
    from responsibilities import log

    start = log.head()[0]
    started = time.perf_counter()
    floor_s, floor_build_s = fill(entries)
    fill_s = time.perf_counter() - started
    total = log.head()[0]
    print(f"filled {entries:,} entries with COPY in {fill_s:.1f} s (chain now {total:,} entries from #{start + 1})")
    # The floor covers the filled entries; the verification reads the whole chain (a few more).
    scale = entries / total
    started = time.perf_counter()
    check = services.chain_check()
    verify_s = (time.perf_counter() - started) * scale
    assert check.ok and check.count == total, check
    ratio = verify_s / floor_s
    print(f"verify {entries:,} entries (accountability.log.services.chain_check, scaled to the filled part): "
          f"{verify_s:.2f} s, floor (SHA-256 over the same canonical bytes) {floor_s:.2f} s: ratio {ratio:.2f} "
          f"(target ≤ 2)")
    print(f"second floor, building the canonical bytes from in-memory entries too: {floor_build_s:.2f} s "
          f"(ratio {verify_s / floor_build_s:.2f})")

    # The child's own peak (VmHWM of its address space, which exec starts afresh), read by the child as
    # it ends: getrusage's ru_maxrss would also count the pages of this large process it was forked from.
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK_RSS_OF_VERIFY_LOG], capture_output=True, text=True,
                          env=os.environ.copy(), cwd=ROOT)
    command_s = time.perf_counter() - started
    peak = [line for line in done.stderr.splitlines() if line.startswith("VmHWM:")]
    rss_mb = int(peak[-1].split()[1]) / 1024 if peak else float("nan")
    print(f"manage.py verify_log as a subprocess: {command_s:.2f} s (with Django's start), exit {done.returncode}, "
          f"peak RSS {rss_mb:.0f} MB (target ≤ 200): {done.stdout.strip()[:40]}…")
    return {"entries": entries, "verify_s": round(verify_s, 2), "hash_floor_s": round(floor_s, 2),
            "verify_ratio": round(ratio, 2), "canonical_floor_s": round(floor_build_s, 2),
            "verify_vs_canonical_floor": round(verify_s / floor_build_s, 2), "verify_log_command_s": round(command_s, 2),
            "verify_log_exit": done.returncode, "verify_log_peak_rss_mb": round(rss_mb)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--appends", type=int, default=250)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--linear", type=int, default=500, help="appends per writer of the 20-writer run")
    args = parser.parse_args()

    scratch = not os.environ.get("DATABASE_URL")
    if scratch:
        os.environ["DATABASE_URL"] = scratch_database(SCRATCH)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ZEREN_VAR_DIR", "/tmp/zeren-bench-var")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        print(f"on {connection.vendor} {connection.pg_version // 10000}")
        figures = bench_appends(args.writers, args.appends, args.linear)
        figures.update(bench_verify(args.entries))
    finally:
        connection.close()
        if scratch:
            scratch_database(SCRATCH, drop_only=True)
    figures["targets_met"] = {
        "append_ratio_le_2": figures["append_ratio"] <= 2,
        "forks_0": figures["forks"] == 0,
        "linear_20_writers": figures["linear_ok"],
        "verify_ratio_le_2": figures["verify_ratio"] <= 2,
        "verify_rss_le_200mb": figures["verify_log_peak_rss_mb"] <= 200,
    }
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
