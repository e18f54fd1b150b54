"""Rate limits (responsibilities/ratelimit.py): 429 with Retry-After on login, PDF rendering and exports,
per user (per address when signed out), also while the cache is unreachable."""

from __future__ import annotations

import datetime
import socket
import time

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from responsibilities import ratelimit
from responsibilities.models import SecurityEvent
from tests.factories import make_user

LOCAL = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-ratelimit"}}
LIMITS = {"login": "4/min", "pdf": "3/min", "export": "2/min"}
PDF = reverse("reporting:version_pdf", args=[987654, 1])  # no such report: 404 until the limit, then 429
EXPORT = reverse("reporting:ledger_export")
MINUTE = datetime.datetime(2026, 3, 2, 9, 0, 15, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def fresh_counts():
    from django.core.cache import caches

    with override_settings(CACHES=LOCAL, ZEREN_RATE_LIMITS=LIMITS):
        caches["default"].clear()
        ratelimit._local_counts.clear()
        ratelimit._cache_paused_until = 0.0
        yield
        ratelimit._cache_paused_until = 0.0


def signed_in(name: str) -> Client:
    client = Client()
    client.force_login(make_user(name))
    return client


def test_pdf_rendering_answers_429_after_three_a_minute_per_user(db):
    alice, bob = signed_in("alice"), signed_in("bob")
    with time_machine.travel(MINUTE, tick=False) as clock:
        assert [alice.get(PDF).status_code for _ in range(3)] == [404, 404, 404]
        response = alice.get(PDF)
        assert response.status_code == 429 and response["Retry-After"] == "45"
        assert "您的操作过于频繁，请 45 秒后再试。" in response.content.decode()
        assert bob.get(PDF).status_code == 404  # counted per user

        clock.shift(datetime.timedelta(seconds=45))  # the next minute
        assert alice.get(PDF).status_code == 404


def test_exports_answer_429_after_two_a_minute(db):
    alice = signed_in("alice")
    with time_machine.travel(MINUTE, tick=False):
        codes = [alice.post(EXPORT, {}).status_code for _ in range(3)]
    assert codes == [403, 403, 429]  # alice holds no grant: refused, until refused sooner


def test_the_login_page_answers_429_per_address(db):
    with time_machine.travel(MINUTE, tick=False):
        codes = [Client(REMOTE_ADDR="203.0.113.5").get(reverse("login")).status_code for _ in range(5)]
        other = Client(REMOTE_ADDR="203.0.113.6").get(reverse("login")).status_code
        admin = Client(REMOTE_ADDR="203.0.113.5").get("/admin/login/").status_code
    assert codes == [200, 200, 200, 200, 429]
    assert other == 200
    assert admin == 429  # the admin's login page shares the count


def test_the_first_refusal_of_a_window_goes_to_the_security_log(db):
    alice = signed_in("alice")
    with time_machine.travel(MINUTE, tick=False):
        for _ in range(6):
            alice.get(PDF)
    refusals = list(SecurityEvent.objects.filter(kind=SecurityEvent.Kind.RATE_LIMITED).values_list(
        "username", "path", "status"))
    assert refusals == [("alice", PDF, 429)]


def test_with_the_cache_unreachable_the_limit_holds_per_process_and_nothing_fails(db):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dead = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                        "LOCATION": f"redis://127.0.0.1:{port}/0"}}
    alice = signed_in("alice")
    with override_settings(CACHES=dead), time_machine.travel(MINUTE, tick=False):
        assert [alice.get(PDF).status_code for _ in range(4)] == [404, 404, 404, 429]
    # Only the first request waited for the cache: the process then leaves it alone for a while.
    assert ratelimit._cache_paused_until > time.monotonic() + ratelimit.CACHE_PAUSE - 10


def test_parse_rate():
    assert ratelimit.parse_rate("30/min") == (30, 60)
    assert ratelimit.parse_rate("5/s") == (5, 1)
    assert ratelimit.parse_rate("100/day") == (100, 86400)
