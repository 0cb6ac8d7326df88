"""A task for the reliability tests' workers (loaded with -I): it takes its time, so a test can act meanwhile."""

import time

from checkin.celery import app


@app.task
def pause(seconds: float) -> None:
    time.sleep(seconds)


@app.task
def backend_pid_note(path: str) -> None:
    """Add the PostgreSQL backend pid of the task's connection to the file at `path`, a line per run."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with open(path, "a") as noted:
        noted.write(f"{pid}\n")
