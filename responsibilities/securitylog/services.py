"""Keeping the security log to its retention period."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from responsibilities.security import LoginThrottle, SecurityEvent


def security_events_prune(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Delete security events older than ZEREN_SECURITY_LOG_DAYS and login counts no longer in force
    (no lock running, the counting window over a day ago). Returns (events, counts) deleted."""
    now = now or timezone.now()
    days = getattr(settings, "ZEREN_SECURITY_LOG_DAYS", 180)
    events, _ = SecurityEvent.objects.older_than(now - datetime.timedelta(days=days)).delete()
    day_ago = now - datetime.timedelta(days=1)
    throttles, _ = LoginThrottle.objects.filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=now), first_failure_at__lt=day_ago).delete()
    return events, throttles
