"""Fixed-window counters shared by every web process and pod: `public.rate_counter` in PostgreSQL.

Every rate limit of the platform but the sign-in lockout (services.py, which also locks) counts here: the
kiosk's pairing codes, invitation codes and walk-ins. One row per key and window, bumped by one
`INSERT ... ON CONFLICT DO UPDATE ... RETURNING`: concurrent attempts queue on the row and each gets its own
count, so none slips past a limit, whichever process or pod answers it. An attempt is counted before it is
checked. The window is read from the database's clock, the same for every pod.

The table is UNLOGGED (no write-ahead log: counting stays cheap); PostgreSQL empties it after a crash, which
forgives the counts of the current windows, never more. When PostgreSQL is unreachable the request fails
(503) rather than counting nowhere. Rows of past windows are deleted by `rate_counters_prune`.
"""

from django.db import connection

# Always named with its schema: requests run on their own tenant's schema (and role).
TABLE = "public.rate_counter"


def _upsert(name: str, condition: str = "") -> str:
    """The INSERT ... ON CONFLICT that counts one for the key and window parameters `<name>_key`, `<name>_window`."""
    return (
        f"INSERT INTO {TABLE} AS c (key, window_start, expires_at, count)"
        f" SELECT %({name}_key)s, start, start + make_interval(secs => %({name}_window)s), 1"
        f" FROM (SELECT to_timestamp(floor(extract(epoch FROM now()) / %({name}_window)s) * %({name}_window)s)"
        f" AS start) w {condition}"
        " ON CONFLICT (key, window_start) DO UPDATE SET count = c.count + 1 RETURNING count"
    )


def counter_hit(key: str, *, window: int) -> int:
    """Count one more for `key` in the current window of `window` seconds; the count, this one included."""
    _check(key, window)
    with connection.cursor() as cursor:
        cursor.execute(_upsert("first"), {"first_key": key, "first_window": window})
        return int(cursor.fetchone()[0])


def counters_hit_in_turn(
    first: str, *, first_window: int, first_limit: int, then: str, then_window: int
) -> tuple[int, int | None]:
    """Count one for `first`, and one for `then` only if `first` is not past `first_limit`, in one statement.

    The same counts as `counter_hit(first)` followed, within its limit, by `counter_hit(then)`, in one round trip
    (the kiosk's code lookups count the device, then the code). Returns both counts, None for `then` when it was
    not counted. Rows are always taken in this order, first then `then`, so two such statements cannot deadlock
    as long as callers keep the kinds of key in the same order.
    """
    _check(first, first_window)
    _check(then, then_window)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH first AS ({_upsert('first')}),"
            f" then_ AS ({_upsert('then', 'WHERE (SELECT count FROM first) <= %(first_limit)s')})"
            " SELECT (SELECT count FROM first), (SELECT count FROM then_)",
            {"first_key": first, "first_window": first_window, "first_limit": first_limit,
             "then_key": then, "then_window": then_window},
        )  # fmt: skip
        counted, then_counted = cursor.fetchone()
        return int(counted), None if then_counted is None else int(then_counted)


def counter_forgive(key: str, *, window: int) -> None:
    """Take back one count of the current window (an attempt counted before its check turned out right)."""
    _check(key, window)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET count = count - 1"
            " WHERE key = %(key)s AND count > 0 AND window_start = to_timestamp(floor(extract(epoch FROM now())"
            " / %(window)s) * %(window)s)",
            {"key": key, "window": window},
        )


def rate_counters_prune() -> int:
    """Delete the rows of windows that are over; how many."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE expires_at < now()")
        return int(cursor.rowcount)


def _check(key: str, window: int) -> None:
    if not key or len(key) > 200:
        raise ValueError(f"A counter's key is 1 to 200 characters, not {len(key)}.")
    if window <= 0:
        raise ValueError(f"A counter's window is a positive number of seconds, not {window}.")
