"""Rate limits answering 429: `@rate_limited("pdf")` on a view.

ZEREN_RATE_LIMITS maps a scope to "N/period" (period: s, min, h, day), e.g. {"login": "120/min",
"pdf": "30/min", "export": "10/min"}. Requests are counted per user when signed in, else per client
address, in fixed windows. The counts live in the cache (shared by every web process); when the cache
raises (Redis down), each process counts on its own instead, so a refusal is never a 500 and the
limit still holds, per process, while Redis is away.
"""

from __future__ import annotations

import functools
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.template.response import TemplateResponse

from responsibilities.client_ip import client_ip

PERIODS = {"s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "hour": 3600, "day": 86400, "d": 86400}

_local_counts: dict[str, int] = {}
_local_lock = threading.Lock()
# After the cache fails, this process counts on its own for CACHE_PAUSE seconds before trying the cache
# again: with Redis hung, one request per pause waits for the cache's timeout, not every request.
CACHE_PAUSE = 30.0
_cache_paused_until = 0.0


def parse_rate(rate: str) -> tuple[int, int]:
    """"30/min" → (30, 60)."""
    count, _slash, period = rate.partition("/")
    return int(count), PERIODS[period.strip()]


def _count_locally(key: str, window: int) -> int:
    with _local_lock:
        if len(_local_counts) > 10_000:  # forget old windows
            for old in [k for k in _local_counts if not k.endswith(f":{window}")]:
                del _local_counts[old]
        _local_counts[key] = _local_counts.get(key, 0) + 1
        return _local_counts[key]


def hit(scope: str, ident: str) -> tuple[int, int, int]:
    """Count one request: (its number in the window, the limit, seconds until the window ends)."""
    rate = getattr(settings, "ZEREN_RATE_LIMITS", {}).get(scope)
    if not rate:
        return 0, 0, 0
    limit, period = parse_rate(rate)
    now = time.time()
    window = int(now // period)
    retry_after = max(1, int((window + 1) * period - now))
    key = f"zeren:rl:{scope}:{ident}:{window}"
    return _count(key, period, window), limit, retry_after


def _count(key: str, period: int, window: int) -> int:
    global _cache_paused_until
    if time.monotonic() < _cache_paused_until:
        return _count_locally(key, window)
    try:
        cache.add(key, 0, timeout=period + 1)
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        return 1
    except Exception:  # noqa: BLE001 (the cache is down or hung: count in this process for a while)
        _cache_paused_until = time.monotonic() + CACHE_PAUSE
        return _count_locally(key, window)


def identity(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    return f"a{client_ip(request)}"


def too_many(request, retry_after: int) -> TemplateResponse:
    response = TemplateResponse(request, "429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(scope: str, *, methods: tuple[str, ...] | None = None):
    """Refuse with 429 once the caller passes the scope's rate (counting only `methods`, when given)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if methods is not None and request.method not in methods:
                return view(request, *args, **kwargs)
            count, limit, retry_after = hit(scope, identity(request))
            if count > limit:
                if count == limit + 1:  # the first refusal of the window goes to the security log
                    from responsibilities.models import SecurityEvent
                    from responsibilities.security import security_event_record

                    security_event_record(request, SecurityEvent.Kind.RATE_LIMITED, status=429)
                return too_many(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
