"""The nightly tick verifies the chain and, when it breaks, tells administrators and inspectors in
the app and by e-mail, once per break."""

from __future__ import annotations

import datetime as dt

from celery.schedules import crontab

from accountability.log import services
from accountability.models import ChainCheck
from config.celery import app
from responsibilities.models import Notification
from responsibilities.scheduling import services as scheduling
from tests.accountability.log.conftest import tamper
from tests.factories import make_group, make_user

NIGHT = scheduling.local_moment(dt.date(2026, 11, 30), 2)


def test_the_tick_is_scheduled_every_night_at_two():
    entry = app.conf.beat_schedule["verify-log"]

    assert entry["task"] == "accountability.tick_verify_log"
    assert entry["schedule"] == crontab(hour=2, minute=0)


def test_an_intact_chain_is_recorded_and_nobody_is_told(chain):
    make_user("inspector", grants=[("inspect", chain.city)])

    check = services.chain_check_nightly(now=NIGHT)

    assert (check.ok, check.head_seq, check.checked_at) == (True, 13, NIGHT)  # 12 + the grant
    assert not Notification.objects.exists()


def test_a_break_alerts_administrators_and_inspectors_once(chain):
    admin = make_user("root", superuser=True)
    inspector = make_user("inspector", grants=[("inspect", chain.county_a)])
    county_admin = make_user("county_admin", grants=[("administer", chain.county_b)])
    grouped = make_user("grouped")
    make_group("纪委", grants=[("inspect", chain.city)], members=[grouped])
    make_user("staff", grants=[("view", chain.city), ("manage", chain.city)])
    make_user("gone", grants=[("inspect", chain.city)]).__class__.objects.filter(username="gone").update(is_active=False)
    services.chain_check_nightly(now=NIGHT)
    tamper("UPDATE responsibilities_logentry SET action = 'organization.moved' WHERE seq = 8")

    first = services.chain_check_nightly(now=NIGHT + dt.timedelta(days=1))
    again = services.chain_check_nightly(now=NIGHT + dt.timedelta(days=2))

    assert (first.ok, first.bad_seq, again.bad_seq) == (False, 8, 8)
    told = Notification.objects.all()
    assert sorted(n.recipient.username for n in told) == sorted(
        [admin.username, inspector.username, county_admin.username, grouped.username])
    assert {n.title for n in told} == {"【日志链异常】问责日志第 8 条未通过验证"}
    assert {n.url for n in told} == {"/log/8/"}
    assert all(n.emailed_at is None for n in told)  # the outbox sends the e-mail copies
    assert ChainCheck.objects.filter(alert_key__isnull=False).count() == 1


def test_a_new_break_after_an_intact_check_alerts_again(chain):
    make_user("root", superuser=True)
    tamper("UPDATE responsibilities_logentry SET action = 'x' WHERE seq = 8")
    services.chain_check_nightly(now=NIGHT)
    tamper("UPDATE responsibilities_logentry SET action = 'organization.created' WHERE seq = 8")
    assert services.chain_check_nightly(now=NIGHT + dt.timedelta(days=1)).ok
    tamper("UPDATE responsibilities_logentry SET action = 'x' WHERE seq = 8")

    services.chain_check_nightly(now=NIGHT + dt.timedelta(days=2))

    assert Notification.objects.count() == 2
