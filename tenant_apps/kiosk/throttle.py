"""Fixed-window counters in the cache, per kiosk device and per code.

Keys hold the reception schema, the device id and, for codes, a hash of the
code: never anything a visitor typed about themselves. The cache is per
process in development (LocMem); each process counts on its own.
"""

import hashlib
import time

from django.core.cache import cache

from shared_apps.tenancy.connection import tenant_connection


def _key(scope: str, subject: str, window: int) -> str:
    bucket = int(time.time() // window)
    return f"kiosk-throttle:{tenant_connection().schema_name}:{scope}:{subject}:{bucket}"


def throttle_hit(*, scope: str, subject: str, limit: int, window: int) -> bool:
    """Count one attempt; True when the limit for this window is exceeded."""
    key = _key(scope, subject, window)
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    return count > limit


def throttle_exceeded(*, scope: str, subject: str, limit: int, window: int) -> bool:
    """True when the limit is already reached, without counting."""
    return int(cache.get(_key(scope, subject, window), 0)) >= limit


def code_subject(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()[:24]
