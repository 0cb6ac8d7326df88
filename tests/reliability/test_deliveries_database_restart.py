"""PostgreSQL stopped and started while a real worker sends deliveries: every one is sent exactly once.

The test runs its own PostgreSQL (a copy of the test database) and Redis, a
Celery worker with beat (the outbox sweep every 2 s) whose e-mails land in a
folder, and a process checking visitors in for a host who wants an e-mail on
each arrival. PostgreSQL stops for some seconds mid-way, while deliveries are
queued, claimed, sent and recorded. Afterwards every delivery is `sent`, and
the folder holds exactly one message per delivery, found by its idempotency
key (the message's Message-ID).
"""

import time
from collections import Counter
from collections.abc import Callable

import psycopg
import pytest

from tests.deploy.processes import production_env
from tests.reliability.services import CeleryWorker, CheckIns, EmbeddedPostgres, outbox_keys, wait_for

pytestmark = pytest.mark.django_db


def _deliveries(postgres: EmbeddedPostgres) -> dict[str, str]:
    """idempotency key -> status of every host e-mail of the test's check-ins."""
    with psycopg.connect(postgres.url(), autocommit=True) as db:
        rows = db.execute(
            "SELECT d.idempotency_key::text, d.status FROM acme.notifications_delivery d"
            " JOIN acme.visits_visit v ON v.id = d.visit_id JOIN acme.visits_visitor p ON p.id = v.visitor_id"
            " WHERE p.first_name = 'Walk-in' AND d.kind = 'host_email'"
        ).fetchall()
    return dict(rows)


def _all_sent(postgres: EmbeddedPostgres) -> Callable[[], bool]:
    def check() -> bool:
        found = _deliveries(postgres)
        return bool(found) and set(found.values()) == {"sent"}

    return check


def test_every_delivery_is_sent_exactly_once_across_a_database_restart(own_postgres, own_redis, tmp_path):
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    env = production_env(
        database_url=own_postgres.url(), REDIS_URL=own_redis.url, LOG_LEVEL="INFO",
        DJANGO_SETTINGS_MODULE="tests.reliability.worker_settings", CHECKIN_TEST_OUTBOX=str(outbox),
        CHECKIN_DELIVERY_TIMEOUT_SECONDS="20",
    )  # fmt: skip
    worker = CeleryWorker(env=env, log=tmp_path / "worker.log",
                          extra_args=("--beat", "--schedule", str(tmp_path / "beat-schedule")))  # fmt: skip
    worker.start()
    checkins = CheckIns(env, tmp_path / "stop", "--notify-host")
    try:
        wait_for(lambda: len(outbox_keys(outbox)) >= 5, "the first deliveries to be sent", timeout=60)
        own_postgres.stop()
        wait_for(lambda: checkins.count("failed") >= 1, "a check-in to fail while the database is down")
        time.sleep(5)  # tasks meanwhile: claims, sends and records that cannot reach the database
        own_postgres.start()
        done = checkins.count("checked_in")
        wait_for(lambda: checkins.count("checked_in") >= done + 5, "check-ins to resume", timeout=60)
    finally:
        checkins.finish()
    try:
        # Retries back off (30 s, 60 s...) and the sweep takes what was lost after 20 s: allow a few minutes.
        wait_for(_all_sent(own_postgres), "every delivery to be sent", timeout=300)
    finally:
        worker.stop()

    deliveries = _deliveries(own_postgres)
    checked_in = {int(line.split()[1]) for line in checkins.lines if line.startswith("checked_in")}
    assert len(deliveries) >= len(checked_in) >= 10
    received = Counter(key for key in outbox_keys(outbox) if key in deliveries)  # not those of the copied data
    assert received == Counter(deliveries.keys()), "one message per delivery: none lost, none sent twice"
