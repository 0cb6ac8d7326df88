"""Redis through Sentinel: the options Celery needs, and a real sentinel that names the master."""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.core.exceptions import ImproperlyConfigured
from kombu import Connection

from checkin.health import readiness
from shared_apps.operations.redis_config import redis_config, sentinels_parse
from tests.reliability.services import RedisServer


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_sentinels_are_parsed_and_celery_gets_one_url_per_sentinel_and_the_master_name():
    config = redis_config(
        url="redis://:s%40cret@ignored:6379/2",
        sentinels=sentinels_parse("sentinel-1:26379, sentinel-2:26380,"),
        master="checkin",
        sentinel_password="sentinel-pass",
    )
    assert config.sentinels == [("sentinel-1", 26379), ("sentinel-2", 26380)]
    assert config.celery_url == "sentinel://:s%40cret@sentinel-1:26379/2;sentinel://:s%40cret@sentinel-2:26380/2"
    assert config.transport_options == {"master_name": "checkin", "sentinel_kwargs": {"password": "sentinel-pass"}}


def test_without_sentinels_redis_url_is_used_as_it_is():
    config = redis_config(url="redis://127.0.0.1:6379/0", sentinels=[], master="")
    assert (config.celery_url, config.transport_options) == ("redis://127.0.0.1:6379/0", {})


@pytest.mark.parametrize(
    ("raw", "master", "url", "says"),
    [
        ("sentinel-1", "checkin", "redis://x/0", "'sentinel-1' is not host:port"),
        ("sentinel-1:http", "checkin", "redis://x/0", "is not host:port"),
        ("sentinel-1:26379", "", "redis://x/0", "set CHECKIN_REDIS_SENTINEL_MASTER"),
        ("sentinel-1:26379", "checkin", "", "set REDIS_URL too"),
        ("", "checkin", "redis://x/0", "without CHECKIN_REDIS_SENTINELS"),
    ],
)
def test_an_incomplete_sentinel_configuration_says_what_to_set(raw, master, url, says):
    with pytest.raises(ImproperlyConfigured, match=says):
        redis_config(url=url, sentinels=sentinels_parse(raw), master=master)


@pytest.fixture
def sentinel(tmp_path: Path) -> Iterator[tuple[RedisServer, int]]:
    """A redis-server and a redis sentinel of the test's own that monitors it as `checkin`."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is not installed"
    master = RedisServer(port=_free_port(), folder=tmp_path)
    master.start()
    port = _free_port()
    conf = tmp_path / "sentinel.conf"  # a sentinel rewrites its own configuration file
    conf.write_text(f"port {port}\nbind 127.0.0.1\nsentinel monitor checkin 127.0.0.1 {master.port} 1\n")
    process = subprocess.Popen([binary, str(conf), "--sentinel"], stdout=subprocess.DEVNULL)
    try:
        client = redis.Redis(port=port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 20
        while True:
            try:
                if client.sentinel_get_master_addr_by_name("checkin"):
                    break
            except redis.ConnectionError:
                pass
            assert time.monotonic() < deadline and process.poll() is None, "the sentinel did not start"
            time.sleep(0.1)  # waiting for a process we started
        yield master, port
    finally:
        process.terminate()
        process.wait(timeout=10)
        master.stop()


def test_the_master_is_found_through_the_sentinel_by_celery_and_by_readiness(sentinel, settings):
    master, port = sentinel
    settings.REDIS_URL = "redis://sentinel/0"
    settings.CHECKIN_REDIS_SENTINELS, settings.CHECKIN_REDIS_SENTINEL_MASTER = [("127.0.0.1", port)], "checkin"
    config = redis_config(url=settings.REDIS_URL, sentinels=[("127.0.0.1", port)], master="checkin")
    with Connection(config.celery_url, transport_options=config.transport_options) as broker:
        queue = broker.SimpleQueue("sentinel-test")
        queue.put({"hello": "master"})
        assert redis.Redis(port=master.port).llen("sentinel-test") == 1  # on the master the sentinel named
        message = queue.get(timeout=10)
        assert message.payload == {"hello": "master"}
        message.ack()
        queue.close()
    assert readiness()["redis"] is True
    master.stop()
    assert readiness()["redis"] is False
