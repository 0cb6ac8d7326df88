"""Buildings, tenants (one schema each) and the host names that lead to them."""

import datetime
import uuid
from typing import TYPE_CHECKING

from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from shared_apps.tenancy.text import NameField

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager


def default_kiosk_languages() -> list[str]:
    return ["fr", "nl", "en", "de"]


def tenant_logo_path(tenant: "Tenant", filename: str) -> str:
    """Logos live under a random name in a folder of their tenant: they are never listed or guessed."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"logos/{tenant.schema_name}/{uuid.uuid4().hex}.{suffix}"


def building_logo_path(building: "Building", filename: str) -> str:
    """A building's kiosk logo, under a random name in the building's folder."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"logos/building-{building.slug}/{uuid.uuid4().hex}.{suffix}"


class Building(models.Model):  # type: ignore[django-manager-missing]  # Tenant is untyped upstream
    """An office building: one lobby, one reception schema, any number of companies."""

    name = NameField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    address = models.TextField(_("address"), blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Brussels")
    kiosk_languages = models.JSONField(_("kiosk languages"), default=default_kiosk_languages)
    default_retention_days = models.PositiveIntegerField(_("default retention (days)"), default=365)
    auto_checkout_time = models.TimeField(_("automatic check-out time"), default=datetime.time(20, 0))
    kiosk_requires_email = models.BooleanField(_("kiosk asks for e-mail"), default=True)
    kiosk_requires_phone = models.BooleanField(_("kiosk asks for phone"), default=False)
    # Whom visitors ask about what the building's reception and kiosk record (shown on the kiosk's notice); blank:
    # the front desk.
    privacy_contact_name = models.CharField(_("privacy contact"), max_length=150, blank=True)
    privacy_contact_email = models.EmailField(_("privacy contact e-mail"), blank=True)
    # Where a kiosk walk-in that no host or company reception hears of is announced by e-mail, besides the board.
    desk_email = models.EmailField(_("front desk e-mail address"), blank=True)
    # Every company's kiosk walk-ins wait for the company's approval, whatever the company's own setting.
    walk_in_approval_required = models.BooleanField(_("kiosk walk-ins wait for approval in every company"),
                                                    default=False)  # fmt: skip
    # Visitors who fill in their own details before the visit give their car's licence plate (the car park).
    asks_licence_plate = models.BooleanField(_("visitors give their licence plate when they register"),
                                             default=False)  # fmt: skip
    # The kiosk's branding, set by the desk or IT, served within the CSP (a logo view and a stylesheet view).
    kiosk_logo = models.ImageField(_("kiosk logo"), upload_to=building_logo_path, blank=True)
    kiosk_accent = models.CharField(_("kiosk accent colour"), max_length=7, blank=True)
    kiosk_welcome = models.CharField(_("kiosk welcome line"), max_length=120, blank=True)

    class BadgeSize(models.TextChoices):
        LABEL_62X100 = "62x100", _("62 x 100 mm (Brother DK-11202)")
        LABEL_54X101 = "54x101", _("54 x 101 mm (Dymo 99014)")

    badge_size = models.CharField(_("badge label size"), max_length=8, choices=BadgeSize.choices, default="62x100")
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    tenants: "RelatedManager[Tenant]"

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tenant(TenantMixin):
    """A PostgreSQL schema: the platform (`public`), a building's reception, or a company."""

    class Type(models.TextChoices):
        PUBLIC = "public", _("platform")
        RECEPTION = "reception", _("reception")
        COMPANY = "company", _("company")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        REMOVED = "removed", _("removed")
        TEMPLATE = "template", _("template")  # migrated schema that new tenants are cloned from

    type = models.CharField(max_length=16, choices=Type.choices)
    building = models.ForeignKey(Building, on_delete=models.PROTECT, null=True, blank=True, related_name="tenants")
    name = NameField(_("display name"), max_length=120)
    slug = models.SlugField(max_length=40, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    logo = models.ImageField(_("logo"), upload_to=tenant_logo_path, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A removed company's schema is dropped once this moment has passed (shared_apps/provisioning/companies.py).
    schema_drop_after = models.DateTimeField(null=True, blank=True)

    # Schemas are created by the provisioning service (cloned from a template),
    # never as a side effect of save().
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["building"],
                condition=models.Q(type="reception"),
                name="one_reception_per_building",
            ),
        ]
        # django-tenants refuses a new tenant whose schema name differs from another's only in case
        # (`schema_name__iexact`): without it, that check reads every tenant at each provisioning.
        indexes = [models.Index(Upper("schema_name"), name="tenant_schema_name_upper")]

    def __str__(self) -> str:
        return self.name


class Domain(DomainMixin):
    """A host name that routes to one tenant's schema."""


class BuildingDocument(models.Model):
    """A versioned text shown to visitors in one language: the privacy notice, or the visitor rules.

    A new version is a new row; visits record the version they accepted.
    Company-specific visitor rules set `company` (a company tenant of the building).
    """

    class Kind(models.TextChoices):
        PRIVACY_NOTICE = "privacy_notice", _("privacy notice")
        VISITOR_RULES = "visitor_rules", _("visitor rules")

    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="documents")
    company = models.ForeignKey(Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="documents")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    language = models.CharField(max_length=2)
    version = models.CharField(max_length=32)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "company", "kind", "language", "version"],
                name="document_version_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.language} v{self.version}"


class MemoryGeneration(models.Model):
    """How many times the rows of one model that web processes remember have changed: one row per model label.

    Bumped in the transaction that saves or deletes such a row; read once per request by every web process,
    which forgets what it remembered of that model when the number moved (shared_apps/database/brief_memory.py).
    """

    kind = models.CharField(max_length=100, primary_key=True)  # a model label, "kiosk.Kiosk"
    generation = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.kind} #{self.generation}"
