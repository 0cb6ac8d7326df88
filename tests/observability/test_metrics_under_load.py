"""The metrics endpoint under a short load: the web process (gunicorn, 2 workers) and a Celery worker of the
test's own, on a redis-server of its own, each scraped before and after; the named series move, and the web's
counts are the sum over its workers (prometheus-client's multiprocess mode), not one worker's."""

import datetime as dt
import http.client
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from prometheus_client.parser import text_string_to_metric_families

from shared_apps.operations.broker import schema_headers
from tenant_apps.notifications.models import Delivery
from tenant_apps.notifications.tasks import backlog_measure_all, deliver
from tenant_apps.privacy.models import Export
from tenant_apps.privacy.tasks import export_generate_task
from tenant_apps.visits.models import Visit, Visitor
from tests.committed import outside_the_test_transaction
from tests.deploy.processes import current_test_database_url, gunicorn, production_env
from tests.observability.conftest import ephemeral_port
from tests.reliability.services import CeleryWorker, RedisServer, wait_for

pytestmark = pytest.mark.django_db

TOKEN = "load-scrape-token-" + "t" * 30
ROUNDS = 12  # requests per surface
SURFACES = {
    "console": ("localhost", "/accounts/login/"),
    "api": ("acme.localhost", "/api/v1/visits/"),
    "desk": ("tower.localhost", "/accounts/login/"),
    "kiosk": ("tower.localhost", "/kiosk/"),
    "portal": ("acme.localhost", "/accounts/login/"),
    "privacy": ("acme.localhost", "/privacy/"),
}
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def _get(port: int, host: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": host, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def _scrape(port: int) -> Samples:
    status, text = _get(port, "127.0.0.1", "/metrics", {"Authorization": f"Bearer {TOKEN}"})
    assert status == 200, text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _total(samples: Samples, name: str, **labels: str) -> float:
    """The sum of a series' samples that carry `labels` (over its other labels)."""
    wanted = set(labels.items())
    return sum(
        value for (sample, sample_labels), value in samples.items() if sample == name and wanted <= sample_labels
    )


@dataclass
class Services:
    web_port: int
    worker: CeleryWorker
    worker_port: int


@pytest.fixture
def services(broker: RedisServer, tmp_path: Path) -> Iterator[Services]:
    common = {"REDIS_URL": broker.url, "CHECKIN_METRICS_TOKEN": TOKEN, "CHECKIN_SPARE_SCHEMAS": "0"}
    (tmp_path / "web").mkdir()
    (tmp_path / "worker").mkdir()  # as the image's worker command makes it
    web_port = ephemeral_port()
    web_env = production_env(
        database_url=current_test_database_url(), port=web_port, SECURE_SSL_REDIRECT="0",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "web"), GUNICORN_WORKERS="2",
    ) | common  # fmt: skip
    with gunicorn(web_env, web_port, timeout=120):  # a loaded machine starts it slowly
        worker_port = ephemeral_port()
        worker_env = production_env(
            database_url=current_test_database_url(), PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "worker"),
            CHECKIN_WORKER_METRICS_PORT=str(worker_port), CHECKIN_WORKER_METRICS_ADDRESS="127.0.0.1",
            LOG_LEVEL="INFO",
        ) | common  # fmt: skip
        worker = CeleryWorker(env=worker_env, log=tmp_path / "worker.log")
        try:
            yield Services(web_port=web_port, worker=worker, worker_port=worker_port)
        finally:
            worker.stop()


@pytest.fixture
def committed_deliveries(acme) -> Iterator[list[int]]:
    """Five invitations and an export request in acme, committed, as if a portal write had just made them."""

    def make() -> tuple[Visitor, list[int], int]:
        with tenant_context(acme):
            visitor = Visitor.objects.create(first_name="Load", last_name="Test", email="load@example.org")
            now = timezone.now()
            visit = Visit.objects.create(
                visitor=visitor, expected_start=now, expected_end=now + dt.timedelta(hours=1),
                channel=Visit.Channel.INVITATION,
            )  # fmt: skip
            deliveries = [Delivery.objects.create(visit=visit, kind=Delivery.Kind.INVITATION) for _ in range(5)]
            return visitor, [delivery.pk for delivery in deliveries], Export.objects.create().pk

    visitor, ids, export_id = outside_the_test_transaction(make)
    try:
        yield [*ids, export_id]
    finally:

        def remove() -> None:
            with tenant_context(acme):
                Export.objects.filter(pk=export_id).delete()
                Visitor.objects.filter(pk=visitor.pk).delete()  # its visit and deliveries go with it

        outside_the_test_transaction(remove)


def test_the_named_series_move_under_a_short_load(services: Services, committed_deliveries: list[int]):
    *delivery_ids, export_id = committed_deliveries
    web_before = _scrape(services.web_port)

    # Work for the worker, queued before it starts: the web's scrape sees the queue. The backlog is measured
    # first (the queue is first in, first out), while the invitations still wait.
    backlog_measure_all.apply_async()
    for delivery_id in delivery_ids:
        deliver.apply_async((delivery_id,), headers=schema_headers("acme"))
    queued = _scrape(services.web_port)
    assert _total(queued, "checkin_celery_queue_length", queue="celery") == len(delivery_ids) + 1
    assert _total(queued, "checkin_broker_up") == 1

    # The load: every surface, from four clients at once, over both gunicorn workers.
    work = [surface for surface in SURFACES for _ in range(ROUNDS)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(lambda surface: (surface, _get(services.web_port, *SURFACES[surface])[0]), work))
    assert all(status < 500 for _, status in statuses), Counter(statuses)

    services.worker.start(timeout=120)  # a loaded machine starts it slowly
    export_generate_task.apply_async((export_id,), headers=schema_headers("acme"))
    wait_for(lambda: _total(_scrape(services.web_port), "checkin_celery_queue_length") == 0, "the queue", timeout=60)
    worker_after: Samples = {}

    def worker_done() -> bool:
        worker_after.update(_scrape(services.worker_port))
        return (
            _total(worker_after, "checkin_delivery_lag_seconds_count") >= len(delivery_ids)
            and _total(worker_after, "checkin_export_duration_seconds_count") >= 1
        )

    wait_for(worker_done, "the deliveries and the export", timeout=90)
    web_after = _scrape(services.web_port)

    for surface in SURFACES:
        counted = _total(web_after, "checkin_http_requests_total", surface=surface) - _total(
            web_before, "checkin_http_requests_total", surface=surface
        )
        assert counted == ROUNDS, surface  # both workers' requests, each once
        latency = _total(web_after, "checkin_http_request_duration_seconds_count", surface=surface) - _total(
            web_before, "checkin_http_request_duration_seconds_count", surface=surface
        )
        assert latency == ROUNDS, surface

    assert _total(worker_after, "checkin_delivery_lag_seconds_count", kind="invitation") == len(delivery_ids)
    assert _total(worker_after, "checkin_export_duration_seconds_count") == 1
    # Measured before the worker sent them: the five invitations were still waiting.
    assert _total(worker_after, "checkin_deliveries_pending") >= len(delivery_ids)
    assert _total(worker_after, "checkin_deliveries_measured_timestamp_seconds") > 0
    status, _ = _get(services.worker_port, "127.0.0.1", "/metrics")
    assert status == 401  # the worker's port asks for the token too
