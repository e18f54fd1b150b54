"""Security records: login failures counted per (user name, client address) and per address, and the
security log (refusals, failed logins, lockouts). Kept in the database, not the cache, so that login
works and refusals are recorded while Redis is down. Registered through responsibilities.models."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LoginThrottle(models.Model):
    """Failed logins for one (user name, address) pair or one address, within a window from the first."""

    class Scope(models.TextChoices):
        PAIR = "pair", _("用户名与地址")
        ADDRESS = "address", _("地址")

    scope = models.CharField(_("范围"), max_length=8, choices=Scope.choices)
    # sha256 of the normalised user name and the address (pair) or of the address alone
    key = models.CharField(_("键"), max_length=64)
    failures = models.PositiveIntegerField(_("失败次数"), default=0)
    first_failure_at = models.DateTimeField(_("首次失败时间"), default=timezone.now)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录限制")
        verbose_name_plural = _("登录限制")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="login_throttle_scope_key")]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.key[:8]}"


class SecurityEventQuerySet(models.QuerySet):
    def older_than(self, moment: datetime.datetime) -> SecurityEventQuerySet:
        return self.filter(at__lt=moment)


class SecurityEvent(models.Model):
    """One line of the security log."""

    class Kind(models.TextChoices):
        FORBIDDEN = "forbidden", _("拒绝访问（403）")
        NOT_FOUND = "not_found", _("未找到或无权查看（404）")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKED_OUT = "locked_out", _("登录被锁定")
        RATE_LIMITED = "rate_limited", _("请求过于频繁（429）")
        OTP_FAILED = "otp_failed", _("动态验证码错误")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("用户"),
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)  # as typed, for failed logins
    path = models.CharField(_("路径"), max_length=500, blank=True)
    method = models.CharField(_("方法"), max_length=10, blank=True)
    status = models.PositiveSmallIntegerField(_("状态码"), null=True, blank=True)
    address = models.CharField(_("客户端地址"), max_length=45, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("安全日志")
        verbose_name_plural = _("安全日志")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["kind", "-at"], name="security_event_kind_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.path}"


def security_event_record(request, kind: str, *, status: int | None = None, username: str = "", user=None) -> None:
    """Write one line of the security log about `request`. Never fails the request it describes:
    when the database refuses the write (down, or this transaction already broken), the line goes
    to the Python log instead."""
    import logging

    from django.db import DatabaseError, transaction

    from responsibilities.client_ip import client_ip
    from responsibilities.ratelimit import hit, identity

    # Bounded (ZEREN_RATE_LIMITS "security_log", per user or address): a client requesting other
    # organizations' pages in a loop writes its first lines each minute, not one row per request.
    count, limit, _retry = hit("security_log", identity(request))
    if limit and count > limit:
        if count == limit + 1:
            logging.getLogger("zeren.security").warning(
                "security log: more than %s lines a minute from %s; the rest of this minute is not recorded",
                limit, identity(request))
        return
    if user is None:
        candidate = getattr(request, "user", None)
        user = candidate if candidate is not None and candidate.is_authenticated else None
    event = SecurityEvent(
        kind=kind, user=user, username=(username or (user.get_username() if user else ""))[:150],
        path=request.get_full_path()[:500], method=request.method[:10], status=status, address=client_ip(request)[:45],
    )
    try:
        with transaction.atomic():
            event.save()
    except DatabaseError:
        logging.getLogger("zeren.security").warning(
            "security event %s %s %s %s %s", kind, event.username, event.method, event.path, event.address)
