"""A worker child keeps its PostgreSQL connection from task to task, as a web worker does from request to request
(shared_apps/database/connection.py): Celery's Django fixup alone would open a new session for every task."""

from pathlib import Path

import pytest
from django.db import connection, transaction

from shared_apps.operations.broker import schema_headers
from tests.deploy.processes import current_test_database_url, production_env
from tests.reliability.services import CeleryWorker, wait_for
from tests.reliability.worker_tasks import backend_pid_note

pytestmark = pytest.mark.django_db
TASKS = 6


def _pids(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def test_a_worker_child_runs_its_tasks_on_one_connection(acme, broker, tmp_path):
    (tmp_path / "outbox").mkdir()
    env = production_env(
        database_url=current_test_database_url(), REDIS_URL=broker.url, LOG_LEVEL="INFO",
        DJANGO_SETTINGS_MODULE="tests.reliability.worker_settings", CHECKIN_TEST_OUTBOX=str(tmp_path / "outbox"),
    )  # fmt: skip
    worker = CeleryWorker(env=env, log=tmp_path / "worker.log", extra_args=("-I", "tests.reliability.worker_tasks"))
    noted = tmp_path / "pids"
    worker.start()
    try:
        for _ in range(TASKS):  # in a company's schema, as deliveries are: the schema's lookup shares it too
            backend_pid_note.apply_async((str(noted),), headers=schema_headers("acme"))
        wait_for(lambda: len(_pids(noted)) == TASKS, "the tasks to run", timeout=90)
    finally:
        worker.stop()
    assert len(set(_pids(noted))) == 1, worker.output()[-3000:]


def test_an_eager_task_leaves_its_callers_connection_and_transaction_alone(tmp_path):
    noted = tmp_path / "pids"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        before = cursor.fetchone()[0]
        backend_pid_note.apply((str(noted),))
        assert connection.in_atomic_block and connection.connection is not None
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == before == _pids(noted)[0]
