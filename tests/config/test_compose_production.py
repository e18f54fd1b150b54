"""docker-compose.yml as a production deployment: only the proxy is published, one beat, a one-shot
migrate, a health check on every long-running service, volumes for the database, uploads and backups,
and .env.example documenting every variable. Docker cannot run here: the YAML is parsed, and the
pieces that can run outside a container (the beat and backup health checks, deploy/backup.sh,
deploy/app-role.sql) are run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg2
import pytest
import yaml
from django.conf import settings as django_settings
from django.db import connection

BASE_DIR = Path(django_settings.BASE_DIR)
LONG_RUNNING = ("proxy", "web", "worker", "beat", "postgres", "redis", "backup")


@pytest.fixture(scope="module")
def compose_text() -> str:
    return (BASE_DIR / "docker-compose.yml").read_text()


@pytest.fixture(scope="module")
def services(compose_text) -> dict:
    return yaml.safe_load(compose_text)["services"]


@pytest.fixture(scope="module")
def caddyfile() -> str:
    return (BASE_DIR / "deploy" / "Caddyfile").read_text()


def command_words(service: dict) -> list[str]:
    command = service.get("command", [])
    return command.split() if isinstance(command, str) else [w for part in command for w in str(part).split()]


def test_only_the_proxy_publishes_ports_and_web_is_only_exposed(services):
    assert [name for name, service in services.items() if "ports" in service] == ["proxy"]
    assert services["proxy"]["ports"] == ["${HTTP_PORT:-80}:80", "${HTTPS_PORT:-443}:443"]
    web = services["web"]
    assert "ports" not in web
    assert web["expose"] == ["8000"]
    assert "0.0.0.0:8000" in " ".join(command_words(web))


def test_the_proxy_is_caddy_forwarding_to_web_and_setting_the_forwarded_headers(services, caddyfile):
    proxy = services["proxy"]
    assert proxy["image"] == "caddy:2"
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    assert proxy["environment"]["ZEREN_DOMAIN"].startswith("${ZEREN_DOMAIN:?")
    assert re.search(r"^\{\$ZEREN_DOMAIN\} \{$", caddyfile, re.M)
    assert re.search(r"^\treverse_proxy web:8000 \{$", caddyfile, re.M)
    # The proxy overwrites what a client sent, and trusts no downstream proxy's values.
    assert "header_up X-Forwarded-Proto {scheme}" in caddyfile
    assert "header_up X-Forwarded-For {remote_host}" in caddyfile
    assert not re.search(r"^\s*trusted_proxies", caddyfile, re.M)
    # TRUST_X_FORWARDED_PROTO is still an explicit choice of the operator.
    assert services["web"]["environment"]["TRUST_X_FORWARDED_PROTO"].startswith("${TRUST_X_FORWARDED_PROTO:?")


def test_exactly_one_beat(services):
    beats = [name for name, service in services.items() if "beat" in command_words(service)]
    assert beats == ["beat"]
    assert services["beat"]["deploy"]["replicas"] == 1


def test_migrate_runs_once_as_the_owner_before_the_app(services):
    migrate = services["migrate"]
    assert migrate["restart"] == "no"
    assert command_words(migrate) == ["python", "manage.py", "migrate", "--noinput"]
    assert "healthcheck" not in migrate
    assert migrate["environment"]["DATABASE_URL"].startswith("${OWNER_DATABASE_URL:?")
    for name in ("web", "worker", "beat", "backup"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["DATABASE_URL"].startswith("${DATABASE_URL:?")


def test_every_long_running_service_is_health_checked_and_restarted(services):
    assert set(services) == {*LONG_RUNNING, "migrate"}
    for name in LONG_RUNNING:
        service = services[name]
        assert service["restart"] == "unless-stopped", name
        test = service["healthcheck"]["test"]
        assert test[0] in ("CMD", "CMD-SHELL") and len(test) >= 2, name
    assert "/healthz" in services["web"]["healthcheck"]["test"][-1]
    assert "http://127.0.0.1:2019/config/" in services["proxy"]["healthcheck"]["test"]


def test_volumes_keep_the_database_uploads_backups_and_certificates(services):
    def mounts(name: str) -> set[str]:
        return set(services[name].get("volumes", []))

    assert "postgres-data:/var/lib/postgresql/data" in mounts("postgres")
    assert "uploads:/var/lib/zeren/uploads" in mounts("web") & mounts("worker")
    assert {"uploads:/uploads:ro", "backups:/backups"} <= mounts("backup")
    assert "caddy-data:/data" in mounts("proxy")
    assert "beat-schedule:/var/lib/zeren/beat" in mounts("beat")


def run_check(code: str, directory: Path) -> int:
    code = code.replace("/var/lib/zeren/beat", str(directory))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=30).returncode


def test_beat_health_check_passes_while_the_schedule_file_is_rewritten(services, tmp_path):
    test = services["beat"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    code = test[3]
    assert run_check(code, tmp_path) == 1  # beat never started
    schedule = tmp_path / "celerybeat-schedule"
    schedule.write_bytes(b"")
    assert run_check(code, tmp_path) == 0
    eleven_minutes_ago = time.time() - 11 * 60
    os.utime(schedule, (eleven_minutes_ago, eleven_minutes_ago))
    assert run_check(code, tmp_path) == 1  # beat hangs: no rewrite for 10 minutes


def test_beat_schedule_path_matches_its_health_check(services):
    schedule = next(w.split("=", 1)[1] for w in command_words(services["beat"]) if w.startswith("--schedule="))
    assert schedule == "/var/lib/zeren/beat/celerybeat-schedule"
    assert schedule + "*" in services["beat"]["healthcheck"]["test"][3]


def compose_variables(text: str) -> set[str]:
    return set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text))


def env_example() -> tuple[dict[str, str], str]:
    text = (BASE_DIR / ".env.example").read_text()
    return dict(re.findall(r"^([A-Z_][A-Z0-9_]*)=(.*)$", text, re.M)), text


def test_env_example_documents_every_variable_compose_reads(compose_text):
    values, text = env_example()
    assert compose_variables(compose_text) == set(values)
    for variable in set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*):\?", compose_text)):
        # The comment block just above a required variable says so.
        block = text[: text.index(f"\n{variable}=")].rsplit("\n\n", 1)[-1]
        assert "(required)" in block, variable
    # Passwords and the secret key are left for the operator to fill in.
    for secret in ("SECRET_KEY", "POSTGRES_PASSWORD", "ZEREN_OWNER_PASSWORD", "ZEREN_APP_PASSWORD"):
        assert values[secret] == "", secret


def test_dotenv_stays_out_of_git_and_of_the_image():
    assert ".env" in (BASE_DIR / ".dockerignore").read_text().split()
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=BASE_DIR).returncode == 0
    tracked = subprocess.run(["git", "ls-files", "--error-unmatch", ".env"], cwd=BASE_DIR,
                             capture_output=True).returncode == 0
    assert ignored or not tracked


def libpq_env(**extra) -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ, "PGHOST": db["HOST"] or "", "PGPORT": str(db["PORT"] or 5432), "PGUSER": db["USER"]}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return {**env, **extra}


@pytest.mark.postgres
@pytest.mark.django_db
def test_backup_script_dumps_the_database_and_archives_the_uploads(services, tmp_path):
    backups, uploads = tmp_path / "backups", tmp_path / "uploads"
    backups.mkdir()
    (uploads / "evidence").mkdir(parents=True)
    (uploads / "evidence" / "会议记录.pdf").write_bytes(b"%PDF-1.4 test")
    env = libpq_env(PGDATABASE=connection.settings_dict["NAME"], BACKUP_ONCE="1",
                    BACKUP_DIR=str(backups), UPLOAD_DIR=str(uploads))
    result = subprocess.run(["sh", str(BASE_DIR / "deploy" / "backup.sh")], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    (dump,) = backups.glob("zeren-*.dump")
    (archive,) = backups.glob("uploads-*.tar.gz")
    listing = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True, check=True)
    assert re.search(r"TABLE DATA public responsibilities_logentry ", listing.stdout)
    tar = subprocess.run(["tar", "-tzf", str(archive)], capture_output=True, text=True, check=True)
    assert "./evidence/会议记录.pdf" in tar.stdout.splitlines()
    assert not list(backups.glob("*.part"))
    # The backup service's health check sees a fresh dump.
    check = services["backup"]["healthcheck"]["test"][1].replace("/backups", str(backups))
    assert subprocess.run(["sh", "-c", check]).returncode == 0
    os.utime(dump, (time.time() - 27 * 3600,) * 2)
    assert subprocess.run(["sh", "-c", check]).returncode == 1


@pytest.fixture
def roles_database():
    """A scratch database and two roles of this test's own (roles are cluster-wide), dropped after."""
    suffix = uuid.uuid4().hex[:8]
    name, owner, app = f"{connection.settings_dict['NAME']}_roles", f"zeren_owner_{suffix}", f"zeren_app_{suffix}"
    admin = connect_as("postgres", connection.settings_dict["USER"], connection.settings_dict["PASSWORD"])
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield name, owner, app
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for role in (owner, app):
                cursor.execute(f'DROP ROLE IF EXISTS "{role}"')
    finally:
        admin.close()


def run_app_role_sql(name: str, owner: str, app: str) -> None:
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", name, "-v", f"db={name}", "-v", f"owner={owner}",
         "-v", f"app={app}", "-v", "owner_password=owner-secret", "-v", "app_password=app-secret",
         "-f", str(BASE_DIR / "deploy" / "app-role.sql")],
        env=libpq_env(), capture_output=True, text=True, check=True, timeout=60,
    )


def connect_as(name: str, role: str, password: str):
    db = connection.settings_dict
    conn = psycopg2.connect(dbname=name, user=role, password=password or None, host=db["HOST"],
                            port=db["PORT"] or 5432)
    conn.autocommit = True
    return conn


def refused(conn, sql: str) -> str:
    with conn.cursor() as cursor:
        try:
            cursor.execute(sql)
        except psycopg2.Error as error:
            return str(error).splitlines()[0]
    return ""


@pytest.mark.postgres
@pytest.mark.django_db
def test_app_role_may_only_append_to_the_log(roles_database):
    name, owner, app = roles_database
    run_app_role_sql(name, owner, app)  # first start: no tables yet
    # What the migrations do as the owner, in miniature: the log with its trigger, and another table.
    owner_conn = connect_as(name, owner, "owner-secret")
    with owner_conn, owner_conn.cursor() as cursor:
        cursor.execute("""
            CREATE TABLE responsibilities_logentry (seq bigint PRIMARY KEY, action text);
            CREATE FUNCTION forbid() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'append-only'; END $$
                LANGUAGE plpgsql;
            CREATE TRIGGER logentry_no_update BEFORE UPDATE ON responsibilities_logentry
                FOR EACH ROW EXECUTE FUNCTION forbid();
            CREATE TABLE responsibilities_obligation (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                status text);
        """)
    owner_conn.close()
    run_app_role_sql(name, owner, app)  # again after the migrations, as README says

    conn = connect_as(name, app, "app-secret")
    try:
        assert refused(conn, "INSERT INTO responsibilities_logentry VALUES (1, 'report.signed')") == ""
        assert refused(conn, "SELECT count(*) FROM responsibilities_logentry") == ""
        assert refused(conn, "INSERT INTO responsibilities_obligation (status) VALUES ('open')") == ""
        assert refused(conn, "UPDATE responsibilities_obligation SET status = 'done'") == ""
        assert refused(conn, "DELETE FROM responsibilities_obligation") == ""
        for sql in ("UPDATE responsibilities_logentry SET action = 'x'", "DELETE FROM responsibilities_logentry",
                    "TRUNCATE responsibilities_logentry"):
            assert refused(conn, sql) == "permission denied for table responsibilities_logentry", sql
        assert refused(conn, "ALTER TABLE responsibilities_logentry DISABLE TRIGGER ALL") == (
            "must be owner of table responsibilities_logentry")
        assert refused(conn, "DROP TRIGGER logentry_no_update ON responsibilities_logentry") == (
            "must be owner of relation responsibilities_logentry")
        assert refused(conn, "SET session_replication_role = replica") == (
            'permission denied to set parameter "session_replication_role"')
        assert refused(conn, "CREATE TABLE sneaky (a int)").startswith("permission denied for schema public")
    finally:
        conn.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT datdba::regrole::text FROM pg_database WHERE datname = %s", [name])
        assert cursor.fetchone()[0] == owner
