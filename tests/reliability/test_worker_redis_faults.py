"""The Celery worker rides out Redis restarted, frozen and full, without a person: its process never exits, and
it runs the next task once Redis is back (the broker settings in checkin/settings.py)."""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared_apps.operations.broker import schema_headers
from tests.deploy.processes import current_test_database_url, production_env
from tests.foundation.schema_probe import schema_probe
from tests.reliability.services import CeleryWorker, RedisServer, wait_for
from tests.reliability.worker_tasks import pause

pytestmark = pytest.mark.django_db
# Above the socket timeout and health check of tests/reliability/worker_settings.py (production: 30 s and 10 s).
FROZEN_SECONDS = 12
STALE_SIGNS = ("dropping stale connection", "Timeout reading from")


@pytest.fixture
def worker(broker: RedisServer, tmp_path: Path) -> Iterator[CeleryWorker]:
    (tmp_path / "outbox").mkdir()
    env = production_env(
        database_url=current_test_database_url(), REDIS_URL=broker.url, LOG_LEVEL="INFO",
        DJANGO_SETTINGS_MODULE="tests.reliability.worker_settings", CHECKIN_TEST_OUTBOX=str(tmp_path / "outbox"),
    )  # fmt: skip
    process = CeleryWorker(
        env=env,
        log=tmp_path / "worker.log",
        extra_args=("-I", "tests.foundation.schema_probe,tests.reliability.worker_tasks"),
    )
    process.start()
    try:
        yield process
    finally:
        broker.thaw()
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

    broker.fill()  # every write refused
    time.sleep(10)
    _alive(worker)
    broker.empty()
    _runs_a_task(worker)


def test_the_worker_survives_redis_frozen_longer_than_its_timeouts(broker, worker):
    _runs_a_task(worker)
    broker.freeze()  # no answer, no closed connection: only timeouts can tell
    time.sleep(FROZEN_SECONDS)
    _alive(worker)
    # kombu noticed: the freeze outlasted its timeouts (its own line, or the Redis client's timeout, depending on
    # which read was waiting when Redis stopped answering)
    assert any(sign in worker.output() for sign in STALE_SIGNS), worker.output()[-3000:]
    broker.thaw()
    _runs_a_task(worker)
    _alive(worker)


def test_the_worker_survives_redis_full_when_it_acknowledges_a_task(broker, worker):
    """Tasks are acknowledged late: one that ends while Redis is full cannot be (OOM), yet the worker stays."""
    result = pause.apply_async((2,))
    wait_for(lambda: f"[{result.id}] received" in worker.output(), "the task to start")
    broker.fill()
    wait_for(lambda: f"pause[{result.id}] succeeded" in worker.output(), "the task to end")
    time.sleep(3)
    _alive(worker)
    broker.empty()
    _runs_a_task(worker)
