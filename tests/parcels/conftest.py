"""Parcels made for the tests: label photos, and parcels recorded in a company's schema as the desk records them."""

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from PIL import Image

from shared_apps.tenancy.models import Tenant
from tenant_apps.parcels.models import Parcel
from tenant_apps.parcels.services import ParcelDetails, parcel_record
from tenant_apps.visits.models import Host

MakeParcel = Callable[..., Parcel]


def photo(kind: str = "PNG", name: str = "label.png", size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    """A small image of `kind` as Pillow writes it, uploaded under `name`."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format=kind)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{kind.lower()}")


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploaded photos go to a folder of this test (the default storage, as checkin/file_storage.py configures it)."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}  # fmt: skip
    return tmp_path


@pytest.fixture
def make_parcel(db: None) -> MakeParcel:
    """A parcel recorded in `company` for its host named `host` (its first host by default)."""

    def make(
        company: Tenant, *, host: str = "", carrier: str = "DHL", reference: str = "JD0001", items: int = 1
    ) -> Parcel:
        with tenant_context(company):
            chosen = Host.objects.get(name=host) if host else Host.objects.order_by("pk").first()
            assert chosen is not None
            details = ParcelDetails(host_id=chosen.pk, carrier=carrier, tracking_reference=reference, items=items)
            return parcel_record(details=details, actor_label="desk:tower:test")

    return make
