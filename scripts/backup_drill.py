"""Backup drill: prove that last night's kind of backup restores into a working database.

    make backup-drill            # or: .venv/bin/python scripts/backup_drill.py [--keep-dump FILE]

Against the configured PostgreSQL database (DATABASE_URL):
1. `pg_dump -Fc` of the database, taken in the snapshot of a REPEATABLE READ transaction that also
   counts the rows of every table, so the counts are those of the dump even while the app writes;
2. `createdb` a fresh database next to it and `pg_restore` the dump into it;
3. the rows of every table counted again in the copy and printed side by side;
4. `manage.py verify_log` run against the copy: the accountability log's hash chain must verify;
5. the copy dropped (also when a step fails).
Prints PASSED or FAILED last and exits 0 or 1 (2 when the database is not PostgreSQL).
The role needs CREATEDB; the dump is deleted unless --keep-dump names where to keep it.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def libpq_env(db: dict) -> dict[str, str]:
    """The environment the PostgreSQL client programs read: PGHOST, PGPORT, PGUSER, PGPASSWORD."""
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                          ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[variable] = str(db[key])
    if sslmode := db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    return env


def database_url(db: dict, name: str) -> str:
    """DATABASE_URL for database `name` on the same server, as the settings read it."""
    user = quote(db.get("USER") or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = db.get("HOST") or ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    query = f"?{urlencode({'sslmode': db['OPTIONS']['sslmode']})}" if db.get("OPTIONS", {}).get("sslmode") else ""
    return f"postgres://{auth}{host}{port}/{quote(name, safe='')}{query}"


def table_counts(cursor) -> dict[str, int]:
    """Exact row count of every ordinary table outside the system schemas, by schema-qualified name."""
    cursor.execute("""
        SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%' AND NOT c.relispartition
        ORDER BY 1
    """)
    names = [row[0] for row in cursor.fetchall()]
    counts = {}
    for name in names:
        cursor.execute(f"SELECT count(*) FROM {name}")  # noqa: S608 (names quoted by quote_ident)
        counts[name] = cursor.fetchone()[0]
    return counts


def run(argv: list[str], env: dict, what: str) -> subprocess.CompletedProcess:
    result = subprocess.run(argv, env=env, capture_output=True, text=True)  # noqa: S603 (our own argv)
    if result.returncode != 0:
        raise DrillFailed(f"{what} failed (exit {result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
    return result


class DrillFailed(Exception):
    pass


def drill(keep_dump: Path | None) -> bool:
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    env = libpq_env(db)
    source = db["NAME"]
    copy = f"{source}_drill_{datetime.datetime.now():%Y%m%d%H%M%S}"[:63]
    workdir = Path(tempfile.mkdtemp(prefix="zeren-drill-"))
    dump = keep_dump or workdir / f"{source}.dump"
    connect = {"dbname": source, "host": db.get("HOST") or None, "port": db.get("PORT") or None,
               "user": db.get("USER") or None, "password": db.get("PASSWORD") or None}
    started = time.perf_counter()
    created, ok = False, False
    before: dict[str, int] = {}
    try:
        # 1. The dump and the source's counts, in one snapshot.
        conn = psycopg2.connect(**connect)
        try:
            conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
            with conn.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                t = time.perf_counter()
                run(["pg_dump", "-Fc", f"--snapshot={snapshot}", f"--file={dump}", source], env, "pg_dump")
                dump_s = time.perf_counter() - t
                before = table_counts(cursor)
        finally:
            conn.close()
        print(f"dump:    {source} → {dump} ({dump.stat().st_size / 1024:.0f} KiB, pg_dump -Fc, {dump_s:.1f} s)")

        # 2. A fresh database, restored.
        t = time.perf_counter()
        run(["createdb", "--template=template0", copy], env, "createdb")
        created = True
        run(["pg_restore", "--exit-on-error", "--no-owner", "--no-privileges", f"--dbname={copy}", str(dump)],
            env, "pg_restore")
        print(f"restore: {copy} (pg_restore, {time.perf_counter() - t:.1f} s)")

        # 3. Every table's rows, side by side.
        conn = psycopg2.connect(**{**connect, "dbname": copy})
        try:
            with conn.cursor() as cursor:
                after = table_counts(cursor)
        finally:
            conn.close()
        ok = print_counts(before, after)

        # 4. The log's chain, verified on the copy by the app's own command.
        verify = subprocess.run(  # noqa: S603 (this interpreter, our manage.py)
            [sys.executable, str(ROOT / "manage.py"), "verify_log"],
            env={**os.environ, "DATABASE_URL": database_url(db, copy)}, capture_output=True, text=True,
        )
        line = (verify.stdout.strip() or verify.stderr.strip()).splitlines()
        print(f"verify_log on the copy: {line[-1] if line else '(no output)'}")
        if verify.returncode != 0:
            ok = False
    except DrillFailed as error:
        print(f"error: {error}")
        ok = False
    finally:
        # 5. The copy dropped, whatever happened.
        if created:
            dropped = subprocess.run(["dropdb", "--if-exists", "--force", copy], env=env,  # noqa: S603,S607
                                     capture_output=True, text=True)
            if dropped.returncode != 0:
                print(f"error: dropdb {copy} failed: {dropped.stderr.strip()}")
                ok = False
            else:
                print(f"dropped: {copy}")
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"{len(before)} tables, {sum(before.values())} rows, {time.perf_counter() - started:.1f} s")
    return ok


def print_counts(before: dict[str, int], after: dict[str, int]) -> bool:
    """The table of row counts; True when every table has the same number of rows in both."""
    width = max(len(name) for name in before | after) if before or after else 5
    print(f"{'table':<{width}}  {'source':>9}  {'restored':>9}")
    ok = True
    for name in sorted(before | after):
        a, b = before.get(name), after.get(name)
        mark = "" if a == b else "  ← MISMATCH"
        ok = ok and a == b
        print(f"{name:<{width}}  {'-' if a is None else a:>9}  {'-' if b is None else b:>9}{mark}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep-dump", type=Path, metavar="FILE", help="write the dump here and keep it")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        print("FAILED: the backup drill needs PostgreSQL (set DATABASE_URL)")
        return 2
    ok = drill(args.keep_dump)
    print("PASSED" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
