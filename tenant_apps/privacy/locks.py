"""PostgreSQL advisory locks that say "someone is working on this" across processes.

Session-level: held until released or until the session ends, so a worker
killed mid-task holds nothing once PostgreSQL has noticed its connection is
gone. (PgBouncer must stay in session mode for these: see deploy/README.md.)
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

POLL_SECONDS = 0.2


def _try_lock(lock_class: int, name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", [lock_class, name])
        (acquired,) = cursor.fetchone()
    return bool(acquired)


@contextmanager
def advisory_lock(lock_class: int, name: str, *, wait_seconds: float = 0.0) -> Iterator[bool]:
    """Yield whether this session got the lock (lock_class, hashtext(name)), waiting up to `wait_seconds`."""
    deadline = time.monotonic() + wait_seconds
    acquired = _try_lock(lock_class, name)
    while not acquired and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)  # polled rather than blocking: no session setting such as lock_timeout to undo
        acquired = _try_lock(lock_class, name)
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", [lock_class, name])
