"""The Celery task that sends a delivery, and the outbox sweep that hands the broker what it lost.

Sent from inside the company's schema, so tenant-schemas-celery runs it there.
"""

import datetime as dt
import logging
from contextlib import suppress

from celery import Task, shared_task
from django.db import DatabaseError
from django.utils import timezone

from shared_apps.database.every_schema import in_every_schema
from shared_apps.operations.broker import eager, publish
from shared_apps.operations.metrics import backlog_record
from shared_apps.tenancy.selectors import companies_maintained
from tenant_apps.notifications.drain import deliveries_drain, drain_wanted
from tenant_apps.notifications.selectors import deliveries_backlog
from tenant_apps.notifications.sending import (
    Outcome,
    delivery_attempt,
    delivery_failure_audit,
    delivery_retry_due,
    retry_countdown,
)
from tenant_apps.notifications.services import error_summary, outbox_sweep

logger = logging.getLogger(__name__)

# A try sends one message (a 10 s webhook timeout, an SMTP exchange) and may wait up to 90 s to record it;
# well below CHECKIN_DELIVERY_TIMEOUT_SECONDS, after which another worker may take a claim over.
DELIVER_TIME_LIMIT = 180
DRAIN_RETRIES = 6


def _again(task: Task, delivery_id: int, exc: Exception) -> str:
    """Retry later with back-off, noting when (so the sweep waits for it); eagerly, at once."""
    if task.request.is_eager:
        # Without a broker (and with eager errors propagated) Celery would raise its Retry to the
        # caller; try again in-process instead, without the back-off wait.
        return str(task.apply((delivery_id,), retries=task.request.retries + 1).get())
    raise task.retry(exc=exc, countdown=_retry_noted(delivery_id, task.request.retries))


def _retry_noted(delivery_id: int, retries: int) -> int:
    """The back-off before the next try, noted on the delivery so the sweep waits for it."""
    countdown = retry_countdown(retries)
    with suppress(DatabaseError):  # the database may be what failed: the sweep then finds it by its old stamp
        delivery_retry_due(delivery_id, countdown)
    return countdown


@shared_task(bind=True, max_retries=None, acks_late=True, reject_on_worker_lost=True, time_limit=DELIVER_TIME_LIMIT)
def deliver(self: Task, delivery_id: int) -> str:
    """Send one delivery exactly once. Every error leads to a retry with back-off (a failed send up to its
    last try, which marks it failed); a retry that cannot be queued leaves it to the outbox sweep."""
    try:
        outcome = delivery_attempt(delivery_id)
    except Exception as exc:  # the database went away mid-try, or worse: never drop the delivery
        if self.request.is_eager:
            raise
        error = error_summary(exc)
        logger.warning("delivery %s: %s, retrying", delivery_id, error)
        delivery_failure_audit(delivery_id, kind="", error=error, attempt=self.request.retries + 1, final=False)
        return _again(self, delivery_id, exc)
    if outcome is Outcome.RETRY or (outcome is Outcome.BUSY and not self.request.is_eager):
        # Busy: another try holds a fresh claim (or one that died holds it until it is stale): look again later,
        # when it is sent (nothing to do) or its claim may be taken over.
        return _again(self, delivery_id, RuntimeError(f"delivery {outcome.value}"))
    return outcome.value


def deliver_later(delivery_id: int, *, error: str = "") -> None:
    """Hand a delivery whose first try (a drain's) failed to `deliver`, after its first back-off; `error`: what
    went wrong outside the send (a failed send is audited by the try itself)."""
    if error:
        delivery_failure_audit(delivery_id, kind="", error=error, attempt=1, final=False)
    countdown = _retry_noted(delivery_id, 0)
    try:
        deliver.apply_async((delivery_id,), countdown=countdown)
    except Exception as exc:  # the broker is away too: the sweep hands it over once its stamp is old
        logger.warning("delivery %s: the retry could not be queued: %s", delivery_id, error_summary(exc))


@shared_task(
    bind=True,
    name="notifications.drain",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=DELIVER_TIME_LIMIT * 2,
    max_retries=DRAIN_RETRIES,
)
def drain(self: Task) -> int:
    """Send what the commits of the web tier noted (tenant_apps/notifications/drain.py), company by company; when
    the database or Redis fails, again 10 s later for a minute (the sweep takes over after that)."""
    try:
        return deliveries_drain()
    except Exception as exc:
        logger.warning("drain: %s, again in 10 s", error_summary(exc))
        raise self.retry(exc=exc, countdown=10) from exc


@shared_task(name="notifications.outbox_sweep_all")
def outbox_sweep_all() -> int:
    """Every minute (beat): hand the broker again what it never took or lost, company by company, and start a
    drain when schemas wait on its set (a drain message lost with Redis)."""
    handed = sum(handed for _, handed in in_every_schema(companies_maintained(), lambda _: outbox_sweep()))
    with suppress(Exception):  # Redis away (an error of redis or of the broker): the next minute's sweep looks again
        if not eager() and drain_wanted():
            publish(drain)  # as the drain hands over to the next: within about a second, or not at all
    return handed


@shared_task(name="notifications.backlog_measure_all")
def backlog_measure_all() -> int:
    """Every minute (beat): count the unsent and failed deliveries of every company, for the metrics."""
    pending = failed = 0
    oldest: dt.datetime | None = None
    for _, backlog in in_every_schema(companies_maintained(), lambda _: deliveries_backlog()):
        pending, failed = pending + backlog.pending, failed + backlog.failed
        if backlog.oldest_pending and (oldest is None or backlog.oldest_pending < oldest):
            oldest = backlog.oldest_pending
    backlog_record(pending=pending, failed=failed, oldest_pending=oldest, now=timezone.now())
    return pending
