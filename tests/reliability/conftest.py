"""Fixtures of the reliability suite: services of the test's own, on spare ports."""

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from checkin.celery import app
from tests.deploy.processes import free_port
from tests.reliability.services import RedisServer


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    with tempfile.TemporaryDirectory() as folder:
        server = RedisServer(port=free_port(), folder=Path(folder))
        server.start()
        try:
            yield server
        finally:
            server.stop()


def _use_broker(url: str, *, eager: bool) -> None:
    app.conf.broker_url = url
    app.conf.task_always_eager = eager
    # Producers keep connections to the broker they first used: let the next send pick the new one.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker(own_redis: RedisServer) -> Iterator[RedisServer]:
    """Tasks sent from the test go to the test's own redis-server, not run eagerly."""
    before = (app.conf.broker_url, app.conf.task_always_eager)
    _use_broker(own_redis.url, eager=False)
    try:
        yield own_redis
    finally:
        _use_broker(before[0], eager=before[1])
