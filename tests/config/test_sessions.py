"""Sessions (settings SESSION_COOKIE_AGE, ZEREN_SESSION_MAX_AGE; config/middleware.py
SessionLifetimeMiddleware; responsibilities/sessions.py): 30 idle minutes, 12 hours in all, a new key at
login, and ended by logout, by disabling the account and by revoking the user's last grant."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from responsibilities import permissions
from responsibilities.sessions import LOGIN_AT, user_sessions_end
from tests.factories import make_group, make_org, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
INBOX = reverse("responsibilities:inbox")  # any logged-in user's page
T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def is_logged_in(client: Client) -> bool:
    response = client.get(INBOX)
    assert response.status_code in {200, 302}
    if response.status_code == 302:
        assert response["Location"].startswith(f"{LOGIN}?next=")
    return response.status_code == 200


def logged_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def org():
    return make_org("A县委")


def test_login_gives_a_new_session_key_and_the_old_one_is_gone(org):
    make_user("session_alice", grants=[("view", org)])
    client = Client()
    before = client.session  # an anonymous session with something in it, as an attacker could plant
    before["planted"] = "x"
    before.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = before.session_key

    response = client.post(LOGIN, {"username": "session_alice", "password": "pw-zeren-test"})

    assert response.status_code == 302
    assert session_key(client) != before.session_key
    assert not Session.objects.filter(pk=before.session_key).exists()
    assert is_logged_in(client)


def test_logout_ends_the_server_session(org):
    client = logged_in_client(make_user("session_bob", grants=[("view", org)]))
    key = session_key(client)

    assert client.post(reverse("logout")).status_code == 302

    assert not Session.objects.filter(pk=key).exists()
    replay = Client()  # the old cookie, kept by someone else, no longer works
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert not is_logged_in(replay)


def test_thirty_idle_minutes_end_the_session(org):
    user = make_user("session_carol", grants=[("view", org)])
    with time_machine.travel(T0, tick=False) as clock:
        client = logged_in_client(user)
        clock.shift(29 * MINUTE)
        assert is_logged_in(client)  # 29 minutes idle: still in, and the idle clock starts again
        clock.shift(29 * MINUTE)
        assert is_logged_in(client)
        clock.shift(31 * MINUTE)
        assert not is_logged_in(client)


def test_activity_keeps_the_session_until_twelve_hours_after_login(org):
    user = make_user("session_dave", grants=[("view", org)])
    with time_machine.travel(T0, tick=False) as clock:
        client = logged_in_client(user)
        assert client.session[LOGIN_AT] == int(T0.timestamp())
        for _ in range(35):  # a request every 20 minutes, up to 11 h 40 min after login
            clock.shift(20 * MINUTE)
            assert is_logged_in(client)
        key = session_key(client)
        clock.shift(20 * MINUTE)  # 12 hours after login

        assert not is_logged_in(client)
        assert not Session.objects.filter(pk=key).exists()


def test_the_absolute_limit_is_a_setting(org, settings):
    settings.ZEREN_SESSION_MAX_AGE = 3600
    user = make_user("session_erin", grants=[("view", org)])
    with time_machine.travel(T0, tick=False) as clock:
        client = logged_in_client(user)
        for minutes in (20, 20, 19):
            clock.shift(minutes * MINUTE)
            assert is_logged_in(client)
        clock.shift(MINUTE)  # an hour after login
        assert not is_logged_in(client)


def test_disabling_a_user_ends_their_sessions_and_no_one_elses(org):
    user = make_user("session_frank", grants=[("view", org)])
    other = make_user("session_grace", grants=[("view", org)])
    office, laptop, others = logged_in_client(user), logged_in_client(user), logged_in_client(other)
    keys = {session_key(office), session_key(laptop)}

    user.is_active = False
    user.save()

    assert not Session.objects.filter(pk__in=keys).exists()
    assert not is_logged_in(office)
    assert not is_logged_in(laptop)
    assert is_logged_in(others)


def test_revoking_the_last_grant_ends_the_sessions(org):
    town = make_org("A县一镇党委", parent=org)
    user = make_user("session_heidi", grants=[("view", org), ("manage", town)])
    client = logged_in_client(user)

    permissions.revoke(user, "manage", town, actor=None)
    assert is_logged_in(client)  # one grant left

    permissions.revoke(user, "view", org, actor=None)
    assert not Session.objects.filter(pk=session_key(client)).exists()
    assert not is_logged_in(client)


def test_revoking_a_groups_grant_ends_the_sessions_of_members_left_without_any(org):
    lone = make_user("session_ivan")
    also_direct = make_user("session_judy", grants=[("view", org)])
    group = make_group("县委办", grants=[("view", org)], members=[lone, also_direct])
    lone_client, direct_client = logged_in_client(lone), logged_in_client(also_direct)

    permissions.revoke(group, "view", org, actor=None)

    assert not is_logged_in(lone_client)
    assert is_logged_in(direct_client)


def test_leaving_the_last_group_with_a_grant_ends_the_sessions(org):
    user, colleague = make_user("session_mia"), make_user("session_ned")
    group = make_group("县委宣传部", grants=[("view", org)], members=[user, colleague])
    client, colleague_client = logged_in_client(user), logged_in_client(colleague)

    user.groups.remove(group)
    assert not is_logged_in(client)
    assert is_logged_in(colleague_client)

    group.user_set.remove(colleague)
    assert not is_logged_in(colleague_client)


def test_emptying_a_group_ends_the_sessions_of_members_left_without_any_grant(org):
    lone = make_user("session_olga")
    also_direct = make_user("session_pete", grants=[("view", org)])
    group = make_group("县委办公室", grants=[("view", org)], members=[lone, also_direct])
    lone_client, direct_client = logged_in_client(lone), logged_in_client(also_direct)

    group.user_set.clear()

    assert not is_logged_in(lone_client)
    assert is_logged_in(direct_client)


def test_user_sessions_end_counts_what_it_ended(org):
    user = make_user("session_ken", grants=[("view", org)])
    logged_in_client(user), logged_in_client(user)
    logged_in_client(make_user("session_liz", grants=[("view", org)]))

    assert user_sessions_end(user) == 2
    assert user_sessions_end(user) == 0
