"""Kept connections (CONN_MAX_AGE) are checked before reuse without a round trip, and workers start warm."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def kept(db) -> Iterator[object]:
    """A second connection to the test database, as a worker keeps between requests."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def test_a_live_idle_connection_is_usable_without_a_query(kept, monkeypatch):
    # Django's own check runs SELECT 1 on a raw psycopg cursor, which no query capture sees: count cursors.
    opened = []
    real_cursor = psycopg.Connection.cursor

    def counted(self, *args, **kwargs):
        opened.append(1)
        return real_cursor(self, *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "cursor", counted)
    assert kept.is_usable()
    assert opened == []


def test_a_connection_the_server_ended_is_not_usable(kept):
    with kept.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while kept.is_usable() and time.monotonic() < deadline:  # the server's goodbye takes a moment to arrive
        time.sleep(0.05)
    assert not kept.is_usable()


def test_workers_start_warm_without_touching_the_database():
    """As gunicorn's master does before forking (preload_app), with a database that cannot be reached."""
    script = (
        "import sys; from checkin.wsgi import application; "
        "assert 'tenant_apps.kiosk.views' in sys.modules and 'tenant_apps.desk.views' in sys.modules"
    )
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}", "DJANGO_SETTINGS_MODULE": "checkin.settings",
           "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/unreachable", "REDIS_URL": ""}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_workers_start_ready_to_send_tasks_without_touching_the_broker():
    """The first arrival after a worker is recycled imports no task module, e-mail library or broker transport,
    and nothing connects to the broker before the fork (here one that cannot be reached)."""
    script = (
        "import sys; from checkin.wsgi import application; "
        "from checkin.celery import app; "
        "loaded = [m for m in ('tenant_apps.notifications.tasks', 'tenant_apps.notifications.emails', 'icalendar',"
        " 'kombu.transport.redis', 'celery.backends.redis') if m not in sys.modules]; "
        "assert not loaded, loaded; assert app.finalized"
    )
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}", "DJANGO_SETTINGS_MODULE": "checkin.settings",
           "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/unreachable",
           "REDIS_URL": "redis://127.0.0.1:1/0"}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
