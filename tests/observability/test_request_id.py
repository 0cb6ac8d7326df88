"""The request id goes back to the caller, to Sentry, and with the tasks the request sends to a real worker."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sentry_sdk
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from checkin.sentry import init_sentry
from shared_apps.operations.broker import schema_headers
from shared_apps.operations.request_context import RequestContextMiddleware
from tenant_apps.notifications.tasks import deliver
from tests.deploy.processes import current_test_database_url, production_env
from tests.reliability.services import CeleryWorker, RedisServer, wait_for

pytestmark = pytest.mark.django_db

REQUEST_ID = "lb-7d1e4c0a-2b9f"


def _served(view) -> HttpResponse:
    """A request with REQUEST_ID through the middleware into `view`."""
    return RequestContextMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID=REQUEST_ID))


def test_sentry_events_are_tagged_with_the_request_id():
    sent: list[str] = []

    class Recorder(Transport):
        def capture_envelope(self, envelope: Envelope) -> None:
            sent.append(envelope.serialize().decode("utf-8", "replace"))

    def view(request: HttpRequest) -> HttpResponse:
        sentry_sdk.capture_message("something to look at")
        return HttpResponse()

    init_sentry("https://public@sentry.invalid/1", environment="test", transport=Recorder)
    try:
        with sentry_sdk.isolation_scope():
            _served(view)
        sentry_sdk.flush()
    finally:
        sentry_sdk.init()  # no DSN: Sentry off again for the rest of the suite
    [event] = [json.loads(line) for envelope in sent for line in envelope.splitlines() if '"tags"' in line]
    assert event["tags"]["request_id"] == REQUEST_ID


@pytest.fixture
def worker(broker: RedisServer, tmp_path: Path) -> Iterator[CeleryWorker]:
    env = production_env(database_url=current_test_database_url(), REDIS_URL=broker.url, LOG_LEVEL="INFO")
    process = CeleryWorker(env=env, log=tmp_path / "worker.log")
    process.start()
    try:
        yield process
    finally:
        process.stop()


def _delivered(worker: CeleryWorker) -> list[dict]:
    """The worker's log lines saying the delivery task is done."""
    lines = [json.loads(line) for line in worker.output().splitlines() if line.startswith("{")]
    return [line for line in lines if line["logger"] == "celery.app.trace" and f"{deliver.name}[" in line["message"]]


def test_a_task_sent_by_a_request_logs_that_requests_id_and_its_own_tenant(worker: CeleryWorker):
    def view(request: HttpRequest) -> HttpResponse:
        deliver.apply_async((0,), headers=schema_headers("acme"))  # no such delivery: the task says "gone"
        return HttpResponse()

    assert _served(view)["X-Request-ID"] == REQUEST_ID
    wait_for(lambda: bool(_delivered(worker)), "the task", timeout=30)
    [done] = _delivered(worker)
    assert (done["request_id"], done["tenant"]) == (REQUEST_ID, "acme"), worker.output()
