"""PostgreSQL advisory locks: the one way the code says "someone is working on this" across processes.

A lock is a pair of keys: a `LockKey` (what kind of thing, listed below so two
features never share one) and the thing itself, an integer id or a name (which
PostgreSQL hashes with `hashtext`). Two kinds:

- `session_lock`: held while a block runs, across the many short transactions
  of a purge or an export, and optionally waited for. It is held by a
  connection of its own, inside a transaction kept open until the block ends:
  web and workers reach PostgreSQL through PgBouncer in transaction mode
  (deploy/README.md), where a session-level lock would stay behind on a server
  connection, or be wiped by its reset, as soon as the statement that took it
  commits. A worker killed mid-task holds nothing once PostgreSQL has noticed
  that connection is gone. While a thread holds one, its own `session_lock` and
  `transaction_lock` of the same pair go through (it is theirs), as they would
  in one PostgreSQL session.
- `transaction_lock`: held until the caller's transaction ends, commit or rollback.

Anything holding the same pair from another connection (a test, `psql`) contends
with these: `SELECT pg_advisory_lock(<LockKey>, <id>)` or `..., hashtext(<name>))`.
"""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import IntEnum, unique
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections

POLL_SECONDS = 0.2


@unique  # a second feature given a key already in use fails at import
class LockKey(IntEnum):
    """First key of every advisory lock of the application (four ASCII letters), and what the second key is."""

    DESK_READ_MODEL = 0x6465736B  # "desk": a building's desk read model is being filled; second key the building's id
    SPARE_SCHEMA = 0x73706172  # "spar": a spare schema is being taken; second key hashtext(spare schema name)
    EXPORT = 0x45585054  # "EXPT": an export is being written; second key hashtext("<schema>:<export id>")
    PURGE = 0x50524756  # "PRGV": a company's retention purge runs; second key hashtext(company schema name)


Pair = tuple[LockKey, int | str]


class _Held(threading.local):
    pairs: set[Pair]

    def __init__(self) -> None:
        self.pairs = set()


_held = _Held()  # the session locks this thread holds now


def _call(cursor: Any, function: str, key: LockKey, name: int | str) -> bool:
    """Call one of PostgreSQL's advisory lock functions on the pair; True when it returns nothing (the waiting
    ones return once they hold the lock)."""
    second = "hashtext(%s)" if isinstance(name, str) else "%s"  # ids as they are, names hashed by PostgreSQL
    cursor.execute(f"SELECT {function}(%s, {second})::text", [int(key), name])
    row = cursor.fetchone()
    return row is not None and row[0] in ("", "true")


@contextmanager
def session_lock(key: LockKey, name: int | str, *, wait_seconds: float | None = 0.0) -> Iterator[bool]:
    """Yield whether this thread got the lock, held until the block ends.

    `wait_seconds` is how long to wait for another holder to let go; None waits as long as it takes (and then
    always yields True). A bounded wait polls rather than blocks, so no setting such as lock_timeout is needed.
    """
    pair = (key, name)
    if pair in _held.pairs:
        yield True
        return
    holder = connections.create_connection(DEFAULT_DB_ALIAS)  # its own connection: see the module docstring
    try:
        holder.ensure_connection()
        with holder.connection.transaction(), holder.connection.cursor() as cursor:
            if wait_seconds is None:
                acquired = _call(cursor, "pg_advisory_xact_lock", key, name)
            else:
                deadline = time.monotonic() + wait_seconds
                acquired = _call(cursor, "pg_try_advisory_xact_lock", key, name)
                while not acquired and time.monotonic() < deadline:
                    time.sleep(POLL_SECONDS)
                    acquired = _call(cursor, "pg_try_advisory_xact_lock", key, name)
            if acquired:
                _held.pairs.add(pair)
            try:
                yield acquired
            finally:
                _held.pairs.discard(pair)
    finally:
        holder.close()  # the transaction has ended: the lock is given back


def nobody_holds(key: LockKey, name: int | str) -> bool:
    """Whether no one holds the lock now (taken and given back at once): a holder, if any, is alive."""
    if (key, name) in _held.pairs:
        return False
    with session_lock(key, name) as free:
        return free


def transaction_lock(key: LockKey, name: int | str, *, wait: bool = True) -> bool:
    """Hold the lock until the current transaction ends; whether it was got (always, when `wait`).

    Without `wait`, returns False at once when another transaction holds it.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("transaction_lock() must run inside transaction.atomic(): it ends with the transaction.")
    if (key, name) in _held.pairs:
        return True
    with connection.cursor() as cursor:
        return _call(cursor, "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock", key, name)
