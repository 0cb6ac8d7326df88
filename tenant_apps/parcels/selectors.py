"""Reads of parcels, in the current company's schema: the portal's list and the API's."""

import datetime as dt

from django.db.models import Q, QuerySet

from shared_apps.accounts.models import User
from tenant_apps.parcels.models import Parcel


def parcels_visible_to(*, user: User) -> QuerySet[Parcel]:
    """An admin sees every parcel of the company; a member those of the host linked to their account."""
    parcels = Parcel.objects.select_related("host")
    if user.role == User.Role.ADMIN:
        return parcels
    return parcels.filter(host__user=user)


def parcels_filtered(parcels: QuerySet[Parcel], *, waiting: bool | None) -> QuerySet[Parcel]:
    """Only the waiting ones (True), only the collected ones (False), or all (None)."""
    if waiting is None:
        return parcels
    return parcels.filter(Q(picked_up_at__isnull=waiting))


def parcels_ending_before(cutoff: dt.datetime) -> QuerySet[Parcel]:
    """Parcels the retention purge deletes: collected before `cutoff`, or never collected and received before it."""
    return Parcel.objects.filter(Q(picked_up_at__lt=cutoff) | Q(picked_up_at__isnull=True, received_at__lt=cutoff))


def parcel_get(parcel_id: int) -> Parcel | None:
    return Parcel.objects.select_related("host").filter(pk=parcel_id).first()
