"""Running an export's COPYs on two database sessions that see the same snapshot.

One PostgreSQL session works on one core, and the export's JSON COPYs cost PostgreSQL
about twice its CSV ones. A second session, in a worker thread, takes half of the work:
it reads the first session's snapshot (`pg_export_snapshot`), so both see the same rows,
and it runs with the first session's role and search_path, so it reaches no more than
the first one does (a company's role reads only its own schema). psycopg releases the
GIL while it waits for PostgreSQL, so the two threads really run side by side.

Only for a transaction that the caller opened for this (see lifecycle._snapshot): rows
that an outer transaction has not committed yet are invisible to another session.
"""

import contextlib
import logging
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import psycopg
from django.db import connection

logger = logging.getLogger(__name__)

T = TypeVar("T")
Task = Callable[[psycopg.Cursor[Any]], T]

# What the second session copies from the first: who it is and where it looks (the isolation rule), and how
# values are written out (the same text for the same rows).
_SAME_SETTINGS = ["role", "search_path", "TimeZone", "DateStyle", "IntervalStyle", "extra_float_digits", "bytea_output"]
_SETTINGS_SQL = "SELECT current_user, ARRAY(SELECT current_setting(name) FROM unnest(%s::text[]) AS name)"


@contextmanager
def twin_session() -> Iterator[psycopg.Connection[Any] | None]:
    """A second connection inside this connection's transaction snapshot, as the same role and search_path.

    This connection must be in a REPEATABLE READ transaction that has already set its role (any statement
    through Django's cursor does). The second one is closed on the way out, whatever happens. None when no
    second connection can be opened (max_connections reached, say): the caller then does all on this one.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        cursor.execute(_SETTINGS_SQL, [_SAME_SETTINGS])
        wanted = cursor.fetchone()
    # Client-side binding, as Django's cursors: COPY and SET take no server-side parameters.
    params = {**connection.get_connection_params(), "cursor_factory": psycopg.ClientCursor, "autocommit": True}
    try:
        twin: psycopg.Connection[Any] = psycopg.connect(**params)
    except psycopg.OperationalError as error:
        logger.warning("export on one database session: no second one (%s)", type(error).__name__)
        yield None
        return
    try:
        twin.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        twin.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
        twin.execute(
            "SELECT set_config(name, value, true) FROM unnest(%s::text[], %s::text[]) AS s(name, value)",
            [_SAME_SETTINGS, wanted[1]],
        )
        got = twin.execute(_SETTINGS_SQL, [_SAME_SETTINGS]).fetchone()
        if got != wanted:  # never expected: it would break the isolation rule, so do not go on
            raise RuntimeError("The second export session does not run as the first one.")
        yield twin
    finally:
        twin.close()


def _take(tasks: deque[tuple[int, Task[T]]], stop: threading.Event) -> tuple[int, Task[T]] | None:
    if stop.is_set():
        return None
    try:
        return tasks.popleft()  # atomic: the two threads never take the same task
    except IndexError:
        return None


def _cancel_until_done(twin: psycopg.Connection[Any], worker: threading.Thread) -> None:
    """Cancel the worker's statement until the worker ends: a cancel that comes between two statements is lost."""
    while worker.is_alive():
        with contextlib.suppress(psycopg.Error):
            twin.cancel_safe()
        worker.join(0.5)


def run_on_two_sessions(tasks: Sequence[Task[T]]) -> list[T]:
    """Run the tasks on this thread's connection and on a twin session in a worker thread; results in task order.

    Each thread takes the next task when it is free, so give the longest first. An error in either thread
    stops the other (at its next task, or at once for the worker's running statement) and is raised here.
    """
    pending = deque(enumerate(tasks))
    results: dict[int, T] = {}
    stop = threading.Event()
    worker_errors: list[BaseException] = []

    def drain(cursor: psycopg.Cursor[Any]) -> None:
        while taken := _take(pending, stop):
            index, task = taken
            results[index] = task(cursor)

    def work(twin: psycopg.Connection[Any]) -> None:
        try:
            with twin.cursor() as cursor:
                drain(cursor)
        except BaseException as error:
            worker_errors.append(error)
            stop.set()

    with twin_session() as twin, connection.cursor() as cursor:
        if twin is None:
            drain(cursor.cursor)
            return [results[index] for index in range(len(tasks))]
        worker = threading.Thread(target=work, args=(twin,), name="export-twin-session", daemon=True)
        worker.start()
        try:
            drain(cursor.cursor)
        except BaseException:
            stop.set()
            _cancel_until_done(twin, worker)  # a COPY the worker is running ends now, not when it is done
            raise
        finally:
            worker.join()  # before the twin session closes: never close a connection another thread uses
    if worker_errors:
        raise worker_errors[0]
    return [results[index] for index in range(len(tasks))]
