"""What notifications does when a visit changes (or the desk receives a parcel): the receivers of
tenant_apps/visits/signals.py and tenant_apps/parcels/signals.py, connected in NotificationsConfig.ready(). They run
inside the visit's (or parcel's) transaction, so each delivery is written with the change."""

from typing import Any

from tenant_apps.notifications.services import (
    INVITED_CHANNELS,
    delivery_queue_approval,
    delivery_queue_arrival,
    delivery_queue_cancellation,
    delivery_queue_details_request,
    delivery_queue_invitation,
    delivery_queue_parcel,
    delivery_queue_reschedule,
)
from tenant_apps.parcels.models import Parcel
from tenant_apps.parcels.signals import parcel_received
from tenant_apps.visits.models import Visit
from tenant_apps.visits.signals import (
    visit_approval_asked,
    visit_arrived,
    visit_cancelled,
    visit_details_requested,
    visit_registered,
    visit_rescheduled,
)


def _registered(*, visit: Visit, **_kwargs: Any) -> None:
    if visit.channel in INVITED_CHANNELS:  # a walk-in is checked in at once and gets no invitation
        delivery_queue_invitation(visit_id=visit.pk)


def _rescheduled(*, visit: Visit, **_kwargs: Any) -> None:
    delivery_queue_reschedule(visit_id=visit.pk)


def _cancelled(*, visit: Visit, **_kwargs: Any) -> None:
    delivery_queue_cancellation(visit_id=visit.pk)


def _arrived(*, visit: Visit, **_kwargs: Any) -> None:
    delivery_queue_arrival(visit=visit)


def _details_requested(*, visit: Visit, **_kwargs: Any) -> None:
    delivery_queue_details_request(visit_id=visit.pk)


def _approval_asked(*, visit: Visit, **_kwargs: Any) -> None:
    delivery_queue_approval(visit=visit)


def _parcel_received(*, parcel: Parcel, **_kwargs: Any) -> None:
    delivery_queue_parcel(parcel=parcel)


def visit_receivers_connect() -> None:
    """Connect once per process (the dispatch uids make a second call a no-op: each delivery is queued once)."""
    visit_registered.connect(_registered, sender=Visit, dispatch_uid="notifications.visit_registered")
    visit_rescheduled.connect(_rescheduled, sender=Visit, dispatch_uid="notifications.visit_rescheduled")
    visit_cancelled.connect(_cancelled, sender=Visit, dispatch_uid="notifications.visit_cancelled")
    visit_arrived.connect(_arrived, sender=Visit, dispatch_uid="notifications.visit_arrived")
    visit_approval_asked.connect(_approval_asked, sender=Visit, dispatch_uid="notifications.visit_approval_asked")
    parcel_received.connect(_parcel_received, sender=Parcel, dispatch_uid="notifications.parcel_received")
    visit_details_requested.connect(
        _details_requested, sender=Visit, dispatch_uid="notifications.visit_details_requested"
    )
