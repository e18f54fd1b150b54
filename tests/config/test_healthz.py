"""GET /healthz: what load balancers and the compose health check probe, without logging in."""

from __future__ import annotations

import os

import pytest

CLOSED_PORT_REDIS = "redis://127.0.0.1:6390/0"


@pytest.fixture
def real_redis_url() -> str:
    """CI's Redis, or the one every machine of this kind runs on 127.0.0.1 (the test fails without it)."""
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def test_healthz_reports_embedded_broker_without_redis(client, db, settings):
    settings.REDIS_URL = None
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"database": "ok", "broker": "embedded", "status": "ok"}


def test_healthz_reports_reachable_redis(client, db, settings, real_redis_url):
    settings.REDIS_URL = real_redis_url
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "status": "ok"}


def test_healthz_answers_503_when_redis_is_unreachable(client, db, settings):
    settings.REDIS_URL = CLOSED_PORT_REDIS
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")
    assert body["status"] == "error"


def test_healthz_needs_no_login_and_only_reads(client, db, settings):
    settings.REDIS_URL = None
    assert client.get("/healthz").status_code == 200  # anonymous, not redirected to the login page
    assert client.post("/healthz").status_code == 405
