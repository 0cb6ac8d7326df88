"""The kiosk's rate limits, per device and per code, counted for every web process at once.

Counts live in PostgreSQL (shared_apps/login_throttle/counters.py), so a limit holds whichever process or pod
answers. Keys hold the reception schema, the device id and, for codes, a hash of the code: never anything a
visitor typed about themselves.
"""

import hashlib

from shared_apps.database.connection import tenant_connection
from shared_apps.login_throttle.counters import counter_forgive, counter_hit, counters_hit_in_turn


def _key(scope: str, subject: str) -> str:
    return f"kiosk:{tenant_connection().schema_name}:{scope}:{subject}"


def throttle_hit(*, scope: str, subject: str, limit: int, window: int) -> bool:
    """Count one attempt, before it is checked; True when it is past the limit for this window."""
    return counter_hit(_key(scope, subject), window=window) > limit


def throttle_hit_in_turn(
    *,
    scope: str,
    subject: str,
    limit: int,
    window: int,
    then_scope: str,
    then_subject: str,
    then_limit: int,
    then_window: int,
) -> tuple[bool, bool]:
    """As `throttle_hit` for the first limit, then for the second only when the first is not past its limit, in one
    round trip; (first past its limit, second past its limit)."""
    first, then = counters_hit_in_turn(
        _key(scope, subject), first_window=window, first_limit=limit, then=_key(then_scope, then_subject),
        then_window=then_window,
    )  # fmt: skip
    return first > limit, then is not None and then > then_limit


def throttle_forgive(*, scope: str, subject: str, window: int) -> None:
    """Take back an attempt counted before its check, once it turned out right."""
    counter_forgive(_key(scope, subject), window=window)


def code_subject(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()[:24]
