"""The whole worker SIGKILLed (main process and pool) mid-purge: a new worker finishes the purge within five
minutes, though the message the dead one held stays hidden in Redis for the visibility timeout.

On a copy of the test database (a real purge deletes), with visits due for the purge in acme
(tests/reliability/purge_setup.py): a Celery worker of the test's own takes the purge, in batches of two,
from a redis-server of the test's own. The test holds one of those visits locked, so the purge stops there
with its first batches deleted, kills every process of that worker with SIGKILL, as `kill -9` of its
container would, and starts a new worker with beat, whose `privacy.resume_all` runs every two seconds here
(every minute in production): it finds the purge run left unfinished, its lock held by nobody, and sends it
again.
"""

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from shared_apps.operations.broker import schema_headers
from tenant_apps.privacy.tasks import purge_company_task
from tests.deploy.processes import ROOT
from tests.reliability.services import CeleryWorker, DatabaseCopy, RedisServer, wait_for, waits_for_a_lock

# Not wrapped in a transaction, whose session would keep the test database from being a template; no app's tables
# are flushed afterwards either (the workers write only to the copy).
pytestmark = pytest.mark.django_db(transaction=True, available_apps=["checkin"])

FIVE_MINUTES = 300.0
VISITS = 10


def _count(url: str, sql: str, params: list[object] | None = None) -> int:
    with psycopg.connect(url, autocommit=True) as db:
        row = db.execute(sql, params or []).fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture
def workers(database_copy: DatabaseCopy, broker: RedisServer, tmp_path: Path) -> Iterator[list[CeleryWorker]]:
    """The worker to kill (no beat), and its successor with beat (the resume task every 2 s)."""
    (tmp_path / "outbox").mkdir()
    env = {**database_copy.env, "REDIS_URL": broker.url, "LOG_LEVEL": "INFO", "CHECKIN_PURGE_BATCH_SIZE": "2",
           "DJANGO_SETTINGS_MODULE": "tests.reliability.worker_settings",
           "CHECKIN_TEST_OUTBOX": str(tmp_path / "outbox")}  # fmt: skip
    made = [
        CeleryWorker(env=env, log=tmp_path / "first.log"),
        CeleryWorker(env=env, log=tmp_path / "second.log",
                     extra_args=("--beat", "--schedule", str(tmp_path / "beat-schedule"))),
    ]  # fmt: skip
    try:
        yield made
    finally:
        for worker in made:
            worker.stop()


def test_a_purge_whose_whole_worker_is_killed_is_finished_within_five_minutes(database_copy, workers):
    first, second = workers
    made = subprocess.run(
        [sys.executable, "-m", "tests.reliability.purge_setup", str(VISITS)],
        cwd=ROOT, env={**database_copy.env, "DJANGO_SETTINGS_MODULE": "checkin.settings", "REDIS_URL": ""},
        check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    due = json.loads(made.stdout)
    left = "SELECT count(*) FROM acme.visits_visit WHERE id = ANY(%s)"
    unfinished = "SELECT count(*) FROM acme.privacy_purgerun WHERE finished_at IS NULL"

    first.start()
    with psycopg.connect(database_copy.url) as blocker:
        blocker.execute("SELECT id FROM acme.visits_visit WHERE id = %s FOR UPDATE", [due[VISITS // 2]])
        purge_company_task.apply_async(headers=schema_headers("acme"))
        purging = lambda: waits_for_a_lock(database_copy.url, "WITH batch AS")  # noqa: E731
        wait_for(purging, "the purge to wait for the locked visit", timeout=60)
        assert 0 < _count(database_copy.url, left, [due]) < VISITS  # cut in the middle: some batches are gone
        first.kill()
        blocker.rollback()
    assert _count(database_copy.url, unfinished) == 1

    restarted = time.monotonic()
    second.start()
    finished = lambda: _count(database_copy.url, left, [due]) == 0 == _count(database_copy.url, unfinished)  # noqa: E731
    wait_for(finished, "the purge to be finished", timeout=FIVE_MINUTES)
    assert time.monotonic() - restarted < FIVE_MINUTES
    assert "was cut short: running it again" in second.output()  # the resume task sent it, not the broker
