"""Redis for Celery and the readiness probe: one server (`REDIS_URL`), or a master found through Sentinel.

With `CHECKIN_REDIS_SENTINELS=host:port,host:port` and `CHECKIN_REDIS_SENTINEL_MASTER=<name>`, the sentinels
say which server is the master, and clients follow a fail-over; `REDIS_URL` then gives only the master's
password and database number (its host is ignored). `CHECKIN_REDIS_SENTINEL_PASSWORD` is the sentinels' own.
"""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import redis
from django.core.exceptions import ImproperlyConfigured
from redis.sentinel import Sentinel


@dataclass(frozen=True)
class RedisConfig:
    url: str  # REDIS_URL; empty: no Redis (Celery runs tasks in-process)
    sentinels: list[tuple[str, int]] = field(default_factory=list)
    master: str = ""
    sentinel_password: str = ""

    @property
    def celery_url(self) -> str:
        """Celery's broker and result backend URL: `REDIS_URL`, or one `sentinel://` URL per sentinel."""
        if not self.sentinels:
            return self.url
        parts = urlsplit(self.url)
        auth = f":{parts.password}@" if parts.password else ""  # as written in REDIS_URL: percent-encoded
        database = parts.path or "/0"
        return ";".join(f"sentinel://{auth}{host}:{port}{database}" for host, port in self.sentinels)

    @property
    def transport_options(self) -> dict[str, Any]:
        """Celery's broker and result backend transport options (kombu's and Celery's Sentinel need the master)."""
        if not self.sentinels:
            return {}
        options: dict[str, Any] = {"master_name": self.master}
        if self.sentinel_password:
            options["sentinel_kwargs"] = {"password": self.sentinel_password}
        return options

    def client(self, *, timeout: float) -> redis.Redis:
        """A client of the current master."""
        if not self.sentinels:
            return redis.Redis.from_url(self.url, socket_connect_timeout=timeout, socket_timeout=timeout)
        parts = urlsplit(self.url)
        sentinel_kwargs = {"socket_connect_timeout": timeout, "socket_timeout": timeout}
        if self.sentinel_password:
            sentinel_kwargs["password"] = self.sentinel_password  # type: ignore[assignment]
        sentinel = Sentinel(
            self.sentinels,
            sentinel_kwargs=sentinel_kwargs,
            socket_connect_timeout=timeout,
            socket_timeout=timeout,
        )
        return sentinel.master_for(
            self.master,
            password=unquote(parts.password) if parts.password else None,
            db=int((parts.path or "/0").strip("/") or 0),
        )


def sentinels_parse(raw: str) -> list[tuple[str, int]]:
    """`host:port,host:port` as (host, port) pairs; a one-line refusal for a malformed entry."""
    pairs = []
    for entry in (part.strip() for part in raw.split(",")):
        if not entry:
            continue
        host, _, port = entry.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ImproperlyConfigured(
                f"CHECKIN_REDIS_SENTINELS: {entry!r} is not host:port (e.g. sentinel-1:26379,sentinel-2:26379)."
            )
        pairs.append((host.strip("[]"), int(port)))
    return pairs


def redis_config(
    *, url: str, sentinels: list[tuple[str, int]], master: str, sentinel_password: str = ""
) -> RedisConfig:
    """The configuration, checked: Sentinel needs its master's name and REDIS_URL."""
    hosts = sentinels
    if hosts and not master:
        raise ImproperlyConfigured(
            "CHECKIN_REDIS_SENTINELS is set: set CHECKIN_REDIS_SENTINEL_MASTER to the master's name."
        )
    if hosts and not url:
        raise ImproperlyConfigured(
            "CHECKIN_REDIS_SENTINELS is set: set REDIS_URL too (redis://:<password>@sentinel/0 gives the master's "
            "password and database)."
        )
    if master and not hosts:
        raise ImproperlyConfigured(
            "CHECKIN_REDIS_SENTINEL_MASTER is set without CHECKIN_REDIS_SENTINELS (host:port,...)."
        )
    return RedisConfig(url=url, sentinels=hosts, master=master, sentinel_password=sentinel_password)


def redis_from_settings() -> RedisConfig:
    """The configuration of the running settings (tests change REDIS_URL on the fly)."""
    from django.conf import settings

    return RedisConfig(
        url=settings.REDIS_URL,
        sentinels=settings.CHECKIN_REDIS_SENTINELS,
        master=settings.CHECKIN_REDIS_SENTINEL_MASTER,
        sentinel_password=settings.CHECKIN_REDIS_SENTINEL_PASSWORD,
    )


_clients: dict[tuple[str, tuple[tuple[str, int], ...], str, float], redis.Redis] = {}


def redis_client(*, timeout: float) -> redis.Redis:
    """One client (and its connection pool) per process, configuration and timeout, not a new connection per call."""
    config = redis_from_settings()
    key = (config.url, tuple(config.sentinels), config.master, timeout)
    if key not in _clients:
        _clients[key] = config.client(timeout=timeout)
    return _clients[key]
