"""Exactly once: the claim, the idempotency key, failures audited (the sweep: reliability/test_outbox)."""

import datetime as dt
import os

import pytest
from django.core import mail
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shared_apps.audit.models import AuditEntry
from tenant_apps.notifications.models import Delivery
from tenant_apps.notifications.sending import Outcome, delivery_attempt, delivery_claim
from tenant_apps.visits.models import Visit
from tests.notifications.conftest import register, use_webhook

TIMEOUT = dt.timedelta(seconds=300)


def age(delivery: Delivery, **stamps: dt.timedelta) -> None:
    """Set stamps (created_at, enqueued_at, claimed_at) to that long ago."""
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(**{name: now - ago for name, ago in stamps.items()})


@pytest.fixture
def delivery(in_acme, settings) -> Delivery:
    """A pending invitation that was never handed to a broker (created directly, nothing sent yet)."""
    settings.CHECKIN_DELIVERY_TIMEOUT_SECONDS = int(TIMEOUT.total_seconds())
    visit = register(channel=Visit.Channel.DESK)  # a walk-in: no invitation queued by itself
    return Delivery.objects.create(visit=visit, kind=Delivery.Kind.INVITATION)


def test_each_delivery_has_its_own_key_and_the_email_carries_it(delivery):
    other = Delivery.objects.create(visit=delivery.visit, kind=Delivery.Kind.CANCELLATION)
    delivery.refresh_from_db()
    other.refresh_from_db()
    assert delivery.idempotency_key and other.idempotency_key and delivery.idempotency_key != other.idempotency_key
    mail.outbox.clear()

    assert delivery_attempt(delivery.pk) is Outcome.SENT
    [message] = mail.outbox
    assert str(delivery.idempotency_key) in message.message()["Message-ID"]


def test_a_sent_delivery_is_never_sent_again(delivery):
    mail.outbox.clear()
    assert delivery_attempt(delivery.pk) is Outcome.SENT
    assert delivery_attempt(delivery.pk) is Outcome.SENT
    Delivery.objects.filter(pk=delivery.pk).update(claimed_at=timezone.now() - 2 * TIMEOUT)
    assert delivery_attempt(delivery.pk) is Outcome.SENT
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)


def test_a_try_reads_its_delivery_with_the_visit_side_only(delivery):
    """The read after the claim joins the visit, its visitor, host and host's account, and nothing of a parcel:
    with the parcel's three joins as well, PostgreSQL spent about 1.9 ms planning it on every try (0.55 without)."""
    with CaptureQueriesContext(connection) as queries:
        assert delivery_attempt(delivery.pk) is Outcome.SENT
    [read] = [q["sql"] for q in queries if q["sql"].startswith('SELECT "notifications_delivery"."id"')]
    assert read.count(" JOIN ") == 4 and "parcels_parcel" not in read and "ORDER BY" not in read


def test_a_fresh_claim_keeps_others_off_and_a_stale_one_is_taken_over(delivery):
    refused, claimed = delivery_claim(delivery.pk)
    assert refused is None and claimed is not None and claimed.status == "sending"
    mail.outbox.clear()
    assert delivery_attempt(delivery.pk) is Outcome.BUSY  # another worker is sending it now
    assert mail.outbox == []

    age(delivery, claimed_at=TIMEOUT + dt.timedelta(seconds=1))  # that worker died mid-send
    assert delivery_attempt(delivery.pk) is Outcome.SENT
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(mail.outbox)) == ("sent", 2, 1)


def test_a_database_error_while_sending_is_raised_to_the_task_and_the_delivery_kept(delivery):
    def lose_the_database(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and "notifications_delivery" in sql:
            raise OperationalError("server closed the connection unexpectedly (injected)")
        return execute(sql, params, many, context)

    # The worker runs in autocommit; here a savepoint stands for that, so the test's transaction survives the error.
    with connection.execute_wrapper(lose_the_database), pytest.raises(OperationalError), transaction.atomic():
        delivery_attempt(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "pending"  # not dropped: the task retries it, and the sweep is behind


def test_a_message_that_left_while_its_record_could_not_be_stored_is_not_sent_again(delivery, settings, monkeypatch):
    """The database gone between the send and its record, longer than the worker waits for it, and the claim
    taken over meanwhile: the mark in Redis keeps the next try from sending a second message."""
    settings.REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    monkeypatch.setattr("tenant_apps.notifications.sending.RECORD_PATIENCE_SECONDS", 0.0)

    def record_lost(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and "notifications_delivery" in sql and "sent_at" in sql:
            raise OperationalError("server closed the connection unexpectedly (injected)")
        return execute(sql, params, many, context)

    mail.outbox.clear()
    with connection.execute_wrapper(record_lost), pytest.raises(OperationalError), transaction.atomic():
        delivery_attempt(delivery.pk)
    assert len(mail.outbox) == 1
    age(delivery, claimed_at=TIMEOUT + dt.timedelta(seconds=1))  # the sweep hands it over once the claim is stale

    assert delivery_attempt(delivery.pk) is Outcome.SENT
    delivery.refresh_from_db()
    assert (delivery.status, len(mail.outbox)) == ("sent", 1)


def test_a_failed_send_is_audited_without_the_address(delivery, receiver):
    use_webhook(receiver.url)
    receiver.answers = [503]
    webhook = Delivery.objects.create(visit=delivery.visit, kind=Delivery.Kind.HOST_WEBHOOK)

    assert delivery_attempt(webhook.pk) is Outcome.RETRY
    assert delivery_attempt(webhook.pk) is Outcome.SENT
    [entry] = AuditEntry.objects.filter(action="notifications.delivery_failed")
    assert entry.object_ids == {"delivery": [webhook.pk]}
    assert entry.details == {"kind": "host_webhook", "error": "HTTP 503", "attempt": 1, "final": False}
    # Both tries carried the same key: a receiver that got the first can drop the second.
    webhook.refresh_from_db()
    assert [call.headers["Idempotency-Key"] for call in receiver.calls] == [str(webhook.idempotency_key)] * 2


def test_the_sent_marks_share_one_redis_client_per_process(settings):
    from tenant_apps.notifications.sent_marks import _client

    settings.REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    assert _client() is _client()  # one connection pool, not a new connection for each delivery
