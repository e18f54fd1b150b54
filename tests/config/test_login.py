"""Login throttling (config/auth.py, counted in the database) and the superusers-only admin (config/urls.py)."""

from __future__ import annotations

import datetime
import socket

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client, override_settings
from django.urls import reverse

from responsibilities.models import SecurityEvent
from tests.factories import make_user

LOGIN = reverse("login")
PASSWORD = "pw-zeren-test"
WRONG = "用户名或密码不正确，请重新输入。"
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"


def locked(minutes: int) -> str:
    return f"登录失败次数过多，请 {minutes} 分钟后再试。"


def attempt(username: str, password: str, *, address: str = ATTACKER, **headers):
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(LOGIN, {"username": username, "password": password})
    return client, response


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(username: str, times: int, *, address: str = ATTACKER) -> None:
    """`times` wrong passwords; the tenth (the one that locks the pair) already answers 429."""
    for i in range(times):
        client, response = attempt(username, f"wrong-{i}", address=address)
        assert not logged_in(client)
        if i == 9:
            assert response.status_code == 429 and locked(15) in response.content.decode()
        else:
            assert response.status_code == 200 and WRONG in response.content.decode()


def test_ten_failures_lock_the_user_name_from_that_address_only(db):
    make_user("alice")
    fail("alice", 10)

    client, response = attempt("alice", PASSWORD)
    assert not logged_in(client)  # even the right password, from the attacker's address
    assert response.status_code == 429 and response["Retry-After"] == "900"
    assert locked(15) in response.content.decode() and WRONG not in response.content.decode()

    client, response = attempt("alice", PASSWORD, address=OWNER)
    assert logged_in(client)  # the owner, from her own address, is not locked out


def test_an_anonymous_attacker_cannot_lock_the_administrator_out(db):
    make_user("admin", superuser=True)
    fail("admin", 10)
    for i in range(25):  # and keeps trying, past the lock
        attempt("admin", f"again-{i}")

    client = Client(REMOTE_ADDR=OWNER)
    response = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 302 and logged_in(client)


def test_spraying_forty_accounts_from_one_address_is_stopped(db):
    for i in range(40):
        make_user(f"spray{i}")
    for i in range(29):
        client, response = attempt(f"spray{i}", "Winter2026!")
        assert response.status_code == 200 and not logged_in(client)
    for i in range(29, 40):  # the thirtieth failure locks the address
        client, response = attempt(f"spray{i}", "Winter2026!")
        assert response.status_code == 429 and not logged_in(client)

    client, response = attempt("spray39", PASSWORD)
    assert response.status_code == 429 and not logged_in(client)  # a valid login from that address too
    client, response = attempt("spray39", PASSWORD, address=OWNER)
    assert logged_in(client)  # elsewhere, the accounts work


@override_settings(ZEREN_LOGIN_ADDRESS_LIMIT=5)
def test_the_address_limit_is_a_setting(db):
    make_user("alice")
    for name in ("a", "b", "c", "d", "e"):
        attempt(name, "x")
    client, response = attempt("alice", PASSWORD)
    assert response.status_code == 429 and not logged_in(client)


def test_a_forged_x_forwarded_for_from_a_direct_client_is_ignored(db):
    make_user("alice")
    for i in range(10):  # a new forged address each time: still one client address, the real one
        attempt("alice", f"wrong-{i}", HTTP_X_FORWARDED_FOR=f"10.9.{i}.1")
    client, response = attempt("alice", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.200.1")
    assert response.status_code == 429 and not logged_in(client)
    assert set(SecurityEvent.objects.values_list("address", flat=True)) == {ATTACKER}


@override_settings(ZEREN_TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(db):
    make_user("alice")
    for i in range(10):
        attempt("alice", f"wrong-{i}", address="127.0.0.1", HTTP_X_FORWARDED_FOR=f"6.6.6.6, {ATTACKER}")
    client, response = attempt("alice", PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR=ATTACKER)
    assert response.status_code == 429
    client, response = attempt("alice", PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR=OWNER)
    assert logged_in(client)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED).first().address == ATTACKER


def test_the_count_ignores_the_case_of_the_user_name(db):
    make_user("alice")
    for spelling in ["ALICE", "Alice", "alice", "aLiCe", " alice"] * 2:
        attempt(spelling, "wrong")

    client, response = attempt("alice", PASSWORD)
    assert not logged_in(client) and response.status_code == 429


def test_a_successful_login_clears_the_count_of_its_pair(db):
    make_user("alice")
    fail("alice", 9)
    client, _response = attempt("alice", PASSWORD)
    assert logged_in(client)

    fail("alice", 9)  # would be 18 without the reset

    client, _response = attempt("alice", PASSWORD)
    assert logged_in(client)


def test_the_lock_ends_after_fifteen_minutes_and_says_how_long_is_left(db):
    make_user("alice")
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        fail("alice", 10)
        clock.shift(datetime.timedelta(minutes=10, seconds=30))
        client, response = attempt("alice", PASSWORD)
        assert response.status_code == 429 and response["Retry-After"] == "270"
        assert locked(5) in response.content.decode()

        clock.shift(datetime.timedelta(minutes=4, seconds=29))
        client, response = attempt("alice", PASSWORD)
        assert not logged_in(client) and response["Retry-After"] == "1"

        clock.shift(datetime.timedelta(seconds=2))
        client, _response = attempt("alice", PASSWORD)
        assert logged_in(client)


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(db):
    make_user("alice")
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False) as clock:
        fail("alice", 9)
        clock.shift(datetime.timedelta(minutes=16))
        fail("alice", 9)
        client, _response = attempt("alice", PASSWORD)
        assert logged_in(client)


def test_the_admin_login_counts_and_refuses_the_same_way(db):
    make_user("alice")
    client = Client(REMOTE_ADDR=ATTACKER)
    for i in range(5):
        client.post("/admin/login/", {"username": "alice", "password": f"wrong-{i}"})
    fail("alice", 4)  # the two login forms share one count: the tenth failure locks
    _client, response = attempt("alice", "wrong-again")
    assert response.status_code == 429

    response = client.post("/admin/login/?next=/admin/", {"username": "ALICE", "password": "x"})
    assert response.status_code == 429 and response["Retry-After"] == "900"
    assert locked(15) in response.content.decode()
    _client, response = attempt("alice", PASSWORD)
    assert response.status_code == 429


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nothing listens there


def test_login_works_and_throttles_with_the_cache_on_a_dead_redis(db):
    make_user("alice")
    dead = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                        "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0"}}
    with override_settings(CACHES=dead, ZEREN_RATE_LIMITS={"login": "120/min"}):
        from django.core.cache import caches

        with pytest.raises(Exception):  # noqa: B017 (whatever the client raises: the cache is down)
            caches["default"].get("anything")
        client, response = attempt("alice", PASSWORD, address=OWNER)
        assert response.status_code == 302 and logged_in(client)
        fail("alice", 10)
        _client, response = attempt("alice", PASSWORD)
        assert response.status_code == 429


def test_failed_logins_and_lockouts_are_in_the_security_log(db):
    make_user("alice")
    fail("alice", 10)
    attempt("alice", PASSWORD)
    kinds = list(SecurityEvent.objects.order_by("pk").values_list("kind", "username", "status", "address", "path"))
    assert kinds[0] == ("login_failed", "alice", 200, ATTACKER, "/accounts/login/")
    assert [k[0] for k in kinds].count("login_failed") == 10
    assert [k[:3] for k in kinds[10:]] == [("locked_out", "alice", 429), ("locked_out", "alice", 429)]


# --- the admin ---------------------------------------------------------------------------------


def test_a_staff_member_who_is_not_a_superuser_is_kept_out_of_the_admin(db):
    staff = make_user("throttle_staff")
    staff.is_staff = True
    staff.save()
    # Even with every model permission: the admin's lists are not scoped to a subtree.
    staff.user_permissions.set(Permission.objects.all())
    client = Client()
    client.force_login(staff)

    for url in ("/admin/", "/admin/auth/user/", "/admin/responsibilities/organization/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url
    page = client.get("/admin/login/?next=/admin/").content.decode()
    assert 'name="password"' in page  # the admin's login form, not the admin
    assert client.get("/admin/auth/user/add/").status_code == 302


def test_a_superuser_may_use_the_admin(db):
    client = Client()
    client.force_login(make_user("throttle_root", superuser=True))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 200

