"""Benchmark: 50 virtual users over the three roles' journeys against gunicorn, beside a trivial view.

    python bench/load.py [--users 50] [--seconds 60] [--trivial-seconds 20] [--port 8108]

What it does, in one run:
1. creates a scratch PostgreSQL database (`zeren_load`, or --database), migrates it and loads the
   demo city (seed_demo, development settings: the command refuses production);
2. starts gunicorn on 127.0.0.1 with the production settings (DJANGO_ENV=production, PostgreSQL,
   Redis from REDIS_URL, collected static files) and login limits set high, since every virtual user
   logs in from the same address;
3. runs locust headless (bench/load_journeys.py): --users users split 3:1:1 between propaganda staff
   (workbench, compliance matrix, obligations, a task, ledgers, the report board), the secretary
   (workbench, reports to sign, a report) and the inspector (workplace, log, cases, a case), without
   pauses, for --seconds;
4. then the same number of users on the trivial view (the login page, anonymous: no database, no
   session) for --trivial-seconds: the machine's ceiling measured in the same conditions;
5. prints requests/s, p50/p95/p99 latency and errors of both, the slowest pages, and a last JSON line
   with throughput_vs_trivial (target ≥ 0.4), p95_vs_trivial (target ≤ 10) and errors (target 0).

Needs PostgreSQL on 127.0.0.1:5432 (user postgres) and Redis (REDIS_URL, default
redis://127.0.0.1:6379/0). Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from scratch import scratch_database  # noqa: E402  (bench/ is on sys.path when run as a script)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGETS = {"throughput_vs_trivial": 0.4, "p95_vs_trivial": 10.0, "errors": 0}



def manage(env: dict, *args: str) -> None:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed with code {done.returncode}")


def production_env(base: dict, port: int) -> dict:
    env = dict(base)
    env.update({
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ZEREN_BASE_URL": f"http://127.0.0.1:{port}",
        # Plain HTTP on the loopback: no TLS redirect, cookies sent without HTTPS.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        # Every virtual user logs in from 127.0.0.1: the per-address limits must not refuse them.
        "ZEREN_RATE_LIMITS": json.dumps({"login": "100000/min", "pdf": "100000/min", "export": "100000/min"}),
        "ZEREN_LOGIN_ADDRESS_LIMIT": "100000",
        "ZEREN_LOGIN_PAIR_LIMIT": "100000",
        "LOG_LEVEL": "WARNING",
    })
    return env


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout:.0f} s")


def run_locust(host: str, users: int, seconds: int, classes: list[str], prefix: str, env: dict) -> float:
    """Run locust; the measured window starts once every user has logged in (load_journeys.py).
    Returns the wall time of the whole run, logins included."""
    started = time.monotonic()
    with open(f"{prefix}.log", "w") as log:
        subprocess.run(
            [str(BIN / "locust"), "-f", str(ROOT / "bench" / "load_journeys.py"), "--headless",
             "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds + 600}s",
             "--host", host, "--csv", prefix, "--only-summary", "--loglevel", "WARNING",
             "--stop-timeout", "10", *classes],
            cwd=ROOT, env={**env, "ZEREN_LOAD_SECONDS": str(seconds)}, check=False, stdout=log, stderr=log,
        )
    return time.monotonic() - started


def read_stats(prefix: str) -> tuple[dict, list[dict]]:
    """The aggregated row and the per-page rows of locust's <prefix>_stats.csv."""
    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = list(csv.DictReader(f))

    def figures(row: dict) -> dict:
        return {
            "name": row["Name"],
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]),
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
            "p99_ms": float(row["99%"]),
            "mean_ms": float(row["Average Response Time"]),
        }

    total = next(figures(r) for r in rows if r["Name"] == "Aggregated")
    # Rows without a request in the measured window (the logins) have no percentiles ("N/A").
    pages = [figures(r) for r in rows if r["Name"] != "Aggregated" and int(r["Request Count"])]
    return total, pages


def failures(prefix: str) -> list[str]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(newline="") as f:
        return [f"{r['Occurrences']}× {r['Method']} {r['Name']}: {r['Error']}" for r in csv.DictReader(f)]


def describe(label: str, total: dict) -> str:
    return (f"{label}: {total['rps']:.1f} requests/s, p50 {total['p50_ms']:.0f} ms, p95 {total['p95_ms']:.0f} ms, "
            f"p99 {total['p99_ms']:.0f} ms, {total['requests']} requests, {total['failures']} errors")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--trivial-seconds", type=int, default=20)
    parser.add_argument("--port", type=int, default=8108)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1,
                        help="gunicorn sync workers (default 2 × CPUs + 1)")
    parser.add_argument("--database", default="zeren_load", help="scratch PostgreSQL database (dropped, recreated)")
    parser.add_argument("--trivial-path", default="/accounts/login/")
    parser.add_argument("--reuse-database", action="store_true",
                        help="keep the database a previous run seeded (the journeys only read)")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="zeren-load-"))
    base = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ENV", "DJANGO_SETTINGS_MODULE")}
    base.update({
        "DATABASE_URL": (f"postgres://postgres@127.0.0.1:5432/{args.database}" if args.reuse_database
                         else scratch_database(args.database)),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "ZEREN_VAR_DIR": str(var_dir),
        "ZEREN_LOAD_TRIVIAL_PATH": args.trivial_path,
    })
    started = time.monotonic()
    manage(base, "migrate", "--noinput", "--verbosity", "0")
    if not args.reuse_database:
        manage(base, "seed_demo")
    prod = production_env(base, args.port)
    manage(prod, "collectstatic", "--noinput", "--verbosity", "0")
    print(f"demo city seeded and static files collected in {time.monotonic() - started:.0f} s "
          f"(database {args.database})")

    host = f"http://127.0.0.1:{args.port}"
    gunicorn = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{args.port}",
         "--workers", str(args.workers), "--worker-class", "sync", "--log-level", "warning"],
        cwd=ROOT, env=prod, start_new_session=True,
    )
    try:
        wait_until_up(host + args.trivial_path, gunicorn)
        print(f"gunicorn: {args.workers} sync workers on {host}, production settings")
        out = var_dir / "locust"
        out.mkdir()
        wall = run_locust(host, args.users, args.seconds, ["PropagandaStaff", "Secretary", "Inspector"],
                          str(out / "journeys"), prod)
        print(f"{args.users} users logged in within {wall - args.seconds:.0f} s (not measured: one password "
              "hash each), then walked their journeys")
        journeys, pages = read_stats(str(out / "journeys"))
        run_locust(host, args.users, args.trivial_seconds, ["Trivial"], str(out / "trivial"), prod)
        trivial, _ = read_stats(str(out / "trivial"))
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)

    print(describe(f"journeys ({args.users} users, {args.seconds} s)", journeys))
    print(describe(f"trivial view {args.trivial_path} ({args.users} users, {args.trivial_seconds} s)", trivial))
    print("slowest pages (p95):")
    for page in sorted(pages, key=lambda p: -p["p95_ms"])[:8]:
        print(f"  {page['p95_ms']:6.0f} ms p95, {page['p50_ms']:5.0f} ms p50, {page['requests']:6d} requests, "
              f"{page['failures']} errors  {page['name']}")
    for line in failures(str(out / "journeys")) + failures(str(out / "trivial")):
        print("  error:", line)

    errors = journeys["failures"] + trivial["failures"]
    result = {
        "users": args.users,
        "seconds": args.seconds,
        "workers": args.workers,
        "rps": round(journeys["rps"], 1),
        "p50_ms": journeys["p50_ms"],
        "p95_ms": journeys["p95_ms"],
        "p99_ms": journeys["p99_ms"],
        "requests": journeys["requests"],
        "trivial_rps": round(trivial["rps"], 1),
        "trivial_p95_ms": trivial["p95_ms"],
        "throughput_vs_trivial": round(journeys["rps"] / trivial["rps"], 3) if trivial["rps"] else None,
        "p95_vs_trivial": round(journeys["p95_ms"] / trivial["p95_ms"], 2) if trivial["p95_ms"] else None,
        "errors": errors,
    }
    met = (
        result["throughput_vs_trivial"] is not None
        and result["throughput_vs_trivial"] >= TARGETS["throughput_vs_trivial"]
        and result["p95_vs_trivial"] is not None
        and result["p95_vs_trivial"] <= TARGETS["p95_vs_trivial"]
        and errors == TARGETS["errors"]
    )
    result["targets_met"] = met
    print(json.dumps(result, ensure_ascii=False))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
