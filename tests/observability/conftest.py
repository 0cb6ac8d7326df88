"""Fixtures of the observability suite: the log lines a test's requests write, as the log collector gets them."""

import io
import json
import logging
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from shared_apps.operations.log_format import JsonFormatter, RequestContextFilter
from tests.reliability.conftest import broker, own_redis  # noqa: F401 - the reliability suite's services, shared

LogLines = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def log_lines() -> Iterator[LogLines]:
    """Every line logged during the test, formatted as in production (JSON), parsed back: a line that is not
    valid JSON fails the test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def ephemeral_port() -> int:
    """A port the system picks: never one of the range free_port() hands out to tests running meanwhile (their
    redis-server could take it, and answer the scrape by hanging up)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
