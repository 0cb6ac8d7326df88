"""Writes of parcels, in the schema of the company the parcel is for. The desk calls them inside that company's
schema (tenant_apps/desk/services.py), as it calls the visit services; the portal and the API only read."""

import dataclasses
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tenant_apps.parcels.models import MAX_ITEMS, Parcel
from tenant_apps.parcels.signals import parcel_received
from tenant_apps.visits.selectors import host_active

# The photo of a label, taken with the desk's camera: a raster image as Pillow reads it (never an SVG, which can
# carry script), stored under the kind Pillow found and served with that type only.
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
PHOTO_MAX_BYTES = 4 * 1024 * 1024


class ParcelStateError(Exception):
    """A change the parcel's state does not allow (collecting a parcel collected already); safe to show."""


@dataclasses.dataclass(frozen=True)
class ParcelDetails:
    """A delivery as the desk types it."""

    host_id: int
    carrier: str
    tracking_reference: str
    items: int
    label_photo: File | None = None  # an upload, checked by `label_photo_checked`


def label_photo_checked(photo: Any) -> Any:
    """The uploaded photo, named after the kind of image Pillow found in it (not after its name); a ValidationError
    in the user's language for a file too large or of another kind. `photo` comes from a forms.ImageField, which
    opened it with Pillow and refused what is no image."""
    if photo.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            _("The photo is larger than %(size)s MB: take it again at a lower resolution.")
            % {"size": PHOTO_MAX_BYTES // (1024 * 1024)}
        )
    image_format = getattr(getattr(photo, "image", None), "format", None)
    if image_format not in PHOTO_FORMATS:
        raise ValidationError(_("Choose a JPEG, PNG or WebP photo of the label."))
    photo.name = "label." + PHOTO_FORMATS[image_format]
    return photo


@transaction.atomic
def parcel_record(*, details: ParcelDetails, actor_label: str) -> Parcel:
    """Record a delivery for an active host of this company; the host is told by e-mail (notifications, through the
    outbox, in this transaction). Field errors as a ValidationError, nothing written."""
    host = host_active(details.host_id)
    errors: dict[str, str] = {}
    if host is None:
        errors["host"] = _("Choose a recipient among the company's hosts.")
    carrier = details.carrier.strip()
    if not carrier:
        errors["carrier"] = _("Name the carrier.")
    if not 1 <= details.items <= MAX_ITEMS:
        errors["items"] = _("Enter a number of items from 1 to %(max)s.") % {"max": MAX_ITEMS}
    if errors:
        raise ValidationError(errors)
    parcel = Parcel(
        host=host,
        carrier=carrier,
        tracking_reference=details.tracking_reference.strip(),
        items=details.items,
        received_at=timezone.now(),
        received_by=actor_label,
    )
    if details.label_photo is not None:
        parcel.label_photo = details.label_photo  # written to storage by save()
    try:
        parcel.save()
        parcel_received.send(sender=Parcel, parcel=parcel)
    except BaseException:
        # The row is rolled back: a stored photo would be nobody's file.
        if parcel.label_photo.name:
            parcel.label_photo.storage.delete(parcel.label_photo.name)
        raise
    return parcel


@transaction.atomic
def parcel_pick_up(*, parcel_id: int, collected_by: str, actor_label: str) -> Parcel:
    """Record who collected a waiting parcel; refused when it was collected already (another desk was quicker)."""
    parcel = Parcel.objects.select_for_update().select_related("host").filter(pk=parcel_id).first()
    if parcel is None:
        raise Parcel.DoesNotExist
    name = " ".join(collected_by.split())
    if not name:
        raise ValidationError({"collected_by": _("Write the name of who collects the parcel.")})
    if parcel.picked_up_at is not None:
        raise ParcelStateError(_("This parcel was collected already."))
    parcel.picked_up_at, parcel.picked_up_by, parcel.pick_up_recorded_by = timezone.now(), name, actor_label
    parcel.save(update_fields=["picked_up_at", "picked_up_by", "pick_up_recorded_by"])
    return parcel


def label_photos_of(parcels: QuerySet[Parcel]) -> list[str]:
    """The storage names of these parcels' label photos."""
    return [name for name in parcels.exclude(label_photo="").values_list("label_photo", flat=True) if name]


def label_photos_forget(names: list[str]) -> int:
    """Delete from storage those of `names` whose parcel is gone (a purge that deleted the rows, batch by batch, in
    transactions of its own); how many. A photo whose row is still there (its batch not yet done) stays."""
    kept = set(Parcel.objects.filter(label_photo__in=names).values_list("label_photo", flat=True))
    gone = [name for name in names if name not in kept]
    _photos_delete(gone)
    return len(gone)


def label_photos_drop_all() -> int:
    """A company schema about to be dropped: its parcels' label photos leave the storage once the drop commits (the
    rows go with the schema); how many."""
    photos = label_photos_of(Parcel.objects.all())
    if photos:
        transaction.on_commit(lambda: _photos_delete(photos))
    return len(photos)


def parcels_delete(parcels: QuerySet[Parcel]) -> int:
    """Delete these parcels and, once that commits, their label photos; how many rows went. Used by the retention
    purge and a company's erasure (tenant_apps/privacy), so no photo outlives its row."""
    photos = label_photos_of(parcels)
    count, _ = parcels.delete()
    if photos:
        transaction.on_commit(lambda: _photos_delete(photos))
    return count


def _photos_delete(names: list[str]) -> None:
    storage = Parcel._meta.get_field("label_photo").storage
    for name in names:
        storage.delete(name)
