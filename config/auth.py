"""Login throttling: too many failed logins for one user name lock that name for a while.

Counted per user name (case-insensitive), not per address: guessing one account's password from
many addresses is stopped as well. The counts live in the Django cache (local memory in the
embedded default, Redis in production, shared by every web process).
"""

from __future__ import annotations

import hashlib
import unicodedata

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# After this many failed logins for one user name within FAILURE_WINDOW seconds (counted from the
# first of them), that user name may not log in for the next FAILURE_WINDOW seconds.
FAILURE_LIMIT = 10
FAILURE_WINDOW = 15 * 60


def _key(kind: str, username: str) -> str:
    name = unicodedata.normalize("NFKC", username).strip().casefold()
    return f"zeren:login:{kind}:{hashlib.sha256(name.encode()).hexdigest()}"


def is_locked(username: str) -> bool:
    return cache.get(_key("locked", username)) is not None


def record_failure(username: str) -> None:
    """Count a failed login; the count runs for one window from the first failure."""
    failures = _key("failures", username)
    cache.add(failures, 0, timeout=FAILURE_WINDOW)
    try:
        count = cache.incr(failures)
    except ValueError:  # expired between add() and incr()
        cache.add(failures, 1, timeout=FAILURE_WINDOW)
        count = 1
    if count >= FAILURE_LIMIT:
        cache.set(_key("locked", username), True, timeout=FAILURE_WINDOW)
        cache.delete(failures)


def clear_failures(username: str) -> None:
    cache.delete_many([_key("failures", username), _key("locked", username)])


THROTTLED = _("登录失败次数过多，请 15 分钟后再试。")


class ThrottleMixin:
    """Refuses a locked user name before checking the password; counts failures, clears on success."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password"):
            return super().clean()
        if is_locked(username):
            # Refused whether or not the password is right: a locked name reveals nothing.
            raise ValidationError(THROTTLED, code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login":
                record_failure(username)
            raise
        clear_failures(username)
        return cleaned


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    """The login page's form."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确，请重新输入。"),
    }


class ThrottledAdminAuthenticationForm(ThrottleMixin, AdminAuthenticationForm):
    """The admin's own login form, under the same count: it is another way to try passwords."""
