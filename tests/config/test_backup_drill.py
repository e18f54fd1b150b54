"""`make backup-drill` (scripts/backup_drill.py): dump, restore into a fresh database, compare, verify the log.

The drill runs as the operator runs it, a separate process, against the test database (a few
dozen rows of our own on top of what the migrations load), so what it dumps must be committed:
these tests are transactional.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from responsibilities import log
from responsibilities.log import LogEntry
from responsibilities.models import Organization
from tests.factories import make_org, make_user

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "backup_drill.py"


def run_drill(database_url: str) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(SCRIPT)], env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True, text=True, timeout=60,
    )
    return result, time.perf_counter() - start


def database_url_of_the_tests() -> str:
    db = connection.settings_dict
    port = f":{db['PORT']}" if db.get("PORT") else ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}{port}/{db['NAME']}"


def counts_of(output: str) -> dict[str, tuple[int, int]]:
    return {name: (int(a), int(b)) for name, a, b in re.findall(r"^public\.(\w+) +(\d+) +(\d+)", output, re.M)}


def drill_databases() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                       [connection.settings_dict["NAME"] + "_drill_%"])
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def small_database():
    """Four organizations, a user, and five log entries (four creations, one rename), committed."""
    city = make_org("江川市委")
    for name in ("临河县委", "东山县委", "西岭县委"):
        make_org(name, parent=city)
    make_user("drill_staff")
    with transaction.atomic():
        log.append(action="organization.renamed", subject=city, actor=None, name="江川市委员会")
    return city


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_drill_restores_every_table_verifies_the_log_and_drops_the_copy(small_database):
    orgs, entries = Organization.objects.count(), LogEntry.objects.count()
    head = LogEntry.objects.order_by("-seq").values_list("hash", flat=True).first()
    assert (orgs, entries) == (4, 5)

    result, seconds = run_drill(database_url_of_the_tests())

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "PASSED"
    counts = counts_of(result.stdout)
    assert counts["responsibilities_organization"] == (4, 4)
    assert counts["responsibilities_logentry"] == (5, 5)
    assert counts["auth_user"] == (1, 1)
    assert counts["responsibilities_obligation"] == (0, 0)
    assert all(a == b for a, b in counts.values())
    assert len(counts) >= 50  # every table of every app, not only those with rows
    assert f"verify_log on the copy: OK 5 entries, head {head}" in lines
    assert re.search(r"^dropped: \S+_drill_\d{14}$", result.stdout, re.M)
    assert drill_databases() == []
    assert not re.search(r"MISMATCH|error", result.stdout)
    assert seconds < 30, f"the drill took {seconds:.1f} s"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_drill_fails_when_the_restored_log_does_not_verify(small_database):
    # This test's connection skips the log's triggers (conftest._log_triggers), standing in for an
    # owner who rewrote an entry: the dump carries the broken chain and the copy must not verify.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE responsibilities_logentry SET payload = '{\"name\": \"篡改\"}' WHERE seq = 2")

    result, _seconds = run_drill(database_url_of_the_tests())

    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == "FAILED"
    assert any(line.startswith("verify_log on the copy: BROKEN at #2") for line in lines), result.stdout
    assert counts_of(result.stdout)["responsibilities_logentry"] == (5, 5)
    assert drill_databases() == []


def test_drill_refuses_a_database_that_is_not_postgresql(tmp_path):
    result, _seconds = run_drill(f"sqlite:///{tmp_path / 'zeren.sqlite3'}")
    assert result.returncode == 2
    assert result.stdout.splitlines()[-1] == "FAILED: the backup drill needs PostgreSQL (set DATABASE_URL)"


def test_make_backup_drill_runs_the_script():
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    recipe = re.search(r"^backup-drill:.*\n\t(.+)$", makefile, re.M)
    assert recipe and recipe.group(1) == "$(PY) scripts/backup_drill.py"
