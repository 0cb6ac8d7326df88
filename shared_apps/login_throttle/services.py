"""Count failed sign-ins per account and per client address, and lock either after too many.

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


@transaction.atomic
def login_failure_record(*, email: str | None, ip: str, now: dt.datetime | None = None) -> None:
    """Count a failed password or code for the account (when an e-mail was given) and for the client address."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE expires_at < %s", [now])
        for key, limit in throttle_keys(email=email, ip=ip):
            cursor.execute(
                f"INSERT INTO {TABLE} (key, failures, window_started, expires_at) VALUES (%s, 0, %s, %s)"
                " ON CONFLICT (key) DO NOTHING",
                [key, now, now],
            )
            cursor.execute(
                f"SELECT failures, window_started, locked_until FROM {TABLE} WHERE key = %s FOR UPDATE", [key]
            )
            failures, started, locked_until = cursor.fetchone()
            counter = counter_after_failure(Counter(failures, started, locked_until), now=now, limit=limit)
            cursor.execute(
                f"UPDATE {TABLE} SET failures = %s, window_started = %s, locked_until = %s, expires_at = %s"
                " WHERE key = %s",
                [counter.failures, counter.window_started, counter.locked_until, counter.expires_at(limit), key],
            )


def login_success_record(*, email: str) -> None:
    """A complete sign-in (password and, if any, second factor) clears the account's count; the address keeps its."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE key = %s", [account_key(email)])
