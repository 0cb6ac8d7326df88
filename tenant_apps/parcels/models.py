"""Parcels the building's front desk received for one of the company's hosts.

They live in the company's schema beside its hosts, like visits: the company's retention purges them and its export
carries them. The desk reads them across companies only through its read model (tenant_apps/desk/read_model.py,
written by triggers on this table) and writes them only through tenant_apps/parcels/services.py, inside this
company's schema.
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from shared_apps.database.connection import tenant_connection
from tenant_apps.visits.models import Host

MAX_ITEMS = 99


def label_photo_path(parcel: "Parcel", filename: str) -> str:
    """A random name in the company's own folder: the schema is the owner, the name discloses nothing."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"parcels/{tenant_connection().schema_name}/{uuid.uuid4().hex}.{suffix}"


class Parcel(models.Model):
    """One delivery for one host: who brought it, how many items, and who collected it."""

    host = models.ForeignKey(Host, on_delete=models.PROTECT, related_name="parcels", verbose_name=_("recipient"))
    carrier = models.CharField(_("carrier"), max_length=100)
    tracking_reference = models.CharField(_("tracking reference"), max_length=100, blank=True)
    items = models.PositiveSmallIntegerField(
        _("items"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_ITEMS)]
    )
    label_photo = models.ImageField(_("photo of the label"), upload_to=label_photo_path, blank=True)
    received_at = models.DateTimeField(_("received"))
    received_by = models.CharField(_("received by"), max_length=200)  # the desk actor's label
    picked_up_at = models.DateTimeField(_("collected"), null=True, blank=True)
    picked_up_by = models.CharField(_("collected by"), max_length=150, blank=True)  # the name the desk typed
    pick_up_recorded_by = models.CharField(max_length=200, blank=True)  # the desk actor's label

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["received_at"], name="parcel_received_idx"),
            models.Index(fields=["picked_up_at"], name="parcel_picked_up_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_reference}".strip()

    @property
    def waiting(self) -> bool:
        return self.picked_up_at is None

    @property
    def has_label_photo(self) -> bool:
        return bool(self.label_photo)
