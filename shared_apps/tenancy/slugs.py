"""Rules for the slugs that become host names and schema names."""

import re

from django.core.exceptions import ValidationError

from shared_apps.tenancy.conflicts import Conflict
from shared_apps.tenancy.models import Building, Domain, Tenant

SLUG_MAX_LENGTH = 40
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
RESERVED_SLUGS = frozenset(
    {
        "admin", "api", "app", "assets", "cdn", "console", "desk", "docs", "ftp", "help", "information-schema",
        "kiosk", "localhost", "mail", "media", "platform", "public", "smtp", "static", "status", "support",
        "template", "www",
    }
)  # fmt: skip


def schema_name_for(slug: str) -> str:
    """Schema names are slugs with underscores: slugs hold no underscores, so the mapping is one to one."""
    return slug.replace("-", "_")


def validate_slug_format(slug: str) -> None:
    if not slug or len(slug) > SLUG_MAX_LENGTH or not _SLUG.match(slug):
        raise ValidationError(
            {
                "slug": f"'{slug}' is not a valid slug: use 1 to {SLUG_MAX_LENGTH} lowercase letters, digits "
                "and hyphens, starting and ending with a letter or digit."
            }
        )
    if slug in RESERVED_SLUGS or slug.startswith("pg-"):
        raise Conflict({"slug": f"'{slug}' is reserved: choose another slug."})  # taken by the platform


def validate_new_slug(slug: str, *, host: str) -> None:
    """A slug names one host and one schema, shared by buildings and companies alike."""
    validate_slug_format(slug)
    taken = (
        Building.objects.filter(slug=slug).exists()
        or Tenant.objects.filter(slug=slug).exists()
        or Tenant.objects.filter(schema_name=schema_name_for(slug)).exists()
        or Domain.objects.filter(domain=host).exists()
    )
    if taken:
        raise Conflict({"slug": f"'{slug}' is already taken by another building or company."})
