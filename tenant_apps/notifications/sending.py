"""Sending one delivery exactly once, whatever fails around it (database, broker, worker, receiver).

A try first claims the delivery: `pending -> sending` under a row lock, stamped with `claimed_at`.
Only the claimant sends, so a task delivered twice (redelivered by the broker, handed over again by the
outbox sweep, a retry racing the sweep) sends nothing the second time, and a `sent` row is never sent
again. The moment a message has left, a mark goes to Redis (tenant_apps/notifications/sent_marks.py): a try
that finds it records `sent` without sending, so a database away longer than the record waits does not
make a second message. The delivery's idempotency key goes out with the message (the e-mail's Message-ID,
the webhook's `Idempotency-Key` header), so a receiver can drop the copy that a worker killed between
sending and marking can still cause.

Outcomes of a try:
- sent: recorded `sent` (the record is retried for a while if the database is away meanwhile, so a
  message that left is not sent again once it is back);
- failed send (the receiver refused, SMTP error...): back to `pending` with the error, audited; the
  task retries with back-off, and the last try marks it `failed`;
- anything else (the database gone, a bug): the task retries with back-off; a claim left behind by a
  worker that died is taken over once older than CHECKIN_DELIVERY_TIMEOUT_SECONDS.
"""

import datetime as dt
import logging
import time
from collections.abc import Callable
from contextlib import suppress
from enum import StrEnum

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from shared_apps.audit.services import audit_record
from shared_apps.operations.metrics import delivery_sent_observe
from tenant_apps.notifications.chat import arrival_text, chat_post
from tenant_apps.notifications.emails import (
    approval_links,
    approval_request_email,
    cancellation_email,
    details_request_email,
    host_arrival_email,
    invitation_email,
    parcel_email,
    reception_arrival_email,
    reschedule_email,
)
from tenant_apps.notifications.models import Delivery
from tenant_apps.notifications.sent_marks import sent_mark, sent_marked
from tenant_apps.notifications.services import (
    ANNOUNCING,
    APPROVAL_EVENT,
    ARRIVAL_EVENT,
    DeliveryError,
    approval_address,
    approval_payload,
    arrival_payload,
    arrival_unannounced_mark,
    error_summary,
    webhook_attempt_log,
)
from tenant_apps.notifications.sms import sms_sender
from tenant_apps.notifications.webhooks import WebhookResult, webhook_post
from tenant_apps.parcels.models import Parcel
from tenant_apps.visits.models import Host
from tenant_apps.visits.selectors import company_settings
from tenant_apps.visits.services import CodeReason, visit_code_reissue

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6  # sends tried in all before a delivery is marked failed
RECORD_PATIENCE_SECONDS = 90.0  # how long a sent message's record waits for the database to come back


class MessageVoid(Exception):
    """What the message was about no longer calls for it (a confirmation used or expired meanwhile): not sent."""


# Builders of the messages that are not about a visit, registered by the app that owns their wording and links
# (privacy, in its AppConfig.ready(): notifications never imports it). A builder writes the message of one
# delivery, or raises MessageVoid.
MessageBuilder = Callable[[Delivery], EmailMessage]
_builders: dict[str, MessageBuilder] = {}


def message_builder_register(kind: str, builder: MessageBuilder) -> None:
    _builders[kind] = builder


class Outcome(StrEnum):
    SENT = "sent"  # sent now, or already sent before
    GONE = "gone"  # the visit was purged or erased meanwhile
    BUSY = "busy"  # another worker holds a fresh claim on it
    RETRY = "retry"  # the send failed; try again later
    FAILED = "failed"  # the send failed on the last try


def claim_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=settings.CHECKIN_DELIVERY_TIMEOUT_SECONDS)


def delivery_claim(delivery_id: int) -> tuple[Outcome | None, Delivery | None]:
    """Take the delivery for one try (`sending`, attempts + 1), or say why not: (outcome, None).

    The claim is one conditional UPDATE (it takes the row lock and commits on its own), so two tries cannot both
    win it; what the message needs is read after it."""
    now = timezone.now()
    stale = Q(claimed_at__isnull=True) | Q(claimed_at__lte=now - claim_timeout())  # its claimant died
    claimable = Q(status=Delivery.Status.PENDING) | (Q(status=Delivery.Status.SENDING) & stale)
    claimed = Delivery.objects.filter(claimable, pk=delivery_id).update(
        status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
    )
    if not claimed:
        status = Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
        return _REFUSED.get(status or "", Outcome.GONE), None
    # The visit's side only: with the parcel's three more joins PostgreSQL spent 1.9 ms planning the read (0.55 ms
    # without), on every try; a parcel e-mail reads its parcel when it is written. get(): no ORDER BY to compile.
    try:
        delivery = Delivery.objects.select_related("visit__visitor", "visit__host__user").get(pk=delivery_id)
    except Delivery.DoesNotExist:  # erased between the claim and the read
        return Outcome.GONE, None
    restricted = delivery.visit is not None and delivery.visit.visitor.restricted_at is not None
    if restricted and delivery.kind not in _builders:  # restricted after it was queued: it never leaves
        delivery.status, delivery.last_error = Delivery.Status.FAILED, "Not sent: the person is restricted"
        delivery.save(update_fields=["status", "last_error", "updated_at"])
        return Outcome.FAILED, None
    return None, delivery


# Why a delivery could not be claimed, by the status it has: sent or failed before, or held by a fresh claim.
_REFUSED: dict[str, Outcome] = {
    Delivery.Status.SENT: Outcome.SENT,
    Delivery.Status.FAILED: Outcome.FAILED,
    Delivery.Status.SENDING: Outcome.BUSY,
}


def _transmit(delivery: Delivery) -> None:
    """Send the message once; raise on any failure."""
    if delivery.kind in _builders:  # a person's privacy e-mail, not about a visit
        message = _builders[delivery.kind](delivery)
        message.extra_headers["Message-ID"] = f"<{delivery.idempotency_key}@{settings.CHECKIN_ROOT_DOMAIN}>"
        message.send()
        return
    if delivery.kind == Delivery.Kind.PARCEL_EMAIL:
        assert delivery.parcel_id is not None
        message = parcel_email(parcel=Parcel.objects.select_related("host__user").get(pk=delivery.parcel_id))
        message.extra_headers["Message-ID"] = f"<{delivery.idempotency_key}@{settings.CHECKIN_ROOT_DOMAIN}>"
        message.send()
        return
    visit = delivery.visit
    assert visit is not None
    if delivery.kind in (Delivery.Kind.HOST_WEBHOOK, Delivery.Kind.APPROVAL_WEBHOOK):
        company = company_settings()
        if not company.webhook_url:
            raise DeliveryError("No webhook URL is set")
        if delivery.kind == Delivery.Kind.APPROVAL_WEBHOOK:
            # The company's own system relays the links to whoever it tells: made as for the one asked by e-mail.
            approve, decline = approval_links(visit, asked=approval_address(visit)[0] or "reception")
            event, payload = APPROVAL_EVENT, approval_payload(visit, approve_url=approve, decline_url=decline)
        else:
            event, payload = ARRIVAL_EVENT, arrival_payload(visit)
        result = webhook_post(
            url=company.webhook_url,
            secret=company.webhook_secret,
            event=event,
            payload=payload,
            delivery_id=delivery.pk,
            idempotency_key=str(delivery.idempotency_key),
        )
        _posted(delivery, result, event=event)
        return
    if delivery.kind in _CHAT:
        channel = _CHAT[Delivery.Kind(delivery.kind)]
        result = chat_post(
            visit=visit, company=company_settings(), notify_by=channel, idempotency_key=str(delivery.idempotency_key)
        )
        _posted(delivery, result, event=f"{channel}.arrival")
        return
    if delivery.kind == Delivery.Kind.HOST_SMS:
        phone = visit.host.phone if visit.host is not None else ""
        if not phone:
            raise DeliveryError("The host has no phone number")
        text = arrival_text(visit, with_host=False)
        result = sms_sender().send(to=phone, text=text, idempotency_key=str(delivery.idempotency_key))
        _posted(delivery, result, event="sms.arrival")
        return
    build = {
        Delivery.Kind.INVITATION: invitation_email,
        Delivery.Kind.CANCELLATION: cancellation_email,
        Delivery.Kind.RESCHEDULE: reschedule_email,
        Delivery.Kind.HOST_EMAIL: host_arrival_email,
        Delivery.Kind.RECEPTION_EMAIL: reception_arrival_email,
        Delivery.Kind.APPROVAL_EMAIL: approval_request_email,
        Delivery.Kind.DETAILS_REQUEST: details_request_email,
    }[Delivery.Kind(delivery.kind)]
    reason = _CODE_CARRIED.get(Delivery.Kind(delivery.kind))
    if reason is None:  # no transaction around the send: a commit failing after it would make it look unsent
        message = build(visit=visit)
        message.extra_headers["Message-ID"] = f"<{delivery.idempotency_key}@{settings.CHECKIN_ROOT_DOMAIN}>"
        message.send()
        return
    with transaction.atomic():
        # The stored digest gives no code back: the message carries a fresh one, and the code of an earlier
        # message stops working once it has gone (a failed send rolls the new code back; a commit failing after
        # the send does too, and the retry sends a message whose code works).
        visit_code_reissue(visit=visit, actor="system:notifications", reason=reason)
        message = build(visit=visit)
        message.extra_headers["Message-ID"] = f"<{delivery.idempotency_key}@{settings.CHECKIN_ROOT_DOMAIN}>"
        message.send()


def _posted(delivery: Delivery, result: WebhookResult, *, event: str) -> None:
    """Log a POST's outcome on the delivery log, and raise when it failed."""
    try:
        webhook_attempt_log(result, event=event, delivery=delivery)
    except DatabaseError:  # not a failed send: a POST that went through must not be made again
        logger.warning("delivery %s: the attempt could not be logged", delivery.pk)
        if not result.succeeded:
            raise
    if not result.succeeded:
        raise DeliveryError(result.error)


# A host's arrival message in the company's chat channel, by the channel the host chose (notifications/chat.py).
_CHAT = {Delivery.Kind.HOST_TEAMS: Host.Notify.TEAMS, Delivery.Kind.HOST_SLACK: Host.Notify.SLACK}

# The e-mails that give the visitor their code (QR, text and calendar file).
_CODE_CARRIED = {Delivery.Kind.INVITATION: CodeReason.INVITATION, Delivery.Kind.RESCHEDULE: CodeReason.RESCHEDULE}


def _record_sent(delivery: Delivery) -> None:
    """Mark it sent, waiting out a database restart: the message has left and must not leave again."""
    deadline = time.monotonic() + RECORD_PATIENCE_SECONDS
    pause = 0.5
    while True:
        try:
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.SENT, sent_at=timezone.now(), last_error="", updated_at=timezone.now()
            )
            return
        except DatabaseError:
            if connection.in_atomic_block or time.monotonic() > deadline:
                raise
            logger.warning("delivery %s was sent but cannot be recorded yet: retrying", delivery.pk)
            connection.close_if_unusable_or_obsolete()
            time.sleep(pause)
            pause = min(pause * 2, 10.0)


def delivery_failure_audit(delivery_id: int, *, kind: str, error: str, attempt: int, final: bool) -> None:
    """Put a failed try on the audit log (no address, no name); with the database away, the worker log has it."""
    details = {"kind": kind, "error": error, "attempt": attempt, "final": final}
    with suppress(DatabaseError):
        audit_record(
            actor="system:notifications",
            action="notifications.delivery_failed",
            object_ids={"delivery": [delivery_id]},
            details=details,
        )


def delivery_attempt(delivery_id: int) -> Outcome:
    """One try at a delivery (see the module docstring); errors other than a failed send are raised."""
    refused, delivery = delivery_claim(delivery_id)
    if refused is not None or delivery is None:
        return refused or Outcome.GONE
    key = str(delivery.idempotency_key)
    if sent_marked(key):  # it left on an earlier try whose record did not reach the database
        _record_sent(delivery)
        return Outcome.SENT
    try:
        _transmit(delivery)
    except MessageVoid as void:
        delivery.status, delivery.last_error, delivery.claimed_at = Delivery.Status.FAILED, str(void)[:200], None
        delivery.save(update_fields=["last_error", "status", "claimed_at", "updated_at"])
        return Outcome.GONE
    except Exception as exc:
        final = delivery.attempts >= MAX_ATTEMPTS
        delivery.last_error = error_summary(exc)
        delivery.status = Delivery.Status.FAILED if final else Delivery.Status.PENDING
        delivery.claimed_at = None
        delivery.save(update_fields=["last_error", "status", "claimed_at", "updated_at"])
        delivery_failure_audit(
            delivery.pk, kind=delivery.kind, error=delivery.last_error, attempt=delivery.attempts, final=final
        )
        _walk_in_mark(delivery)
        return Outcome.FAILED if final else Outcome.RETRY
    sent_mark(key)
    _record_sent(delivery)
    _walk_in_mark(delivery)
    delivery_sent_observe(kind=delivery.kind, created_at=delivery.created_at, sent_at=timezone.now())
    return Outcome.SENT


def _walk_in_mark(delivery: Delivery) -> None:
    """A failed (or, after a failure, sent) arrival message changes whether the desk must tell the company."""
    if delivery.visit is not None and delivery.kind in ANNOUNCING:
        with suppress(DatabaseError), transaction.atomic():  # the mark must not turn a sent message into a retry
            arrival_unannounced_mark(visit=delivery.visit)


def retry_countdown(retries: int) -> int:
    """Seconds before the next try: 30 s doubling per retry, at most 10 minutes (below the broker's
    visibility timeout, so a retry waiting in a worker is not handed to another one meanwhile)."""
    return int(min(30 * 2**retries, 600))


def delivery_retry_due(delivery_id: int, countdown: int) -> None:
    """Note when the retry is due, so the outbox sweep waits for it instead of handing the delivery over again."""
    due = timezone.now() + dt.timedelta(seconds=countdown)
    Delivery.objects.filter(pk=delivery_id, status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]).update(
        enqueued_at=due
    )
