"""Fixtures of the reliability suite: services of the test's own, on spare ports."""

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

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
