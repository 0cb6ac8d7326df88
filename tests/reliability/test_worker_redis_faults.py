"""The Celery worker rides out Redis restarted and full, without a person: its process never exits, and it runs
the next task once Redis is back (the broker settings in checkin/settings.py)."""

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from shared_apps.operations.broker import schema_headers
from tests.deploy.processes import current_test_database_url, production_env
from tests.foundation.schema_probe import schema_probe
from tests.reliability.services import CeleryWorker, RedisServer, wait_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(broker: RedisServer, tmp_path: Path) -> Iterator[CeleryWorker]:
    (tmp_path / "outbox").mkdir()
    env = production_env(
        database_url=current_test_database_url(), REDIS_URL=broker.url, LOG_LEVEL="INFO",
        DJANGO_SETTINGS_MODULE="tests.reliability.worker_settings", CHECKIN_TEST_OUTBOX=str(tmp_path / "outbox"),
    )  # fmt: skip
    process = CeleryWorker(env=env, log=tmp_path / "worker.log", extra_args=("-I", "tests.foundation.schema_probe"))
    process.start()
    try:
        yield process
    finally:
        if broker.process is not None:
            os.kill(broker.process.pid, signal.SIGCONT)
        process.stop()


def _runs_a_task(worker: CeleryWorker) -> None:
    """Send a task and wait for the worker to log it done (its result goes to the worker's Redis, not ours)."""
    result = schema_probe.apply_async(headers=schema_headers("acme"))
    succeeded = f"schema_probe.schema_probe[{result.id}] succeeded"
    wait_for(lambda: succeeded in worker.output(), "the task to run", timeout=90)


def _alive(worker: CeleryWorker) -> None:
    assert worker.process is not None and worker.process.poll() is None, worker.output()[-3000:]


def test_the_worker_survives_redis_restarted_and_full(broker, worker):
    _runs_a_task(worker)

    broker.stop()  # restarted: down for a few seconds, then back empty
    time.sleep(3)
    broker.start()
    _alive(worker)
    _runs_a_task(worker)

    client = redis.Redis.from_url(broker.url)
    client.config_set("maxmemory-policy", "noeviction")
    client.config_set("maxmemory", "1")  # full: every write refused
    time.sleep(10)
    _alive(worker)
    client.config_set("maxmemory", "0")
    _runs_a_task(worker)
