"""Redis down or hung (a server of the test's own, stopped or frozen with SIGSTOP): the everyday work
still goes on — logging in, browsing, completing an obligation, signing and submitting a report —
each request answering within seconds. The cache (config/cache.py) falls back to local memory after
one short timeout; sessions live in the database."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from config.cache import reset_circuits
from reporting.models import Submission
from responsibilities.models import Obligation
from responsibilities.periods import Period
from responsibilities.scheduling import services as scheduling
from tests.factories import make_assignment, make_person, make_user
from tests.redis_server import running_redis
from tests.reporting.writing import write_up

PASSWORD = "pw-zeren-test"
SECONDS = 3.0  # per request: one 1 s timeout at most, then the circuit skips Redis


@pytest.fixture(params=["down", "hung"])
def broken_redis(request, tmp_path_factory, settings):
    """The cache on a Redis server of this test; calling the fixture's value makes it go down or hang."""
    for server in running_redis(tmp_path_factory):
        settings.REDIS_URL = server.url
        caches = {"default": {"BACKEND": "config.cache.FailSafeRedisCache", "LOCATION": server.url,
                              "KEY_PREFIX": "outage-test"}}
        reset_circuits()
        with override_settings(CACHES=caches):
            from django.core.cache import cache

            cache.set("warm", 1)  # the connection pool exists and works before the outage
            assert cache.get("warm") == 1

            def outage() -> None:
                if request.param == "down":
                    server.stop()
                else:
                    server.hang()

            try:
                yield outage
            finally:
                server.resume()
                reset_circuits()


def timed(call, budget: float = SECONDS):
    start = time.monotonic()
    response = call()
    elapsed = time.monotonic() - start
    assert elapsed < budget, f"{elapsed:.1f} s"
    return response


def logged_in(username: str) -> Client:
    client = Client()
    response = timed(lambda: client.post(reverse("login"), {"username": username, "password": PASSWORD}))
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_login_and_browsing_work(broken_redis, tree, county_a_staff):
    broken_redis()
    anonymous = Client()
    assert timed(lambda: anonymous.get(reverse("login"))).status_code == 200
    refused = timed(lambda: anonymous.post(reverse("login"), {"username": county_a_staff.username,
                                                              "password": "wrong"}))
    assert refused.status_code == 200 and "用户名或密码不正确" in refused.content.decode()

    client = logged_in(county_a_staff.username)
    assert timed(lambda: client.get("/work/")).status_code == 200
    assert timed(lambda: client.get(reverse("home"))).status_code in (200, 302)
    assert timed(lambda: client.get(reverse("responsibilities:organization_tree"))).status_code == 200


def test_completing_an_obligation_works(broken_redis, tree, county_a_staff):
    scheduling.obligations_generate(periods=[Period.parse("2026Q3")], now=dt.datetime(2026, 6, 30, 16, tzinfo=dt.UTC))
    obligation = Obligation.objects.get(organization=tree.county_a, work_system__code="analysis", period="2026Q3")
    secretary = make_person("王书记", organization=tree.county_a)
    make_assignment(person=secretary, role="secretary")
    broken_redis()
    client = logged_in(county_a_staff.username)

    response = timed(lambda: client.post(f"/obligations/{obligation.pk}/meeting/", {
        "held_on": "2026-09-30", "place": "会议室", "chair": secretary.pk, "attendees": [secretary.pk],
        "topic": "形势研判", "discussion": "研究了有关情况。", "next": "/work/",
    }))

    assert response.status_code == 302 and response["Location"] == "/work/"
    obligation.refresh_from_db()
    assert obligation.status in ("done", "done_late")


def test_signing_and_submitting_a_report_work(broken_redis, tree):
    from reporting.models import ReportKind
    from reporting.reports import services as reports_services

    org = tree.county_a
    staff = make_user("a_xcb", grants=[("view", org), ("manage", org), ("draft_report", org)])
    secretary = make_user("a_shuji", grants=[("view", org), ("sign_report", org)])
    person = make_person("周书记", organization=org, user=secretary, title="县委书记")
    make_assignment(person=person, organization=org, role="secretary", start=dt.date(2024, 1, 1))
    report = reports_services.report_create(organization=org, kind=ReportKind.HALF_YEAR,
                                            period=Period.parse("2026H1"), actor=staff)
    write_up(report, staff)
    sign_url = reverse("reporting:report_sign", args=[report.pk])
    warm = Client()
    warm.force_login(secretary)
    assert warm.get(sign_url).status_code == 200  # the first rendering loads the fonts: not Redis's time

    broken_redis()
    signer = logged_in(secretary.username)
    assert timed(lambda: signer.get(sign_url)).status_code == 200
    # Signing renders the signed PDF (WeasyPrint, about 10 s on a busy shared machine): its own time,
    # not Redis's; the cache adds at most one 1 s timeout before its circuit opens.
    signed = timed(lambda: signer.post(sign_url, {"version": 2, "password": PASSWORD}), budget=30)
    assert signed.status_code == 302, signed.content.decode()[:2000]
    assert report.versions.get(number=2).is_signed

    clerk = logged_in(staff.username)
    submit_url = reverse("reporting:report_submit", args=[report.pk])
    assert timed(lambda: clerk.get(submit_url)).status_code == 200
    assert timed(lambda: clerk.post(submit_url)).status_code == 302
    assert Submission.objects.get().status == "submitted"
