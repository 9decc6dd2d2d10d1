"""The rate-limit store (Redis) fails open: when it is away, patients' forms keep working.

Django's RedisCache raises on every call while Redis is down, and django-ratelimit asks it on
every public POST, so an outage turned every intake start, step save and appointment request
into a 500. `FailOpenRedisCache` answers as a cache that has nothing instead: reads miss, writes
and deletes do nothing, `add()` says it stored nothing and `incr()` finds no key. With
RATELIMIT_FAIL_OPEN on, django-ratelimit then lets the request through uncounted.

It logs a warning at most once a minute per process while Redis is away (never a key or a
value), and after a failure it does not try Redis again for a few seconds, so a Redis that
hangs rather than refuses costs one short timeout now and then, not one per request. `/healthz`
pings Redis itself and reports it as down (clinic/health.py).
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
WARN_EVERY_SECONDS = 60
RETRY_AFTER_SECONDS = 5


class FailOpenRedisCache(RedisCache):
    # Per process: when Redis last failed and when that was last logged.
    _down_until = 0.0
    _warned_at = None

    def _unavailable(self, exc):
        now = time.monotonic()
        cls = type(self)
        cls._down_until = now + RETRY_AFTER_SECONDS
        if cls._warned_at is None or now - cls._warned_at >= WARN_EVERY_SECONDS:
            cls._warned_at = now
            log.warning(
                "Redis is unavailable (%s): rate limits are not counted until it is back",
                type(exc).__name__,
            )

    def _call(self, method, fallback, *args, **kwargs):
        if time.monotonic() < type(self)._down_until:
            return fallback()
        try:
            return method(*args, **kwargs)
        except UNAVAILABLE as exc:
            self._unavailable(exc)
            return fallback()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, lambda: False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(super().get, lambda: default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, lambda: None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, lambda: False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, lambda: False, key, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, dict, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, lambda: False, key, version)

    def incr(self, key, delta=1, version=None):
        # As for a missing key: django-ratelimit takes that as "could not count".
        def missing():
            raise ValueError(f"Key '{key}' not found.")

        return self._call(super().incr, missing, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, lambda: list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, lambda: None, keys, version)

    def clear(self):
        return self._call(super().clear, lambda: False)
