"""The Prometheus series of Check-in (prometheus-client), and what feeds them.

Web and worker processes each run several processes (gunicorn workers, Celery
pool children): with PROMETHEUS_MULTIPROC_DIR set, every process writes its
values to files there and `metrics_registry()` adds them up (prometheus-client's
multiprocess mode; metrics_folder.py prepares the folder). Without it (tests,
`runserver`) the values live in the process.

Series (all prefixed `checkin_`): requests and their latency by surface, 5xx
answers, Celery queue length (read from Redis at scrape time), delivery lag,
pending and failed deliveries (measured by beat, `notifications.backlog_measure_all`),
and the durations of purges, exports and schema migrations.
"""

import datetime as dt
import os
import time
from collections.abc import Iterator
from typing import Any

import redis
from celery import current_app
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

SURFACES = ("console", "desk", "kiosk", "portal", "api", "privacy", "other")
_LONG_RUN_BUCKETS = (0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600)

REQUESTS = Counter(
    "checkin_http_requests", "Requests answered, by surface and status class (2xx, 3xx, 4xx, 5xx)",
    ["surface", "status_class"],
)  # fmt: skip
REQUEST_SECONDS = Histogram(
    "checkin_http_request_duration_seconds", "Time to answer a request, by surface", ["surface"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)  # fmt: skip
SERVER_ERRORS = Counter("checkin_http_server_errors", "Requests answered with a 5xx status, by surface", ["surface"])
DELIVERY_LAG = Histogram(
    "checkin_delivery_lag_seconds", "From a delivery's creation to its sending, by kind", ["kind"],
    buckets=(0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600),
)  # fmt: skip
# Set by one beat task for the whole platform: the most recent measurement is the value.
DELIVERIES_PENDING = Gauge(
    "checkin_deliveries_pending", "Deliveries not sent yet, all companies", multiprocess_mode="mostrecent"
)
DELIVERIES_FAILED = Gauge(
    "checkin_deliveries_failed", "Deliveries that failed for good, all companies (kept until purged)",
    multiprocess_mode="mostrecent",
)  # fmt: skip
DELIVERIES_OLDEST_PENDING = Gauge(
    "checkin_deliveries_oldest_pending_seconds", "Age of the oldest delivery not sent yet, all companies",
    multiprocess_mode="mostrecent",
)  # fmt: skip
BACKLOG_MEASURED = Gauge(
    "checkin_deliveries_measured_timestamp_seconds", "When the pending and failed deliveries were last counted",
    multiprocess_mode="mostrecent",
)  # fmt: skip
PURGE_SECONDS = Histogram("checkin_purge_duration_seconds", "One company's retention purge", buckets=_LONG_RUN_BUCKETS)
EXPORT_SECONDS = Histogram(
    "checkin_export_duration_seconds", "Writing one export (a company's or a person's)", buckets=_LONG_RUN_BUCKETS
)
MIGRATION_SECONDS = Histogram(
    "checkin_migration_duration_seconds", "A migrate_schemas step: the public schema, or all tenant schemas",
    ["step"], buckets=_LONG_RUN_BUCKETS,
)  # fmt: skip


def request_surface(request: HttpRequest) -> str:
    """Which part of the product a request used: decided by its host's tenant type and its first path segment."""
    kind = getattr(getattr(request, "tenant", None), "type", None)
    first = request.path.split("/", 2)[1] if request.path.count("/") >= 1 else ""
    if kind == "reception":
        return "kiosk" if first == "kiosk" else "desk"
    if kind in {"company", "public"}:
        if first in {"api", "privacy"}:
            return first
        return "portal" if kind == "company" else "console"
    return "other"  # no tenant: an unknown host, static files


def request_observe(request: HttpRequest, response: HttpResponse, *, seconds: float) -> None:
    surface = request_surface(request)
    status_class = f"{response.status_code // 100}xx"
    REQUESTS.labels(surface=surface, status_class=status_class).inc()
    REQUEST_SECONDS.labels(surface=surface).observe(seconds)
    if response.status_code >= 500:
        SERVER_ERRORS.labels(surface=surface).inc()


def delivery_sent_observe(*, kind: str, created_at: dt.datetime, sent_at: dt.datetime) -> None:
    DELIVERY_LAG.labels(kind=kind).observe(max((sent_at - created_at).total_seconds(), 0.0))


def backlog_record(*, pending: int, failed: int, oldest_pending: dt.datetime | None, now: dt.datetime) -> None:
    DELIVERIES_PENDING.set(pending)
    DELIVERIES_FAILED.set(failed)
    DELIVERIES_OLDEST_PENDING.set((now - oldest_pending).total_seconds() if oldest_pending else 0)
    BACKLOG_MEASURED.set(time.time())


# Kombu keeps a Redis queue's priorities in separate lists: "<queue>", "<queue>\x06\x163", ... (priority steps 3, 6, 9).
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")


class QueueLengthCollector(Collector):
    """`checkin_celery_queue_length{queue}` and `checkin_broker_up`, read from Redis when Prometheus scrapes."""

    def collect(self) -> Iterator[Any]:
        if not settings.REDIS_URL:
            return
        up = GaugeMetricFamily("checkin_broker_up", "Whether Redis answered the last scrape")
        lengths = GaugeMetricFamily("checkin_celery_queue_length", "Tasks waiting in a Celery queue", labels=["queue"])
        try:
            # Short timeouts: a frozen Redis must not hold a web worker.
            client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
            for queue in _queue_names():
                with client.pipeline(transaction=False) as pipe:
                    for suffix in _PRIORITY_SUFFIXES:
                        pipe.llen(queue + suffix)
                    lengths.add_metric([queue], sum(pipe.execute()))
        except redis.RedisError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield lengths


def _queue_names() -> list[str]:
    app = current_app  # the project's Celery app, set as current when it is created
    names = {app.conf.task_default_queue}
    names.update(queue.name for queue in app.conf.task_queues or [])
    return sorted(names)


_queue_lengths = QueueLengthCollector()
if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
    REGISTRY.register(_queue_lengths)


def metrics_registry() -> CollectorRegistry:
    """What /metrics and the worker's port expose: every process's values, and the queue lengths."""
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(_queue_lengths)
    return registry
