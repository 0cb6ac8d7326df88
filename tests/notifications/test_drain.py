"""With a broker: a commit notes its company and wakes one drain, and the drain sends what is pending, company by
company, once (tenant_apps/notifications/drain.py). The end-to-end run with a real worker: test_worker.py and the
load and fault tests under tests/reliability."""

import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterator

import pytest
import redis
from celery.exceptions import Retry
from django.core import mail
from django.db import OperationalError
from django.utils import timezone
from django_tenants.utils import tenant_context

from checkin.celery import app
from shared_apps.operations.broker import publishing_resume
from shared_apps.tenancy.models import Tenant
from tenant_apps.notifications.drain import QUEUED_KEY, SCHEMAS_KEY, deliveries_drain
from tenant_apps.notifications.models import Delivery
from tenant_apps.notifications.tasks import DRAIN_RETRIES, drain, outbox_sweep_all
from tenant_apps.visits.models import Visit
from tests.notifications.conftest import register, use_webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(settings) -> Iterator[redis.Redis]:
    """Tasks go to this test worker's Redis database instead of running in-process; emptied at both ends."""
    settings.REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    before = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = settings.REDIS_URL, False
    app._pool = app.amqp._producer_pool = None  # producers keep the broker they first used
    publishing_resume()
    try:
        yield client
    finally:
        app.conf.broker_url, app.conf.task_always_eager = before
        app._pool = app.amqp._producer_pool = None
        publishing_resume()
        client.flushdb()


@pytest.fixture(autouse=True)
def _nothing_pending_before(acme, globex) -> None:
    """The shared fixture's companies may hold pending deliveries of their own: the tests count only theirs."""
    for tenant in (acme, globex):
        with tenant_context(tenant):
            Delivery.objects.filter(status=Delivery.Status.PENDING).update(status=Delivery.Status.FAILED)


def _invite(tenant: Tenant, capture, email: str) -> Delivery:
    """A committed invitation in `tenant`: its delivery, handed over by the commit."""
    with tenant_context(tenant):
        with capture(execute=True):
            visit = register(email=email)  # an invitation: its e-mail is queued
        return Delivery.objects.get(visit=visit, kind=Delivery.Kind.INVITATION)


def _messages(queue: redis.Redis) -> int:
    return int(queue.llen("celery"))


def test_commits_note_their_company_and_queue_one_drain_for_all(
    acme, globex, queue, django_capture_on_commit_callbacks
):
    first = _invite(acme, django_capture_on_commit_callbacks, "one@example.org")
    _invite(acme, django_capture_on_commit_callbacks, "two@example.org")
    _invite(globex, django_capture_on_commit_callbacks, "three@example.org")

    assert queue.smembers(SCHEMAS_KEY) == {b"acme", b"globex"}
    assert queue.exists(QUEUED_KEY) and _messages(queue) == 1  # one drain, not a task per delivery
    with tenant_context(acme):
        first.refresh_from_db()
        assert first.status == Delivery.Status.PENDING and first.enqueued_at is not None


def test_a_drain_sends_what_is_pending_in_each_noted_company_once(
    acme, globex, queue, django_capture_on_commit_callbacks
):
    deliveries = [
        (acme, _invite(acme, django_capture_on_commit_callbacks, "one@example.org")),
        (acme, _invite(acme, django_capture_on_commit_callbacks, "two@example.org")),
        (globex, _invite(globex, django_capture_on_commit_callbacks, "three@example.org")),
    ]
    mail.outbox.clear()

    assert deliveries_drain() == 3
    assert sorted(message.to[0] for message in mail.outbox) == [
        "one@example.org",
        "three@example.org",
        "two@example.org",
    ]
    for tenant, delivery in deliveries:
        with tenant_context(tenant):
            delivery.refresh_from_db()
            assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 1)
    # The next commit queues another drain; the set is empty, so another drain sends nothing again.
    assert not queue.exists(QUEUED_KEY) and queue.scard(SCHEMAS_KEY) == 0
    assert deliveries_drain() == 0 and len(mail.outbox) == 3


def test_a_drain_leaves_a_failed_send_to_the_deliver_task_with_its_back_off(
    acme, queue, receiver, django_capture_on_commit_callbacks
):
    receiver.answers = [503]
    with tenant_context(acme), django_capture_on_commit_callbacks(execute=True):
        use_webhook(receiver.url)
        visit = register(channel=Visit.Channel.DESK)
        webhook = Delivery.objects.create(visit=visit, kind=Delivery.Kind.HOST_WEBHOOK)
    queue.sadd(SCHEMAS_KEY, "acme")
    queue.delete("celery")

    assert deliveries_drain() == 1
    with tenant_context(acme):
        webhook.refresh_from_db()
    assert (webhook.status, webhook.attempts, webhook.last_error) == (Delivery.Status.PENDING, 1, "HTTP 503")
    assert webhook.enqueued_at is not None and webhook.enqueued_at > timezone.now() + dt.timedelta(seconds=20)
    assert _messages(queue) == 1  # the `deliver` task, due after its first back-off
    assert deliveries_drain() == 0  # not due yet: a drain meanwhile leaves it alone


def test_a_commit_whose_note_fails_leaves_its_delivery_to_the_sweep(
    acme, queue, settings, django_capture_on_commit_callbacks
):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    app.conf.broker_url = settings.REDIS_URL
    delivery = _invite(acme, django_capture_on_commit_callbacks, "one@example.org")
    with tenant_context(acme):
        delivery.refresh_from_db()
    # Not stamped as handed over: the outbox sweep hands it to the broker once it is 30 s old.
    assert (delivery.status, delivery.enqueued_at) == (Delivery.Status.PENDING, None)


def test_a_drain_drops_a_schema_no_company_has(queue):
    queue.sadd(SCHEMAS_KEY, "removed_company")  # its company was removed after the commit noted it

    assert deliveries_drain() == 0
    assert queue.scard(SCHEMAS_KEY) == 0  # not put back to be taken again and again


def test_an_error_mid_round_puts_the_companies_back_for_the_next_drain(acme, queue, monkeypatch):
    queue.sadd(SCHEMAS_KEY, "acme")

    def database_gone() -> list[int]:
        raise OperationalError("server closed the connection unexpectedly (injected)")

    monkeypatch.setattr("tenant_apps.notifications.drain._due", database_gone)
    with pytest.raises(OperationalError):
        deliveries_drain()
    assert queue.smembers(SCHEMAS_KEY) == {b"acme"}  # the task's retry (or the sweep's drain) takes it again


def test_the_sweep_starts_a_drain_when_companies_wait_on_the_set(queue):
    assert outbox_sweep_all() == 0 and _messages(queue) == 0  # nothing noted: no drain
    queue.sadd(SCHEMAS_KEY, "acme")  # noted, but the drain's message was lost with Redis

    outbox_sweep_all()
    [message] = queue.lrange("celery", 0, -1)
    assert json.loads(message)["headers"]["task"] == "notifications.drain"


def test_a_drain_out_of_time_hands_the_rest_to_another_drain(acme, queue, monkeypatch):
    queue.sadd(SCHEMAS_KEY, "acme")
    monkeypatch.setattr("tenant_apps.notifications.drain.DRAIN_SECONDS", 0.0)

    assert deliveries_drain() == 0
    [message] = queue.lrange("celery", 0, -1)
    assert json.loads(message)["headers"]["task"] == "notifications.drain"
    assert queue.smembers(SCHEMAS_KEY) == {b"acme"}  # left for that drain


@contextlib.contextmanager
def _as_the_worker_runs_it(retries: int) -> Iterator[None]:
    """The drain task's request as a worker gives it (called directly, a task never retries)."""
    drain.push_request(id="drain-test", called_directly=False, retries=retries)  # type: ignore[call-arg]
    try:
        yield
    finally:
        drain.pop_request()


def test_a_drain_that_fails_tries_again_10_s_later_a_few_times_then_leaves_it_to_the_sweep(queue, monkeypatch):
    def redis_gone() -> int:
        raise redis.ConnectionError("Connection refused (injected)")

    monkeypatch.setattr("tenant_apps.notifications.tasks.deliveries_drain", redis_gone)
    with _as_the_worker_runs_it(retries=0), pytest.raises(Retry):
        drain.run()
    [message] = queue.lrange("celery", 0, -1)
    headers = json.loads(message)["headers"]
    assert headers["task"] == "notifications.drain" and headers["retries"] == 1
    assert dt.datetime.fromisoformat(headers["eta"]) > timezone.now() + dt.timedelta(seconds=8)

    # The last try: the error stands and nothing more is queued (the sweep starts the next drain).
    with _as_the_worker_runs_it(retries=DRAIN_RETRIES), pytest.raises(redis.ConnectionError):
        drain.run()
    assert queue.llen("celery") == 1
