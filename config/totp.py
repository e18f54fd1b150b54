"""Optional TOTP second factor (django-otp), on when ZEREN_TOTP_REQUIRED is set.

Then a signed-in user who may sign reports or inspect (permissions.has_any on `sign_report` or
`inspect`; `administer` and superusers include both) reaches no page before entering a code from
an authenticator app: first enrolment (a QR code drawn as inline SVG, and the secret to type in by
hand, confirmed with one code), then, at every login, a code after the password. Everyone else is
unaffected. Wrong codes go to the security log; the device itself slows repeated failures.
"""

from __future__ import annotations

import base64
import math

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from responsibilities.models import SecurityEvent
from responsibilities.permissions import Capability, has_any
from responsibilities.security import security_event_record

# Pages reachable before the second factor: the two TOTP pages, logging in and out, the language menu.
EXEMPT_URL_NAMES = {"totp_setup", "totp_verify", "login", "logout", "set_language", "healthz"}


def totp_required_for(user) -> bool:
    return bool(
        getattr(settings, "ZEREN_TOTP_REQUIRED", False) and user.is_authenticated and user.is_active
        and (has_any(user, Capability.SIGN_REPORT) or has_any(user, Capability.INSPECT))
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


class TOTPRequiredMiddleware:
    """After django_otp's OTPMiddleware: sends an unverified user who needs the second factor to enrol
    or to enter a code, before any other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.url_name in EXEMPT_URL_NAMES and not match.namespace:
            return None
        if match is not None and match.app_name == "admin" and match.url_name in {"login", "logout"}:
            return None
        user = request.user
        if user.is_verified() or not totp_required_for(user):  # the cheap check first: most requests are verified
            return None
        step = "totp_verify" if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists() else "totp_setup"
        return HttpResponseRedirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


def _code(request: HttpRequest) -> str:
    return "".join(request.POST.get("code", "").split())[:12]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def totp_setup(request: HttpRequest) -> HttpResponse:
    """启用动态验证码: the QR code and the secret of a new device, confirmed with one code."""
    if not totp_required_for(request.user):
        return HttpResponseRedirect(_next(request))  # nothing to enrol in or verify
    if TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists():
        return HttpResponseRedirect(f"{reverse('totp_verify')}?{urlencode({'next': _next(request)})}")
    device = TOTPDevice.objects.devices_for_user(request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=_("身份验证器"), confirmed=False)
    error = ""
    if request.method == "POST":
        if device.verify_token(_code(request)):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return HttpResponseRedirect(_next(request))
        security_event_record(request, SecurityEvent.Kind.OTP_FAILED, status=200)
        error = _("验证码不正确或已过期，请输入身份验证器上当前显示的 6 位数字。")
    qr = segno.make(device.config_url, error="m")
    return render(request, "registration/totp_setup.html", {
        # segno's own markup: the QR's modules as one path, and our constant title (no user text)
        "qr": mark_safe(qr.svg_inline(scale=4, title=_("动态验证码二维码"))),  # noqa: S308
        "secret": base64.b32encode(device.bin_key).decode(),
        "error": error, "next": _next(request),
    }, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def totp_verify(request: HttpRequest) -> HttpResponse:
    """输入动态验证码: the second step of logging in."""
    if not totp_required_for(request.user):
        return HttpResponseRedirect(_next(request))  # nothing to enrol in or verify
    devices = list(TOTPDevice.objects.devices_for_user(request.user, confirmed=True))
    if not devices:
        return HttpResponseRedirect(f"{reverse('totp_setup')}?{urlencode({'next': _next(request)})}")
    error = ""
    if request.method == "POST":
        code = _code(request)
        allowed = [device for device in devices if device.verify_is_allowed()[0]]
        for device in allowed:
            if device.verify_token(code):
                otp_login(request, device)
                return HttpResponseRedirect(_next(request))
        security_event_record(request, SecurityEvent.Kind.OTP_FAILED, status=200)
        wait = _lockout_seconds(devices) if not allowed else 0
        error = (
            _("验证码错误次数过多，请 %(seconds)d 秒后再输入。") % {"seconds": wait} if wait
            else _("验证码不正确或已过期，请输入身份验证器上当前显示的 6 位数字。")
        )
    return render(request, "registration/totp_verify.html", {"error": error, "next": _next(request)},
                  status=400 if error else 200)


def _lockout_seconds(devices) -> int:
    """Seconds until django-otp lets the soonest of `devices` verify again after failed codes (its
    delay doubles with each failure); at least 1."""
    now = timezone.now()
    until = [details.get("locked_until") for allowed, details in (d.verify_is_allowed() for d in devices)
             if not allowed and details.get("locked_until")]
    return max(1, math.ceil((min(until) - now).total_seconds())) if until else 1
