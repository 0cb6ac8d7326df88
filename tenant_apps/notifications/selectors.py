"""Reads of the delivery log, in the current company's schema."""

from django.db.models import QuerySet

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
