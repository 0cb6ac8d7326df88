"""The whole worker SIGKILLed (main process and pool) mid-export: a new worker finishes it within five
minutes, though the message the dead one held stays hidden in Redis for the visibility timeout.

A Celery worker of the test's own takes the export from a redis-server of the test's own; the test holds a
lock on the visitors table so the export stops there, kills every process of that worker with SIGKILL, as
`kill -9` of its container would, and starts a new worker with beat, whose `privacy.resume_all` runs every
two seconds here (every minute in production). (A purge cut short is resumed the same way:
test_purge_worker_killed.py, on a copy of the test database.)
"""

import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from shared_apps.operations.broker import schema_headers
from tenant_apps.privacy.tasks import export_generate_task
from tests.deploy.processes import current_test_database_url, production_env
from tests.reliability.services import CeleryWorker, RedisServer, wait_for, waits_for_a_lock

pytestmark = pytest.mark.django_db
FIVE_MINUTES = 300.0


def _database(*, autocommit: bool = True) -> psycopg.Connection:
    return psycopg.connect(current_test_database_url(), autocommit=autocommit)


def _one(sql: str, params: list[object] | None = None) -> object:
    with _database() as db:
        row = db.execute(sql, params or []).fetchone()
    assert row is not None
    return row[0]


@pytest.fixture
def workers(broker: RedisServer, tmp_path: Path) -> Iterator[tuple[CeleryWorker, CeleryWorker]]:
    """The worker to kill (no beat), and its successor with beat (the resume task every 2 s)."""
    (tmp_path / "exports").mkdir()
    (tmp_path / "outbox").mkdir()
    env = production_env(
        database_url=current_test_database_url(), REDIS_URL=broker.url, LOG_LEVEL="INFO",
        DJANGO_SETTINGS_MODULE="tests.reliability.worker_settings", CHECKIN_TEST_OUTBOX=str(tmp_path / "outbox"),
        CHECKIN_EXPORT_ROOT=str(tmp_path / "exports"),
    )  # fmt: skip
    first = CeleryWorker(env=env, log=tmp_path / "first.log")
    second = CeleryWorker(env=env, log=tmp_path / "second.log",
                          extra_args=("--beat", "--schedule", str(tmp_path / "beat-schedule")))  # fmt: skip
    try:
        yield first, second
    finally:
        first.stop()
        second.stop()


def test_an_export_whose_whole_worker_is_killed_is_finished_within_five_minutes(committed_export, workers):
    first, second = workers
    first.start()
    with _database(autocommit=False) as blocker:
        blocker.execute("LOCK TABLE acme.visits_visitor IN ACCESS EXCLUSIVE MODE")
        export_generate_task.apply_async((committed_export,), headers=schema_headers("acme"))
        exporting = lambda: waits_for_a_lock(current_test_database_url(), "COPY")  # noqa: E731
        wait_for(exporting, "the export to wait for the visitors", timeout=60)
        first.kill()
        blocker.rollback()

    restarted = time.monotonic()
    second.start()
    status = "SELECT status FROM acme.privacy_export WHERE id = %s"
    wait_for(lambda: _one(status, [committed_export]) == "ready", "the export to be finished", timeout=FIVE_MINUTES)
    assert time.monotonic() - restarted < FIVE_MINUTES
    assert "cut short or never started" in second.output()  # the resume task sent it, not the broker
