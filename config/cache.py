"""A Redis cache that never takes a request down with it.

Django's RedisCache raises when Redis is down, and waits as long as the operating system does when it
hangs. What Zeren keeps in the cache (login failure counts, rate limits, rendered previews) is worth
less than the request asking for it, so `FailSafeRedisCache`:

- connects and reads with short socket timeouts (OPTIONS `socket_connect_timeout`, `socket_timeout`,
  default 1 s each);
- after a Redis error, opens a circuit for RETRY_AFTER seconds (OPTIONS `retry_after`, default 10),
  during which no call tries Redis at all (one slow request per period, not every request);
- meanwhile answers from a per-process local-memory cache, so that e.g. the login throttle still
  counts within one web process. Values written there are not copied back to Redis once it answers.

Every cache call returns instead of raising a Redis error. Django's own semantics stay: `incr` of a
missing key still raises ValueError.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

SOCKET_TIMEOUT = 1.0
RETRY_AFTER = 10.0

# Per process, shared by the per-thread cache objects Django makes: location → monotonic time until
# which Redis is skipped.
_open_until: dict[str, float] = {}
_lock = threading.Lock()


def _redis_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.RedisError, OSError)


class FailSafeRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("retry_after", RETRY_AFTER))
        options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT)
        options.setdefault("socket_timeout", SOCKET_TIMEOUT)
        options.setdefault("retry_on_timeout", False)
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)
        fallback_params = {k: v for k, v in params.items() if k != "OPTIONS"}
        self._fallback = LocMemCache(f"zeren-failsafe:{self._location}", fallback_params)
        self._errors = _redis_errors()

    # -- the circuit -------------------------------------------------------------------------

    def redis_skipped(self) -> bool:
        """True while the circuit is open: calls go to the local fallback without trying Redis."""
        return _open_until.get(self._location, 0.0) > time.monotonic()

    def _trip(self, operation: str, exc: BaseException) -> None:
        with _lock:
            already_open = self.redis_skipped()
            _open_until[self._location] = time.monotonic() + self.retry_after
        if not already_open:
            log.warning("cache: Redis unavailable during %s (%s); local memory for %.0f s",
                        operation, exc.__class__.__name__, self.retry_after)

    def _call(self, operation: str, *args, **kwargs):
        if not self.redis_skipped():
            try:
                return getattr(super(), operation)(*args, **kwargs)
            except self._errors as exc:
                self._trip(operation, exc)
        return getattr(self._fallback, operation)(*args, **kwargs)

    # -- the cache API (RedisCache's public methods; BaseCache builds the rest on these) --------

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        return self._call("clear")


def reset_circuits() -> None:
    """Close every circuit (tests)."""
    with _lock:
        _open_until.clear()
