"""Login throttling, kept in the database (LoginThrottle) so that it works while the cache is down.

Failures are counted per (user name, client address) pair and per client address:
- ZEREN_LOGIN_PAIR_LIMIT (10) failures for one user name from one address within the window lock
  that pair: guessing one account's password from one place is stopped, while the account's owner,
  logging in from their own address, is not locked out by an anonymous stranger;
- ZEREN_LOGIN_ADDRESS_LIMIT (30) failures from one address, whatever the user names, lock the
  address: trying one password on many accounts (spraying) is stopped as well.
A lock lasts ZEREN_LOGIN_LOCK_MINUTES (15) minutes; a locked attempt answers 429 with Retry-After and
says how long to wait, without checking the password. The window of counting starts at the first
failure and lasts as long as a lock. The client address is read by responsibilities/client_ip.py.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import unicodedata

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from responsibilities.client_ip import client_ip
from responsibilities.models import LoginThrottle, SecurityEvent
from responsibilities.security import security_event_record

RETRY_AFTER_ATTR = "_zeren_retry_after"


def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=getattr(settings, "ZEREN_LOGIN_LOCK_MINUTES", 15))


def _limits() -> dict[str, int]:
    return {
        LoginThrottle.Scope.PAIR: getattr(settings, "ZEREN_LOGIN_PAIR_LIMIT", 10),
        LoginThrottle.Scope.ADDRESS: getattr(settings, "ZEREN_LOGIN_ADDRESS_LIMIT", 30),
    }


def _normal(username: str) -> str:
    return unicodedata.normalize("NFKC", username).strip().casefold()


def _keys(username: str, address: str) -> dict[str, str]:
    pair = f"{_normal(username)}\0{address}"
    return {
        LoginThrottle.Scope.PAIR: hashlib.sha256(pair.encode()).hexdigest(),
        LoginThrottle.Scope.ADDRESS: hashlib.sha256(address.encode()).hexdigest(),
    }


def locked_for(username: str, address: str) -> int:
    """Seconds until this user name may try again from this address; 0 when not locked."""
    now = timezone.now()
    keys = _keys(username, address)
    until = [
        locked_until for scope, key, locked_until in LoginThrottle.objects.filter(
            key__in=list(keys.values()), locked_until__gt=now).values_list("scope", "key", "locked_until")
        if keys[scope] == key
    ]
    if not until:
        return 0
    return max(1, math.ceil((max(until) - now).total_seconds()))


def _count(scope: str, key: str, now: datetime.datetime) -> bool:
    """Count one failure; True when it locks."""
    window = _window()
    with transaction.atomic():
        row, _created = LoginThrottle.objects.select_for_update().get_or_create(
            scope=scope, key=key, defaults={"first_failure_at": now})
        if row.first_failure_at <= now - window:
            row.failures, row.first_failure_at = 0, now
        row.failures += 1
        locks = row.failures >= _limits()[scope]
        if locks:
            row.failures, row.first_failure_at, row.locked_until = 0, now, now + window
        row.save()
    return locks


def record_failure(username: str, address: str) -> bool:
    """Count a failed login for the pair and for the address; True when either is now locked."""
    now = timezone.now()
    locked = [_count(scope, key, now) for scope, key in _keys(username, address).items()]
    return any(locked)


def clear_failures(username: str, address: str) -> None:
    """A successful login clears its pair's count (not the address's: one valid account must not
    reset the count of a client spraying passwords over many)."""
    LoginThrottle.objects.filter(
        scope=LoginThrottle.Scope.PAIR, key=_keys(username, address)[LoginThrottle.Scope.PAIR]).delete()


def throttled_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return gettext("登录失败次数过多，请 %(minutes)d 分钟后再试。") % {"minutes": minutes}


class ThrottleMixin:
    """Refuses a locked pair or address before checking the password; counts failures, clears on success."""

    def _refuse(self, request, username: str, seconds: int):
        if request is not None:
            setattr(request, RETRY_AFTER_ATTR, seconds)
            security_event_record(request, SecurityEvent.Kind.LOCKED_OUT, status=429, username=username)
        return ValidationError(throttled_message(seconds), code="throttled")

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password"):
            return super().clean()
        request = self.request
        address = client_ip(request) if request is not None else "unknown"
        if seconds := locked_for(username, address):
            # Refused whether or not the password is right: a locked pair reveals nothing.
            raise self._refuse(request, username, seconds)
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login":
                locks = record_failure(username, address)
                if request is not None:
                    security_event_record(request, SecurityEvent.Kind.LOGIN_FAILED, status=200, username=username)
                if locks:
                    raise self._refuse(request, username, locked_for(username, address)) from exc
            raise
        clear_failures(username, address)
        return cleaned


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    """The login page's form."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确，请重新输入。"),
    }


class ThrottledAdminAuthenticationForm(ThrottleMixin, AdminAuthenticationForm):
    """The admin's own login form, under the same count: it is another way to try passwords."""


def throttled_status(request, response):
    """A refused (locked) login answers 429 with Retry-After rather than 200."""
    seconds = getattr(request, RETRY_AFTER_ATTR, None)
    if seconds:
        response.status_code = 429
        response["Retry-After"] = str(seconds)
    return response


class ThrottledLoginView(auth_views.LoginView):
    def form_invalid(self, form):
        return throttled_status(self.request, super().form_invalid(form))
