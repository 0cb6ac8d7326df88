"""PostgreSQL advisory locks: the one way the code says "someone is working on this" across processes.

A lock is a pair of keys: a `LockKey` (what kind of thing, listed below so two
features never share one) and the thing itself, an integer id or a name (which
PostgreSQL hashes with `hashtext`). Two kinds:

- `session_lock`: held until released or until the session ends, so a worker
  killed mid-task holds nothing once PostgreSQL has noticed its connection is
  gone. Optionally waits for a holder to let go. (PgBouncer must stay in session
  mode for these: see deploy/README.md.)
- `transaction_lock`: held until the current transaction ends, commit or rollback.

Anything holding the same pair from another connection (a test, `psql`) contends
with these: `SELECT pg_advisory_lock(<LockKey>, <id>)` or `..., hashtext(<name>))`.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import IntEnum, unique

from django.db import connection

POLL_SECONDS = 0.2


@unique  # a second feature given a key already in use fails at import
class LockKey(IntEnum):
    """First key of every advisory lock of the application (four ASCII letters), and what the second key is."""

    DESK_VIEWS = 0x6465736B  # "desk": a building's desk views are rebuilt; second key the building's id
    SPARE_SCHEMA = 0x73706172  # "spar": a spare schema is being taken; second key hashtext(spare schema name)
    EXPORT = 0x45585054  # "EXPT": an export is being written; second key hashtext("<schema>:<export id>")
    PURGE = 0x50524756  # "PRGV": a company's retention purge runs; second key hashtext(company schema name)


def _pair(key: LockKey, name: int | str) -> tuple[str, list[int | str]]:
    """The SQL arguments and parameters of the pair (key, name): ids as they are, names hashed by PostgreSQL."""
    if isinstance(name, str):
        return "%s, hashtext(%s)", [int(key), name]
    return "%s, %s", [int(key), name]


def _ask(function: str, key: LockKey, name: int | str) -> bool:
    """Call one of PostgreSQL's advisory lock functions on the pair; True when it returns nothing (the waiting
    ones return once they hold the lock)."""
    arguments, params = _pair(key, name)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}({arguments})::text", params)
        row = cursor.fetchone()
    return row is not None and row[0] in ("", "true")


@contextmanager
def session_lock(key: LockKey, name: int | str, *, wait_seconds: float | None = 0.0) -> Iterator[bool]:
    """Yield whether this session got the lock, released when the block ends.

    `wait_seconds` is how long to wait for another holder to let go; None waits as long as it takes (and then
    always yields True). A bounded wait polls rather than blocks, so no session setting such as lock_timeout
    is left to undo.
    """
    if wait_seconds is None:
        acquired = _ask("pg_advisory_lock", key, name)
    else:
        deadline = time.monotonic() + wait_seconds
        acquired = _ask("pg_try_advisory_lock", key, name)
        while not acquired and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            acquired = _ask("pg_try_advisory_lock", key, name)
    try:
        yield acquired
    finally:
        if acquired:
            _ask("pg_advisory_unlock", key, name)


def nobody_holds(key: LockKey, name: int | str) -> bool:
    """Whether no session holds the lock now (taken and given back at once): its holder, if any, is alive."""
    with session_lock(key, name) as free:
        return free


def transaction_lock(key: LockKey, name: int | str, *, wait: bool = True) -> bool:
    """Hold the lock until the current transaction ends; whether it was got (always, when `wait`).

    Without `wait`, returns False at once when another transaction holds it.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("transaction_lock() must run inside transaction.atomic(): it ends with the transaction.")
    return _ask("pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock", key, name)
