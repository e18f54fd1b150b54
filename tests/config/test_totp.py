"""The optional TOTP second factor (config/totp.py), with real codes computed from the device's key."""

from __future__ import annotations

import base64
import datetime

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from responsibilities.models import SecurityEvent
from responsibilities.permissions import Capability
from tests.factories import make_org, make_user

PASSWORD = "pw-zeren-test"
T0 = datetime.datetime(2026, 3, 2, 9, 0, 5, tzinfo=datetime.UTC)  # 5 s into a 30-second step
WORK = reverse("responsibilities:my_work")
SETUP, VERIFY = reverse("totp_setup"), reverse("totp_verify")


def code(device: TOTPDevice, at: datetime.datetime) -> str:
    return f"{_at(device, at):06d}"


def _at(device: TOTPDevice, at: datetime.datetime) -> int:
    with time_machine.travel(at, tick=False):
        return totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)


def log_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def county(db):
    return make_org("县委")


@override_settings(ZEREN_TOTP_REQUIRED=True)
def test_a_signer_enrols_then_enters_a_code_at_every_login(county):
    make_user("signer", grants=[(Capability.SIGN_REPORT, county)])
    with time_machine.travel(T0, tick=False) as clock:
        client = log_in("signer")
        response = client.get(WORK)
        assert response.status_code == 302 and response["Location"] == f"{SETUP}?next=%2Fwork%2F"

        page = client.get(response["Location"]).content.decode()
        device = TOTPDevice.objects.get(user__username="signer")
        assert not device.confirmed
        assert "<svg" in page and "启用动态验证码" in page
        assert 'id="mainnav"' not in page and "data-menu-toggle" not in page  # no menu leading back here
        assert "退出登录" in page  # but a way out
        assert base64.b32encode(device.bin_key).decode() in page
        assert client.get(WORK).status_code == 302  # not yet confirmed

        assert code(device, T0) != "000000"
        wrong = client.post(SETUP, {"code": "000000", "next": WORK})
        assert wrong.status_code == 400 and "验证码不正确或已过期" in wrong.content.decode()
        device.refresh_from_db()
        device.throttling_failure_count = 0  # the device slows repeated failures; start the next try afresh
        device.throttling_failure_timestamp = None
        device.save()
        confirmed = client.post(SETUP, {"code": code(device, T0), "next": WORK})
        assert confirmed.status_code == 302 and confirmed["Location"] == WORK
        assert client.get(WORK).status_code == 200

        # A new login: the password, then a code.
        clock.shift(datetime.timedelta(minutes=5))
        client = log_in("signer")
        response = client.get(WORK)
        assert response.status_code == 302 and response["Location"] == f"{VERIFY}?next=%2Fwork%2F"
        assert client.get(reverse("responsibilities:organization_tree")).status_code == 302
        now = T0 + datetime.timedelta(minutes=5)
        answered = client.post(VERIFY, {"code": code(device, now), "next": WORK})
        assert answered.status_code == 302 and answered["Location"] == WORK
        assert client.get(WORK).status_code == 200


@override_settings(ZEREN_TOTP_REQUIRED=True)
def test_a_wrong_or_stale_code_is_refused_and_logged(county):
    inspector = make_user("inspector", grants=[(Capability.INSPECT, county)])
    device = TOTPDevice.objects.create(user=inspector, name="phone", confirmed=True)
    with time_machine.travel(T0, tick=False):
        client = log_in("inspector")
        stale = code(device, T0 - datetime.timedelta(minutes=10))  # twenty steps ago
        response = client.post(VERIFY, {"code": stale, "next": WORK})
        assert response.status_code == 400 and "验证码不正确或已过期" in response.content.decode()
        assert client.get(WORK).status_code == 302
    assert list(SecurityEvent.objects.filter(kind=SecurityEvent.Kind.OTP_FAILED).values_list("username", "path")) == [
        ("inspector", VERIFY)]


@override_settings(ZEREN_TOTP_REQUIRED=True)
def test_others_are_unaffected(county):
    make_user("drafter", grants=[(Capability.DRAFT_REPORT, county), (Capability.MANAGE, county)])
    client = log_in("drafter")
    assert client.get(WORK).status_code == 200
    assert not TOTPDevice.objects.exists()


def test_off_by_default_nobody_is_asked(county):
    make_user("signer", grants=[(Capability.SIGN_REPORT, county)])
    client = log_in("signer")
    assert client.get(WORK).status_code == 200
    assert client.get(SETUP)["Location"] == "/"  # nothing to enrol in
    assert not TOTPDevice.objects.exists()


@override_settings(ZEREN_TOTP_REQUIRED=True)
def test_the_verify_page_does_not_redirect_elsewhere(county):
    inspector = make_user("inspector", grants=[(Capability.INSPECT, county)])
    device = TOTPDevice.objects.create(user=inspector, name="phone", confirmed=True)
    with time_machine.travel(T0, tick=False):
        client = log_in("inspector")
        response = client.post(VERIFY, {"code": code(device, T0), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


@override_settings(ZEREN_TOTP_REQUIRED=True)
def test_totp_reset_lets_a_user_with_a_lost_phone_enrol_again(county):
    from io import StringIO

    from django.core.management import call_command

    inspector = make_user("inspector", grants=[(Capability.INSPECT, county)])
    TOTPDevice.objects.create(user=inspector, name="phone", confirmed=True)
    out = StringIO()
    call_command("totp_reset", "inspector", stdout=out)
    assert out.getvalue().strip() == "已删除 inspector 的 1 个动态验证码设备。"
    client = log_in("inspector")
    assert client.get(WORK)["Location"] == f"{SETUP}?next=%2Fwork%2F"


@override_settings(ZEREN_TOTP_REQUIRED=True)
def test_after_a_wrong_code_the_page_says_how_long_to_wait_before_the_next(county):
    """django-otp holds a device back after a failure (1 s, doubling with each one): a right code
    inside that wait is refused with the wait named, not as a wrong code; after it, it works."""
    inspector = make_user("inspector", grants=[(Capability.INSPECT, county)])
    device = TOTPDevice.objects.create(user=inspector, name="phone", confirmed=True)
    with time_machine.travel(T0, tick=False) as clock:
        client = log_in("inspector")
        assert code(device, T0) != "000000"
        wrong = client.post(VERIFY, {"code": "000000", "next": WORK})
        assert "验证码不正确或已过期" in wrong.content.decode()

        early = client.post(VERIFY, {"code": code(device, T0), "next": WORK})

        assert early.status_code == 400 and "验证码错误次数过多，请 1 秒后再输入。" in early.content.decode()
        clock.shift(datetime.timedelta(seconds=2))
        later = client.post(VERIFY, {"code": code(device, T0 + datetime.timedelta(seconds=2)), "next": WORK})
        assert later.status_code == 302 and later["Location"] == WORK
