"""A building's life on the platform: created with its reception schema, its settings, its visitor documents,
its archiving."""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.audit.services import audit_record
from shared_apps.database import db_roles
from shared_apps.provisioning.reception import reception_read_model_start
from shared_apps.provisioning.tenant_schemas import tenant_create, validate_name
from shared_apps.tenancy.conflicts import Conflict
from shared_apps.tenancy.default_notices import DEFAULT_NOTICE_VERSION, PRIVACY_NOTICES
from shared_apps.tenancy.links import host_for
from shared_apps.tenancy.models import Building, BuildingDocument, Tenant
from shared_apps.tenancy.slugs import validate_new_slug
from shared_apps.tenancy.text import text_clean

KIOSK_LANGUAGES = [code for code, _name in settings.LANGUAGES]
RETENTION_DAYS_MIN = 1
RETENTION_DAYS_MAX = 3650


@db_roles.owner_privileges
@transaction.atomic
def building_create(
    *, slug: str, name: str, address: str = "", timezone: str = "Europe/Brussels", actor: str = "system"
) -> Building:
    """Create a building with its reception schema and host `<slug>.<root>`, all or nothing."""
    name = validate_name(name)
    validate_new_slug(slug, host=host_for(slug))
    if timezone not in zoneinfo.available_timezones():
        raise ValidationError({"timezone": f"'{timezone}' is not a known time zone (for example Europe/Brussels)."})
    building = Building.objects.create(slug=slug, name=name, address=address, timezone=timezone)
    reception = tenant_create(tenant_type=Tenant.Type.RECEPTION, slug=slug, name=name, building=building)
    building_documents_create_defaults(building=building, actor=actor)
    reception_read_model_start(building=building)
    audit_record(
        actor=actor, action="building.create", tenant_schema=reception.schema_name,
        object_ids={"building": [building.pk], "tenant": [reception.pk]},
    )  # fmt: skip
    return building


def building_documents_create_defaults(*, building: Building, actor: str) -> list[BuildingDocument]:
    """Give a new building version 1 of the privacy notice in every language the platform speaks."""
    return BuildingDocument.objects.bulk_create(
        BuildingDocument(
            building=building,
            kind=BuildingDocument.Kind.PRIVACY_NOTICE,
            language=language,
            version=DEFAULT_NOTICE_VERSION,
            text=text.format(building=building.name),
            created_by=actor,
        )
        for language, text in PRIVACY_NOTICES.items()
    )


def _validate_settings(*, timezone_name: str, kiosk_languages: list[str], default_retention_days: int) -> None:
    errors: dict[str, str] = {}
    if timezone_name not in zoneinfo.available_timezones():
        errors["timezone"] = _("“%(tz)s” is not a known time zone (for example Europe/Brussels).") % {
            "tz": timezone_name
        }
    if not kiosk_languages or any(language not in KIOSK_LANGUAGES for language in kiosk_languages):
        errors["kiosk_languages"] = _("Choose at least one of the offered languages.")
    if not RETENTION_DAYS_MIN <= default_retention_days <= RETENTION_DAYS_MAX:
        errors["default_retention_days"] = _("The retention period must be between %(min)s and %(max)s days.") % {
            "min": RETENTION_DAYS_MIN,
            "max": RETENTION_DAYS_MAX,
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def building_update(
    *,
    building: Building,
    actor: str,
    name: str,
    address: str,
    request: HttpRequest | None = None,
    timezone_name: str,
    kiosk_languages: list[str],
    default_retention_days: int,
    auto_checkout_time: datetime.time,
    kiosk_requires_email: bool,
    kiosk_requires_phone: bool,
    privacy_contact_name: str | None = None,
    privacy_contact_email: str | None = None,
    kiosk_branding: dict[str, str] | None = None,
    kiosk_logo: UploadedFile | None = None,
    kiosk_logo_clear: bool = False,
    walk_in_approval_required: bool | None = None,
    asks_licence_plate: bool | None = None,
) -> Building:
    """Change a building's settings; its slug and host never change. The audit entry lists the fields changed.

    `kiosk_branding` (None: unchanged): the kiosk's welcome line and accent colour, the badge label size and the
    desk's address for walk-ins (the form validated them). `kiosk_logo` replaces the kiosk's logo (the form checked
    its kind and size and named it by its kind), `kiosk_logo_clear` removes it; the old file leaves the storage.

    The privacy contact (None: unchanged) is whom visitors ask about what the reception and kiosk record.
    `walk_in_approval_required` (None: unchanged): every company's kiosk walk-ins wait for approval.
    `asks_licence_plate` (None: unchanged): visitors filling in their own details give their licence plate."""
    name = text_clean(name)
    if not name:
        raise ValidationError({"name": _("A name is required.")})
    _validate_settings(
        timezone_name=timezone_name, kiosk_languages=kiosk_languages, default_retention_days=default_retention_days
    )
    new = {
        "name": name,
        "address": address.strip(),
        "timezone": timezone_name,
        "kiosk_languages": [language for language in KIOSK_LANGUAGES if language in kiosk_languages],
        "default_retention_days": default_retention_days,
        "auto_checkout_time": auto_checkout_time,
        "kiosk_requires_email": kiosk_requires_email,
        "kiosk_requires_phone": kiosk_requires_phone,
    }
    if privacy_contact_name is not None:
        new["privacy_contact_name"] = privacy_contact_name.strip()
    if privacy_contact_email is not None:
        new["privacy_contact_email"] = privacy_contact_email.strip()
    for field in ("kiosk_welcome", "kiosk_accent", "badge_size", "desk_email"):
        if kiosk_branding is not None and field in kiosk_branding:
            new[field] = str(kiosk_branding[field]).strip()
    if walk_in_approval_required is not None:  # None: unchanged
        new["walk_in_approval_required"] = walk_in_approval_required
    if asks_licence_plate is not None:
        new["asks_licence_plate"] = asks_licence_plate
    changed = sorted(field for field, value in new.items() if getattr(building, field) != value)
    for field, value in new.items():
        setattr(building, field, value)
    if kiosk_logo is not None or (kiosk_logo_clear and building.kiosk_logo):
        if building.kiosk_logo:
            building.kiosk_logo.delete(save=False)
        if kiosk_logo is not None:
            building.kiosk_logo.save(kiosk_logo.name or "logo.png", kiosk_logo, save=False)
        changed.append("kiosk_logo")
    building.save()
    if "name" in changed:
        Tenant.objects.filter(building=building, type=Tenant.Type.RECEPTION).update(name=name)
    audit_record(
        actor=actor, action="building.update", tenant_schema="", request=request,
        object_ids={"building": [building.pk]}, details={"changed": changed},
    )  # fmt: skip
    return building


@transaction.atomic
def building_archive(*, building: Building, actor: str, request: HttpRequest | None = None) -> Building:
    """Archive a building that no longer holds an active or suspended company; its host stops answering."""
    live = building.tenants.filter(
        type=Tenant.Type.COMPANY, status__in=[Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED]
    ).count()
    if live:
        raise Conflict(
            _("This building still has %(count)s companies: remove them before archiving it.") % {"count": live}
        )
    if building.archived_at is None:
        building.archived_at = timezone.now()
        building.save(update_fields=["archived_at"])
        building.tenants.filter(type=Tenant.Type.RECEPTION).update(status=Tenant.Status.SUSPENDED)
        audit_record(actor=actor, action="building.archive", tenant_schema="", request=request,
                     object_ids={"building": [building.pk]})  # fmt: skip
    return building


@transaction.atomic
def building_document_publish(
    *, building: Building, kind: str, language: str, text: str, actor: str, request: HttpRequest | None = None
) -> BuildingDocument:
    """Publish a new version of a visitor document; earlier versions stay, as visits point to them."""
    text = text.strip()
    if kind not in BuildingDocument.Kind.values:
        raise ValidationError({"kind": _("Unknown document kind.")})
    if language not in KIOSK_LANGUAGES:
        raise ValidationError({"language": _("Choose one of the offered languages.")})
    if not text:
        raise ValidationError({"text": _("The text cannot be empty.")})
    versions = BuildingDocument.objects.select_for_update().filter(
        building=building, company=None, kind=kind, language=language
    )
    numbers = [int(version) for version in versions.values_list("version", flat=True) if version.isdigit()]
    document = BuildingDocument.objects.create(
        building=building, kind=kind, language=language, version=str(max(numbers, default=0) + 1),
        text=text, created_by=actor,
    )  # fmt: skip
    audit_record(
        actor=actor, action="building.document_publish", tenant_schema="", request=request,
        object_ids={"building": [building.pk], "document": [document.pk]},
        details={"kind": kind, "language": language, "version": document.version},
    )  # fmt: skip
    return document
