"""New deliveries go out in batches: the commit that writes one notes its company's schema and wakes one drain.

A Celery task per delivery cost the worker about as much again as the message itself (Celery's own work, the
company read again, the schema switched) and the web tier a broker message per check-in. Instead, the commit
adds the company's schema to a Redis set and queues a drain unless one is waiting already
(`shared_apps.operations.broker.publish_unless_queued`); the drain takes the schemas off the set and sends what is
pending in each through `sending.delivery_attempt`, the same exactly-once try as the `deliver` task. That task
still carries retries (a failed send, a database error mid-try) and whatever the outbox sweep hands over.

Nothing rests on Redis keeping the set: a delivery is stamped `enqueued_at` when it is written (cleared when the
note fails, so the sweep takes it after 30 s), and one still pending CHECKIN_DELIVERY_TIMEOUT_SECONDS later is
handed over again by the sweep, which also starts a drain whenever the set is not empty.
"""

import logging
import time

from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.database.connection import tenant_connection
from shared_apps.operations.broker import eager, publish, publish_unless_queued
from shared_apps.operations.redis_config import redis_client
from shared_apps.tenancy.models import Tenant
from tenant_apps.notifications.models import Delivery
from tenant_apps.notifications.sending import Outcome, delivery_attempt
from tenant_apps.notifications.services import delivery_enqueue, error_summary

logger = logging.getLogger(__name__)

SCHEMAS_KEY = "checkin:deliveries:schemas"  # the schemas with new deliveries
QUEUED_KEY = "checkin:deliveries:drain-queued"  # a drain is waiting in the queue
QUEUED_SECONDS = 10  # a drain message lost (Redis restarted, the queue purged) holds back new ones this long at most
SCHEMAS_AT_ONCE = 20
BATCH = 100  # deliveries of one schema per round; a schema with more goes back on the set
DRAIN_SECONDS = 30.0  # then another drain goes on, so no task runs near its time limit
_REDIS_TIMEOUT = 2.0


def deliveries_wake(*, delivery: Delivery) -> bool:
    """After the commit that wrote `delivery`, in its company's schema: have it sent; whether the broker took it."""
    from tenant_apps.notifications.tasks import drain  # the task module imports this one

    if eager():  # no broker: the delivery is sent at once, in this process
        return delivery_enqueue(delivery=delivery)
    if publish_unless_queued(
        drain, note=(SCHEMAS_KEY, tenant_connection().schema_name), flag=QUEUED_KEY, flag_seconds=QUEUED_SECONDS
    ):
        return True
    logger.warning("broker unavailable: delivery %s waits in the outbox", delivery.pk)
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(enqueued_at=None)
    return False


def drain_wanted() -> bool:
    """Whether schemas wait on the set (the sweep then starts a drain, whatever the flag says)."""
    return bool(redis_client(timeout=_REDIS_TIMEOUT).scard(SCHEMAS_KEY))


def deliveries_drain() -> int:
    """In the public schema (the worker): send what is pending in the schemas on the set; how many were tried.

    A try that fails (or a database error mid-try) goes to the `deliver` task with its back-off. On any other
    error the schemas taken and not finished go back on the set before it is raised."""
    from tenant_apps.notifications.tasks import drain  # the task module imports this one

    client = redis_client(timeout=_REDIS_TIMEOUT)
    client.delete(QUEUED_KEY)  # from now on a new delivery queues another drain
    deadline = time.monotonic() + DRAIN_SECONDS
    tried = 0
    while time.monotonic() < deadline:
        taken: list[bytes] = client.spop(SCHEMAS_KEY, SCHEMAS_AT_ONCE) or []  # type: ignore[assignment]
        if not taken:
            return tried
        left: set[str] = set()
        try:
            # A schema no company has (removed meanwhile) is dropped: nothing of it is sent any more.
            companies = list(
                Tenant.objects.select_related("building").filter(schema_name__in=[n.decode() for n in taken])
            )
            left = {company.schema_name for company in companies}
            for company in companies:
                with tenant_context(company):
                    due = _due()
                    for delivery_id in due:
                        _try(delivery_id)
                tried += len(due)
                if len(due) < BATCH:
                    left.discard(company.schema_name)
        finally:
            if left:  # more to send there, or an error cut the round short
                client.sadd(SCHEMAS_KEY, *left)
    publish(drain)  # out of time with schemas left: another drain goes on
    return tried


def _due() -> list[int]:
    """The current schema's pending deliveries whose first try (or retry) is due, oldest first."""
    now = timezone.now()
    due = Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=now)
    return list(
        Delivery.objects.filter(due, status=Delivery.Status.PENDING).order_by("pk").values_list("pk", flat=True)[:BATCH]
    )


def _try(delivery_id: int) -> None:
    """One try at a delivery, as the `deliver` task's first; what fails is left to that task's retries."""
    from tenant_apps.notifications.tasks import deliver_later

    try:
        outcome = delivery_attempt(delivery_id)
    except Exception as exc:  # the database went away mid-try, or worse: never drop the delivery
        logger.warning("delivery %s: %s, retrying", delivery_id, error_summary(exc))
        deliver_later(delivery_id, error=error_summary(exc))
        return
    if outcome is Outcome.RETRY:
        deliver_later(delivery_id)
