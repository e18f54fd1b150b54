"""`/healthz` (liveness) and `/readyz` (readiness), for load balancers, orchestrators and monitoring.

- `/healthz` answers 200 "ok" as long as the process serves requests: it touches neither the database
  nor Redis, so a container is not restarted because a service it depends on falters.
- `/readyz` checks what serving and background work need: the database, the broker (Redis, or the
  embedded filesystem broker), and beat's heartbeat (responsibilities/heartbeat.py) younger than
  READYZ_BEAT_MAX_AGE seconds. 200 when all pass, 503 otherwise; the body says only "ok" or "failed"
  per check (no exception names or addresses: anyone may call it). Failures are logged in detail.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. GET and HEAD."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def _database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return True


def _broker() -> bool:
    if not settings.REDIS_URL:
        return True  # the embedded filesystem broker lives on this machine
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    try:
        return bool(client.ping())
    finally:
        client.close()


def _beat() -> bool:
    from responsibilities.heartbeat import heartbeat_age

    age = heartbeat_age()
    return age is not None and age <= settings.READYZ_BEAT_MAX_AGE


CHECKS = {"database": _database, "broker": _broker, "beat": _beat}


@login_not_required
@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: database, broker and beat. GET and HEAD."""
    results = {}
    for name, check in CHECKS.items():
        try:
            ok = check()
        except Exception:  # noqa: BLE001  (any failure means not ready; the log has the details)
            log.warning("readyz: %s check failed", name, exc_info=True)
            ok = False
        results[name] = "ok" if ok else "failed"
    ready = all(value == "ok" for value in results.values())
    return JsonResponse({"status": "ok" if ready else "failed", **results}, status=200 if ready else 503)
