"""config/cache.py: a cache on a Redis server that is up, down or hung (a server of the test's own)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
import redis

from config.cache import FailSafeRedisCache, reset_circuits
from tests.config.test_serve import BASE_DIR
from tests.redis_server import running_redis


@pytest.fixture
def redis_server(tmp_path_factory):
    yield from running_redis(tmp_path_factory)


@pytest.fixture(autouse=True)
def _closed_circuits():
    reset_circuits()
    yield
    reset_circuits()


def make_cache(url: str, **options) -> FailSafeRedisCache:
    return FailSafeRedisCache(url, {"KEY_PREFIX": "failsafe-test", "OPTIONS": options})


def timed(call):
    start = time.monotonic()
    result = call()
    return result, time.monotonic() - start


def test_with_redis_up_values_live_in_redis(redis_server):
    cache = make_cache(redis_server.url)
    cache.set("greeting", "你好", timeout=60)
    assert cache.get("greeting") == "你好"
    assert redis.Redis.from_url(redis_server.url).exists("failsafe-test:1:greeting") == 1
    assert cache.add("counter", 0) is True
    assert cache.incr("counter") == 1
    with pytest.raises(ValueError):  # Django's semantics stay: incr of a missing key
        cache.incr("missing")
    assert cache.redis_skipped() is False


def test_with_redis_down_every_call_returns_and_the_circuit_skips_redis(redis_server):
    cache = make_cache(redis_server.url)
    cache.set("before", 1)
    redis_server.stop()

    value, first = timed(lambda: cache.get("before", "default"))
    assert value == "default"  # Redis's values are out of reach; the fallback answers
    assert first < 1.5
    assert cache.redis_skipped() is True
    _, second = timed(lambda: cache.get("before"))
    assert second < 0.05  # the circuit is open: Redis is not tried
    cache.set("during", "本地", timeout=60)
    assert cache.get("during") == "本地"
    assert cache.add("n", 0) is True and cache.incr("n") == 1 and cache.incr("n") == 2
    assert cache.get_many(["during", "n"]) == {"during": "本地", "n": 2}
    cache.delete_many(["during"])
    assert cache.has_key("during") is False
    with pytest.raises(ValueError):
        cache.incr("missing")


def test_with_redis_hung_the_first_call_waits_one_second_then_none_waits(redis_server):
    cache = make_cache(redis_server.url)
    cache.set("key", "value")
    redis_server.hang()
    try:
        value, first = timed(lambda: cache.get("key", "fallback"))
        assert value == "fallback"
        assert 0.5 < first < 2.0  # the read timeout (1 s), not the operating system's minutes
        calls, rest = timed(lambda: [cache.set("a", 1), cache.get("a"), cache.incr("a"), cache.delete("a")])
        assert calls == [None, 1, 2, True]
        assert rest < 0.05
    finally:
        redis_server.resume()


def test_the_circuit_closes_after_retry_after_and_redis_is_used_again(redis_server):
    cache = make_cache(redis_server.url, retry_after=0.5)
    redis_server.hang()
    try:
        assert cache.get("key") is None
        assert cache.redis_skipped() is True
    finally:
        redis_server.resume()
    time.sleep(0.6)
    assert cache.redis_skipped() is False
    cache.set("key", "back", timeout=60)
    assert redis.Redis.from_url(redis_server.url).exists("failsafe-test:1:key") == 1
    assert cache.get("key") == "back"


SHOW = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "session_engine": settings.SESSION_ENGINE,
    "publish_retry": settings.CELERY_TASK_PUBLISH_RETRY,
    "transport": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    "connection_timeout": settings.CELERY_BROKER_CONNECTION_TIMEOUT,
    "acks_late": settings.CELERY_TASK_ACKS_LATE,
    "reject_on_worker_lost": settings.CELERY_TASK_REJECT_ON_WORKER_LOST,
    "prefetch": settings.CELERY_WORKER_PREFETCH_MULTIPLIER,
}))
"""


def test_settings_use_the_fail_safe_cache_and_fail_fast_broker_with_redis(tmp_path):
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings",
           "ZEREN_VAR_DIR": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:6399/0"}
    result = subprocess.run([sys.executable, "-c", SHOW], cwd=BASE_DIR, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "cache": "config.cache.FailSafeRedisCache",
        # Sessions live in the database: a Redis outage logs nobody out and blocks no login.
        "session_engine": "django.contrib.sessions.backends.db",
        "publish_retry": False,
        "transport": {"socket_timeout": 1, "socket_connect_timeout": 1, "max_retries": 0,
                      "visibility_timeout": 3600},
        "connection_timeout": 1,
        "acks_late": True,
        "reject_on_worker_lost": True,
        "prefetch": 1,
    }
