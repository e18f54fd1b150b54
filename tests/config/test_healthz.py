"""`/healthz` (liveness: the process answers) and `/readyz` (database, broker, beat's heartbeat), which
load balancers, compose health checks and monitoring call without logging in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from responsibilities.heartbeat import Heartbeat, heartbeat_age
from responsibilities.tasks import tick_heartbeat
from tests.redis_server import running_redis

CLOSED_PORT_REDIS = "redis://127.0.0.1:6390/0"
ALL_OK = {"status": "ok", "database": "ok", "broker": "ok", "beat": "ok"}


@pytest.fixture
def redis_server(tmp_path_factory):
    yield from running_redis(tmp_path_factory)


@pytest.fixture
def beat_alive(db):
    tick_heartbeat()  # what beat sends every minute, run here as a worker would


def test_healthz_answers_ok_to_get_and_head_without_touching_the_database(client):
    # No `db` fixture: any database access here would raise (pytest-django blocks it).
    got = client.get("/healthz")
    head = client.head("/healthz")
    assert (got.status_code, got.content, got["Content-Type"]) == (200, b"ok", "text/plain; charset=utf-8")
    assert (head.status_code, head.content) == (200, b"")
    assert client.post("/healthz").status_code == 405


def test_healthz_stays_ok_while_redis_is_down(client, settings):
    settings.REDIS_URL = CLOSED_PORT_REDIS  # a dependency's outage is /readyz's business, not liveness
    assert (client.get("/healthz").status_code, client.get("/healthz").content) == (200, b"ok")


def test_readyz_is_ok_with_the_database_the_embedded_broker_and_a_fresh_heartbeat(client, settings, beat_alive):
    settings.REDIS_URL = None
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == ALL_OK
    assert client.head("/readyz").status_code == 200
    assert client.post("/readyz").status_code == 405


def test_readyz_is_ok_with_a_reachable_redis(client, settings, beat_alive, redis_server):
    settings.REDIS_URL = redis_server.url
    assert client.get("/readyz").json() == ALL_OK


def test_readyz_answers_503_with_only_words_when_redis_is_unreachable(client, settings, beat_alive):
    settings.REDIS_URL = CLOSED_PORT_REDIS
    response = client.get("/readyz")
    assert response.status_code == 503
    # Per check "ok" or "failed", nothing else: no exception class, address or message for anonymous callers.
    assert response.content.decode() == '{"status": "failed", "database": "ok", "broker": "failed", "beat": "ok"}'


def test_readyz_answers_within_seconds_when_redis_hangs(client, settings, beat_alive, redis_server):
    settings.REDIS_URL = redis_server.url
    redis_server.hang()
    try:
        start = timezone.now()
        response = client.get("/readyz")
        seconds = (timezone.now() - start).total_seconds()
    finally:
        redis_server.resume()
    assert response.status_code == 503 and response.json()["broker"] == "failed"
    assert seconds < 3


def test_readyz_fails_without_a_heartbeat_or_with_a_stale_one(client, settings, db):
    settings.REDIS_URL = None
    settings.READYZ_BEAT_MAX_AGE = 300
    assert client.get("/readyz").json() == {**ALL_OK, "status": "failed", "beat": "failed"}  # beat never ran

    Heartbeat.objects.create(name="beat", beat_at=timezone.now() - dt.timedelta(seconds=301))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {**ALL_OK, "status": "failed", "beat": "failed"}

    Heartbeat.objects.filter(name="beat").update(beat_at=timezone.now() - dt.timedelta(seconds=290))
    assert client.get("/readyz").status_code == 200


def test_the_heartbeat_tick_records_the_time(db):
    assert heartbeat_age() is None
    tick_heartbeat()
    tick_heartbeat()  # one row, updated
    assert Heartbeat.objects.count() == 1
    assert 0 <= heartbeat_age() < 5
