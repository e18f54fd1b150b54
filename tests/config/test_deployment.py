"""The multi-machine deployment: docker-compose.yml and the Dockerfile.

Docker cannot run here, so these tests read the files and check that what they
name exists: each command's entry point imports, each health check probes the
right thing, and production secrets have no defaults.
"""

from __future__ import annotations

import importlib
import re
import shlex
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import yaml
from django.conf import settings as django_settings
from django.core.wsgi import get_wsgi_application

BASE_DIR = Path(django_settings.BASE_DIR)
APP_SERVICES = ("migrate", "web", "worker", "beat")
REQUIRED_SECRETS = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "ZEREN_BASE_URL", "TRUST_X_FORWARDED_PROTO")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile() -> str:
    # Join continuation lines so each instruction is one line.
    return (BASE_DIR / "Dockerfile").read_text().replace("\\\n", " ")


def argv(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def shell_words(service: dict) -> list[str]:
    """The words of a command, looking inside `sh -c "…"` wrappers."""
    words = argv(service)
    if words[:2] == ["sh", "-c"]:
        return shlex.split(words[2].replace("&&", " && "))
    return words


def test_compose_has_every_service_of_the_design(services):
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)


def test_backing_services_are_pinned_kept_on_volumes_and_health_checked(compose, services):
    postgres, redis = services["postgres"], services["redis"]
    assert postgres["image"].startswith("postgres:16")
    assert redis["image"].startswith("redis:7")
    assert any(v.endswith(":/var/lib/postgresql/data") for v in postgres["volumes"])
    assert any(v.endswith(":/data") for v in redis["volumes"])
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert redis["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]
    named = set(compose["volumes"])
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):  # a file of this repository, mounted read-only
                assert (BASE_DIR / source).is_file() and volume.endswith(":ro"), volume
            else:
                assert source in named, f"{volume} is a named volume declared at the top"


def test_app_services_wait_for_healthy_backends_and_migrations(services):
    for name in APP_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert argv(services["migrate"])[:3] == ["python", "manage.py", "migrate"]


def test_web_runs_gunicorn_on_the_wsgi_application_after_collectstatic(services):
    words = shell_words(services["web"])
    assert "collectstatic" in words
    gunicorn = words[words.index("gunicorn"):]
    module_name, attribute = gunicorn[1].split(":")
    assert (module_name, attribute) == ("config.wsgi", "application")
    assert callable(getattr(importlib.import_module(module_name), attribute))
    assert gunicorn[gunicorn.index("--bind") + 1] == "0.0.0.0:8000"


def test_worker_and_beat_point_at_the_celery_app(services):
    from celery.app.utils import find_app
    from celery.bin.celery import celery as celery_cli

    import config.celery

    for name, subcommand in (("worker", "worker"), ("beat", "beat")):
        words = argv(services[name])
        assert words[:4] == ["celery", "-A", "config", subcommand]
        assert find_app(words[2]) is config.celery.app
        assert subcommand in celery_cli.commands
    assert isinstance(config.celery.app.conf.beat_schedule, dict)


def test_exactly_one_beat_with_its_schedule_on_a_volume(services):
    beat = services["beat"]
    assert beat["deploy"]["replicas"] == 1
    schedule = next(w.split("=", 1)[1] for w in argv(beat) if w.startswith("--schedule="))
    mounts = [v.split(":")[1] for v in beat["volumes"]]
    assert any(schedule.startswith(mount + "/") for mount in mounts)


def test_production_secrets_are_required_not_defaulted(services):
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert environment["DJANGO_ENV"] == "production"
        for variable in REQUIRED_SECRETS:
            # Migrations run as the tables' owner, the app as a role that may only append to the log.
            source = "OWNER_DATABASE_URL" if (name, variable) == ("migrate", "DATABASE_URL") else variable
            assert re.fullmatch(rf"\$\{{{source}:\?[^}}]+\}}", environment[variable]), (
                f"{name}: {variable} must be ${{{variable}:?message}}, without a default"
            )
        assert "REDIS_URL" in environment
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")


def test_every_variable_passed_to_the_app_is_read_by_it(services):
    sources = "".join(p.read_text() for p in (BASE_DIR / "config").glob("*.py"))
    read_by_gunicorn = {"WEB_CONCURRENCY"}
    for variable in services["web"]["environment"]:
        assert variable in read_by_gunicorn or f'"{variable}"' in sources, variable


def test_app_services_run_the_image_built_from_the_dockerfile(services):
    images = {services[name]["image"] for name in APP_SERVICES}
    assert len(images) == 1
    assert all(services[name]["build"] == "." for name in APP_SERVICES)


def test_dockerfile_installs_fonts_harfbuzz_and_the_locked_dependencies(dockerfile):
    assert re.search(r"^FROM python:3\.11-slim-bookworm\b", dockerfile, re.M)
    apt = next(line for line in dockerfile.splitlines() if "apt-get install" in line)
    for package in ("fonts-noto-cjk", "fonts-arphic-ukai", "libharfbuzz-subset0",
                    "libpango-1.0-0", "libpangoft2-1.0-0"):
        assert f" {package} " in f" {apt} ", package
    assert "uv sync --frozen --no-dev" in dockerfile


def test_dockerfile_installs_what_make_run_installs(dockerfile):
    """The Makefile's RUN_DEBS (less gettext: catalogues are compiled and committed)."""
    makefile = (BASE_DIR / "Makefile").read_text()
    run_debs = re.search(r"^RUN_DEBS := (.+)$", makefile, re.M).group(1).split()
    apt = next(line for line in dockerfile.splitlines() if "apt-get install" in line)
    assert set(run_debs) - {"gettext"} <= set(apt.split())


def test_docker_build_context_leaves_out_local_state():
    ignored = (BASE_DIR / ".dockerignore").read_text().split()
    assert {".git", ".venv", "var", ".env"} <= set(ignored)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def web_url(db) -> Iterator[str]:
    """The WSGI application gunicorn serves, on a free port, for the health-check probe to hit."""
    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def run_web_healthcheck(services, url: str, allowed_hosts: str) -> subprocess.CompletedProcess:
    test = services["web"]["healthcheck"]["test"]
    assert test[0] == "CMD" and test[1:3] == ["python", "-c"]
    assert "http://127.0.0.1:8000/healthz" in test[3]
    code = test[3].replace("http://127.0.0.1:8000", url)
    return subprocess.run(
        [sys.executable, "-c", code], env={"ALLOWED_HOSTS": allowed_hosts},
        capture_output=True, text=True, timeout=30,
    )


def test_web_healthcheck_probes_healthz_as_an_allowed_host(services, web_url, settings):
    settings.ALLOWED_HOSTS = [".zeren.example"]
    result = run_web_healthcheck(services, web_url, ".zeren.example,zeren.internal")
    assert result.returncode == 0, result.stderr


def test_web_healthcheck_fails_when_healthz_does_not_answer_200(services, web_url, settings):
    # /healthz is liveness only (a Redis outage does not restart web); the probe fails on anything but 200.
    settings.ALLOWED_HOSTS = ["zeren.example"]
    result = run_web_healthcheck(services, web_url, "other.example")
    assert result.returncode != 0
    assert "400" in result.stderr
