"""Buildings, tenants (one schema each) and the host names that lead to them."""

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager


class Building(models.Model):  # type: ignore[django-manager-missing]  # Tenant is untyped upstream
    """An office building: one lobby, one reception schema, any number of companies."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    address = models.TextField(_("address"), blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Brussels")
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
    name = models.CharField(_("display name"), max_length=120)
    slug = models.SlugField(max_length=40, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

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

    def __str__(self) -> str:
        return self.name


class Domain(DomainMixin):
    """A host name that routes to one tenant's schema."""
