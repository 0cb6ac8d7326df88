"""Count failed sign-ins per account and per client address, and lock either after too many.

Each password or code is counted as a failure before it is checked, under a lock of the rows, and forgiven
when it was right: however many arrive at once, on however many web processes, no more than the limit are
checked.

One table for the whole platform, always named with its schema
(`public.login_throttle`): requests run on their own tenant's schema, and
moving to another subdomain must not start the count afresh. Counts live in
PostgreSQL, so the limits hold when Redis is down. Rows that can no longer
lock anything are deleted by every failure that is recorded.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from shared_apps.login_throttle.keys import TABLE, Limit, account_key, throttle_keys


@dataclass(frozen=True)
class Counter:
    failures: int
    window_started: dt.datetime
    locked_until: dt.datetime | None

    def expires_at(self, limit: Limit) -> dt.datetime:
        """When the row no longer matters: its window is over and its lock, if any, has ended."""
        return max(self.window_started + limit.window, self.locked_until or self.window_started)


def counter_after_failure(counter: Counter, *, now: dt.datetime, limit: Limit) -> Counter:
    """One more failure: a new window when the last one is over, and a lock when the limit is reached."""
    failures, started = counter.failures, counter.window_started
    if started + limit.window <= now:
        failures, started = 0, now
    failures += 1
    locked_until = now + limit.lockout if failures >= limit.failures else counter.locked_until
    return Counter(failures=failures, window_started=started, locked_until=locked_until)


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt, counted as a failure before it is checked: attempts arriving at once on many web
    processes each take their turn on the rows, so no more than the limit are ever checked."""

    keys: tuple[tuple[str, bool], ...]  # each key, and whether this attempt locked it

    @property
    def locked(self) -> bool:
        """Whether this attempt, if it fails, is the one that locked the account or the address."""
        return any(locked_it for _key, locked_it in self.keys)


@transaction.atomic
def login_attempt_begin(*, email: str | None, ip: str, now: dt.datetime | None = None) -> Attempt | None:
    """Count a password or code about to be checked as a failure for the account (when an e-mail was given) and
    for the client address; None, counting nothing, while either is locked. A right one is forgiven after."""
    now = now or timezone.now()
    keys = throttle_keys(email=email, ip=ip)
    names = sorted(key for key, _limit in keys)  # locked in one order: concurrent attempts never deadlock
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE expires_at < %s", [now])
        for key in names:
            cursor.execute(
                f"INSERT INTO {TABLE} (key, failures, window_started, expires_at) VALUES (%s, 0, %s, %s)"
                " ON CONFLICT (key) DO NOTHING",
                [key, now, now],
            )
        cursor.execute(
            f"SELECT key, failures, window_started, locked_until FROM {TABLE} WHERE key = ANY(%s) ORDER BY key"
            " FOR UPDATE",
            [names],
        )
        counters = {key: Counter(failures, started, locked) for key, failures, started, locked in cursor.fetchall()}
        if any(counter.locked_until is not None and counter.locked_until > now for counter in counters.values()):
            return None
        counted = []
        for key, limit in keys:
            counter = counter_after_failure(counters[key], now=now, limit=limit)
            cursor.execute(
                f"UPDATE {TABLE} SET failures = %s, window_started = %s, locked_until = %s, expires_at = %s"
                " WHERE key = %s",
                [counter.failures, counter.window_started, counter.locked_until, counter.expires_at(limit), key],
            )
            counted.append((key, counter.locked_until != counters[key].locked_until))
    return Attempt(keys=tuple(counted))


def login_attempt_forgive(attempt: Attempt) -> None:
    """The password or code was right: take its failure back, and the lock it set (attempts after it were
    refused by that lock, so no one else's failure set it)."""
    with connection.cursor() as cursor:
        for key, locked_it in attempt.keys:
            cursor.execute(
                f"UPDATE {TABLE} SET failures = greatest(failures - 1, 0),"
                " locked_until = CASE WHEN %s THEN NULL ELSE locked_until END WHERE key = %s",
                [locked_it, key],
            )


def login_success_record(*, email: str) -> None:
    """A complete sign-in (password and, if any, second factor) clears the account's count; the address keeps its."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE key = %s", [account_key(email)])
