"""The database connection as our django-tenants wrapper, typed, so schema switches type-check; and its life in a
Celery worker."""

from typing import Any, cast

from django.db import close_old_connections, connection

from shared_apps.database.db_backend.base import DatabaseWrapper


def tenant_connection() -> DatabaseWrapper:
    return cast(DatabaseWrapper, connection)


def connections_tidy_around_task(sender: Any = None, **_signal: Any) -> None:
    """Before and after each task a worker runs, what Django does before and after each request: close a connection
    that failed, outlived CONN_MAX_AGE or was left outside autocommit, and have the next use check the others
    (CONN_HEALTH_CHECKS); keep the rest for the next task.

    Celery's own Django fixup would close every connection before and after every task (a new PostgreSQL session
    per delivery, twice over with tenant-schemas-celery's schema lookup in between); settings.CELERY_DB_REUSE_MAX
    turns that off, and this takes its place. A task run eagerly (tests, development) runs inside a request or
    a transaction of its caller: its connection is left alone, as the fixup leaves it.
    """
    request = getattr(sender, "request", None)
    if getattr(request, "is_eager", False):
        return
    close_old_connections()
