"""The security log: every refusal a view raises (403/404), failed logins and lockouts, kept 180 days,
shown to superusers at /security/log/ (everyone else 404)."""

from __future__ import annotations

import datetime
from io import StringIO

import time_machine
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from responsibilities.models import LoginThrottle, SecurityEvent
from responsibilities.permissions import Capability
from tests.factories import make_org, make_user

LOG = "/security/log/"
AT = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


def rows():
    return list(SecurityEvent.objects.order_by("pk").values_list(
        "kind", "user__username", "username", "method", "path", "status", "address", "at"))


def test_a_refusal_is_logged_with_user_path_method_status_time_and_address(db):
    county, other = make_org("县委"), make_org("邻县县委")
    viewer = make_user("viewer", grants=[(Capability.VIEW, county)])
    client = Client(REMOTE_ADDR="192.0.2.10")
    client.force_login(viewer)
    with time_machine.travel(AT, tick=False):
        assert client.get(reverse("responsibilities:organization_detail", args=[other.pk])).status_code == 404
        assert client.post(reverse("responsibilities:role_add", args=[county.pk]), {}).status_code == 403
        assert client.get(reverse("responsibilities:organization_detail", args=[county.pk])).status_code == 200

    assert rows() == [
        ("not_found", "viewer", "viewer", "GET", f"/orgs/{other.pk}/", 404, "192.0.2.10", AT),
        ("forbidden", "viewer", "viewer", "POST", f"/orgs/{county.pk}/roles/add/", 403, "192.0.2.10", AT),
    ]


def test_a_url_matching_no_route_is_not_a_refusal(db):
    client = Client()
    client.force_login(make_user("viewer"))
    assert client.get("/no-such-page/").status_code == 404
    assert rows() == []


def test_failed_logins_are_logged_without_a_user_row_for_unknown_names(db):
    Client(REMOTE_ADDR="192.0.2.11").post(reverse("login"), {"username": "nobody", "password": "x"})
    assert [row[:7] for row in rows()] == [
        ("login_failed", None, "nobody", "POST", "/accounts/login/", 200, "192.0.2.11")]


def test_only_superusers_see_the_security_log(db):
    county = make_org("县委")
    staff = Client()
    staff.force_login(make_user("admin_of_county", grants=[(Capability.ADMINISTER, county)]))
    assert staff.get(LOG).status_code == 404
    assert rows()[0][:6] == ("not_found", "admin_of_county", "admin_of_county", "GET", LOG, 404)

    root = Client()
    root.force_login(make_user("root", superuser=True))
    page = root.get(LOG)
    assert page.status_code == 200
    html = page.content.decode()
    assert "安全日志" in html and "未找到或无权查看（404）" in html and "admin_of_county" in html
    assert 'href="/security/log/" class="active"' in html  # in the superuser's menu
    assert 'href="/security/log/"' not in staff.get(reverse("home"), follow=True).content.decode()


def test_the_page_filters_by_user_and_kind_and_pages(db):
    for i in range(35):
        SecurityEvent.objects.create(kind=SecurityEvent.Kind.LOGIN_FAILED, username="mallory", path=f"/p{i}/",
                                     method="POST", status=200, address="192.0.2.66")
    SecurityEvent.objects.create(kind=SecurityEvent.Kind.FORBIDDEN, username="alice", path="/only-alice/",
                                 method="GET", status=403, address="192.0.2.1")
    root = Client()
    root.force_login(make_user("root", superuser=True))

    by_user = root.get(LOG, {"user": "ALICE"}).content.decode()
    assert "/only-alice/" in by_user and "/p0/" not in by_user
    by_kind = root.get(LOG, {"kind": "forbidden"}).content.decode()
    assert "/only-alice/" in by_kind and "mallory" not in by_kind
    first = root.get(LOG, {"kind": "login_failed"}).content.decode()
    assert first.count("<tr>") == 1 + 30 and "下一页" in first  # header row + a page of 30
    second = root.get(LOG, {"kind": "login_failed", "page": "2"}).content.decode()
    assert second.count("<tr>") == 1 + 5
    assert root.get(LOG, {"kind": "bogus"}).status_code == 400


@override_settings(ZEREN_SECURITY_LOG_DAYS=180)
def test_prune_keeps_180_days(db):
    with time_machine.travel(AT - datetime.timedelta(days=181), tick=False):
        SecurityEvent.objects.create(kind=SecurityEvent.Kind.FORBIDDEN, path="/old/")
        LoginThrottle.objects.create(scope="pair", key="a" * 64, failures=3)
    with time_machine.travel(AT - datetime.timedelta(days=179), tick=False):
        SecurityEvent.objects.create(kind=SecurityEvent.Kind.FORBIDDEN, path="/recent/")
    with time_machine.travel(AT - datetime.timedelta(minutes=5), tick=False):
        LoginThrottle.objects.create(scope="pair", key="b" * 64, failures=3)
    out = StringIO()
    with time_machine.travel(AT, tick=False):
        call_command("prune_security_events", stdout=out)
    assert out.getvalue().strip() == "已删除 1 条安全日志、1 条登录失败计数。"
    assert list(SecurityEvent.objects.values_list("path", flat=True)) == ["/recent/"]
    assert list(LoginThrottle.objects.values_list("key", flat=True)) == ["b" * 64]


def test_the_beat_schedule_prunes_nightly():
    from config.celery import app

    assert app.conf.beat_schedule["prune-security-events"]["task"] == "responsibilities.prune_security_events"


def test_one_user_adds_at_most_the_rate_of_lines_a_minute(db):
    """A loop over other organizations' pages is not one row per request (ZEREN_RATE_LIMITS security_log)."""
    county, other = make_org("县委"), make_org("邻县县委")
    viewer = make_user("viewer", grants=[(Capability.VIEW, county)])
    client = Client(REMOTE_ADDR="192.0.2.11")
    client.force_login(viewer)
    url = reverse("responsibilities:organization_detail", args=[other.pk])
    with override_settings(ZEREN_RATE_LIMITS={"security_log": "3/min"}), \
            time_machine.travel(AT + datetime.timedelta(days=17), tick=False) as clock:
        statuses = [client.get(url).status_code for _ in range(5)]
        assert statuses == [404] * 5  # the refusals themselves are unchanged
        assert SecurityEvent.objects.count() == 3
        clock.shift(datetime.timedelta(minutes=1))
        client.get(url)
    assert SecurityEvent.objects.count() == 4  # a new minute, a new line
