"""Handing tasks to the broker from a web request without ever waiting on Redis, and to a given schema.

Every task sent from the web tier goes through `publish`: its own connection per thread, with
one-second connect and socket timeouts and no retry (Celery's default producer retries, and kombu
reconnects for as long as it is told). When Redis is down, frozen or full, the call fails within
about a second and returns False; the caller's work is already stored (a delivery's row stays in the
outbox for the sweep, an export waits for the resume task). After a failure, publishing is skipped
for a few seconds, so a request that would send several tasks, and the requests behind it, do not
each wait out the timeout.

A task runs in the schema it was sent from (tenant-schemas-celery adds it to the message). To run it
in another one, or in one the caller will have left when the message goes (a send after the commit),
name the schema: `publish_in_schema`, or `schema_headers` for Celery's own `apply_async`. Nothing
else spells the library's header.
"""

import logging
import threading
import time
from typing import Any

import redis
from celery import Task, current_app
from django_tenants.utils import get_public_schema_name
from kombu import Connection

from shared_apps.operations.redis_config import redis_client

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 1.0
PAUSE_AFTER_FAILURE_SECONDS = 5.0
TRANSPORT_OPTIONS = {
    "socket_connect_timeout": TIMEOUT_SECONDS,
    "socket_timeout": TIMEOUT_SECONDS,
    "max_retries": 0,  # kombu: connect once, do not retry
    "connect_retries_timeout": TIMEOUT_SECONDS,
    "retry_on_timeout": False,
}

# The message header tenant-schemas-celery reads to choose the schema a task runs in.
SCHEMA_HEADER = "_schema_name"

_local = threading.local()
_paused_until = 0.0


def _connection() -> Connection:
    connection: Connection | None = getattr(_local, "connection", None)
    if connection is None:
        connection = current_app.connection_for_write(
            transport_options=TRANSPORT_OPTIONS, connect_timeout=TIMEOUT_SECONDS
        )
        _local.connection = connection
    return connection


def _forget_connection() -> None:
    connection: Connection | None = getattr(_local, "connection", None)
    _local.connection = None
    if connection is not None:
        try:
            connection.release()
        except Exception:  # a connection to a Redis that is gone may fail to close: it is dropped all the same
            logger.debug("broker connection not closed cleanly", exc_info=True)


def schema_headers(schema: str) -> dict[str, str]:
    """The message headers that have a task run in `schema`, whichever schema it is sent from."""
    return {SCHEMA_HEADER: schema}


def publish(task: Task, *args: Any) -> bool:
    """Send `task(*args)` to run in the caller's schema, within about a second; whether the broker took it."""
    return _publish(task, args, headers={})


def publish_in_schema(task: Task, schema: str, *args: Any) -> bool:
    """Send `task(*args)` to run in `schema`, within about a second; whether the broker took it."""
    return _publish(task, args, headers=schema_headers(schema))


def eager() -> bool:
    """No broker (development without Redis, tests): tasks run in the process that sends them."""
    return bool(current_app.conf.task_always_eager)


def publish_unless_queued(task: Task, *, note: tuple[str, str], flag: str, flag_seconds: int) -> bool:
    """Add `note` (a Redis set, a member) for `task` to find, and send `task()` in the public schema unless a message
    of it is waiting already: `flag`, set here for `flag_seconds`, is deleted by the task as it starts. Many events,
    one message: one round trip to Redis, two when the task is sent. Whether Redis took the note and, when one was
    needed, the message (see `publish`). Not for eager use: the note needs Redis."""
    global _paused_until
    if time.monotonic() < _paused_until:
        return False
    try:
        pipeline = redis_client(timeout=TIMEOUT_SECONDS).pipeline(transaction=False)
        pipeline.sadd(*note)
        pipeline.set(flag, "1", nx=True, ex=flag_seconds)
        _, first = pipeline.execute()
    except redis.RedisError as error:
        _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_SECONDS
        logger.warning("broker unavailable (%s): %s not noted", type(error).__name__, task.name)
        return False
    return not first or _publish(task, (), headers=schema_headers(get_public_schema_name()))


def _publish(task: Task, args: tuple[Any, ...], *, headers: dict[str, str]) -> bool:
    global _paused_until
    if eager():  # no broker (development, tests): run it here, as Celery would
        task.apply_async(args, headers=headers)
        return True
    if time.monotonic() < _paused_until:
        return False
    try:
        # `connection` goes through to Celery's send_task (the stubs do not list it).
        task.apply_async(args, headers=headers, connection=_connection(), retry=False)  # type: ignore[call-arg]
    except Exception as error:
        _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_SECONDS
        _forget_connection()
        logger.warning("broker unavailable (%s): %s not sent", type(error).__name__, task.name)
        return False
    return True


def publishing_resume() -> None:
    """Forget an earlier failure (tests switching brokers, a process told Redis is back)."""
    global _paused_until
    _paused_until = 0.0
    _forget_connection()
