"""Login throttling (config/auth.py) and the superusers-only admin (config/urls.py)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client, override_settings
from django.urls import reverse

from config import auth
from tests.factories import make_user

LOGIN = reverse("login")
PASSWORD = "pw-zeren-test"
THROTTLED = "登录失败次数过多，请 15 分钟后再试。"
WRONG = "用户名或密码不正确，请重新输入。"
USERNAMES = ("throttle_alice", "throttle_bob", "throttle_root")


@pytest.fixture(autouse=True)
def clean_counts():
    # The cache is Redis when REDIS_URL is set, and outlives the test: start and end with no counts.
    for name in USERNAMES:
        auth.clear_failures(name)
    yield
    for name in USERNAMES:
        auth.clear_failures(name)


def attempt(username: str, password: str, *, address: str = "10.0.0.1") -> tuple[Client, str]:
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": password})
    return client, response.content.decode() if response.status_code == 200 else ""


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(username: str, times: int) -> None:
    for i in range(times):
        client, page = attempt(username, f"wrong-{i}", address=f"10.0.{i}.9")
        assert not logged_in(client)
        assert WRONG in page


def test_ten_failures_from_any_address_lock_the_user_name(db):
    make_user("throttle_alice")
    make_user("throttle_bob")
    fail("throttle_alice", 9)
    client, _page = attempt("throttle_alice", PASSWORD)
    assert logged_in(client)  # nine failures: still allowed (and the success starts the count again)

    fail("throttle_alice", 10)

    client, page = attempt("throttle_alice", PASSWORD, address="192.0.2.77")
    assert not logged_in(client)  # even the right password, from a new address
    assert THROTTLED in page and WRONG not in page
    client, _page = attempt("throttle_bob", PASSWORD)
    assert logged_in(client)  # other user names are not affected


def test_the_count_ignores_the_case_of_the_user_name(db):
    make_user("throttle_alice")
    for spelling in ["THROTTLE_ALICE", "Throttle_Alice", "throttle_alice", "tHrOtTlE_aLiCe", " throttle_ALICE"] * 2:
        attempt(spelling, "wrong")

    client, page = attempt("throttle_alice", PASSWORD)
    assert not logged_in(client)
    assert THROTTLED in page


def test_a_successful_login_clears_the_count(db):
    make_user("throttle_alice")
    fail("throttle_alice", 9)
    client, _page = attempt("throttle_alice", PASSWORD)
    assert logged_in(client)

    fail("throttle_alice", 9)  # would be 18 without the reset

    client, _page = attempt("throttle_alice", PASSWORD)
    assert logged_in(client)


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                       "LOCATION": "test-login-expiry"}})
def test_the_lock_ends_after_fifteen_minutes(db):
    make_user("throttle_alice")
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        fail("throttle_alice", 10)
        clock.shift(datetime.timedelta(minutes=14, seconds=59))
        client, page = attempt("throttle_alice", PASSWORD)
        assert not logged_in(client) and THROTTLED in page

        clock.shift(datetime.timedelta(seconds=2))
        client, _page = attempt("throttle_alice", PASSWORD)
        assert logged_in(client)


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(db):
    make_user("throttle_alice")
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                               "LOCATION": "test-login-window"}}), \
            time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False) as clock:
        fail("throttle_alice", 9)
        clock.shift(datetime.timedelta(minutes=16))
        fail("throttle_alice", 9)
        client, _page = attempt("throttle_alice", PASSWORD)
        assert logged_in(client)


def test_the_admin_login_counts_and_refuses_the_same_way(db):
    make_user("throttle_root", superuser=True)
    client = Client()
    for i in range(5):
        client.post("/admin/login/", {"username": "throttle_alice", "password": f"wrong-{i}"})
    fail("throttle_alice", 5)  # the two login forms share one count

    response = client.post("/admin/login/?next=/admin/", {"username": "THROTTLE_ALICE", "password": "x"})
    assert THROTTLED in response.content.decode()
    client, page = attempt("throttle_alice", PASSWORD)
    assert THROTTLED in page

    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": "throttle_root", "password": PASSWORD})
    assert response.status_code == 302 and logged_in(client)


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

