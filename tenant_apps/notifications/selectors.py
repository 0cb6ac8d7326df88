"""Reads of the delivery log, in the current company's schema."""

import datetime as dt
from typing import NamedTuple

from django.db.models import Count, Min, Q, QuerySet

from tenant_apps.notifications.models import Delivery, WebhookAttempt
from tenant_apps.visits.models import Visit

LOG_LENGTH = 100


def deliveries_for_visit(visit: Visit) -> QuerySet[Delivery]:
    """The messages sent (or still trying) about one visit, newest first."""
    return Delivery.objects.filter(visit=visit).order_by("-created_at", "-id")


def deliveries_recent(*, limit: int = LOG_LENGTH) -> QuerySet[Delivery]:
    """The company's latest deliveries, for the admins' log."""
    return Delivery.objects.select_related("visit")[:limit]


def webhook_attempts_recent(*, limit: int = LOG_LENGTH) -> QuerySet[WebhookAttempt]:
    """The latest POSTs to the company's webhook, tests included."""
    return WebhookAttempt.objects.select_related("delivery")[:limit]


class Backlog(NamedTuple):
    pending: int
    failed: int
    oldest_pending: dt.datetime | None


def deliveries_backlog() -> Backlog:
    """How many of the company's deliveries are not sent yet (pending or being sent) or failed for good, and since
    when the oldest unsent one waits."""
    unsent = Q(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING])
    counts = Delivery.objects.aggregate(
        pending=Count("pk", filter=unsent),
        failed=Count("pk", filter=Q(status=Delivery.Status.FAILED)),
        oldest_pending=Min("created_at", filter=unsent),
    )
    return Backlog(counts["pending"], counts["failed"], counts["oldest_pending"])
