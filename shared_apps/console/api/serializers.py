"""The provisioning API's payloads. They check types and shapes; the services decide what is allowed."""

import datetime as dt
import re
import zoneinfo
from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shared_apps.accounts.models import User
from shared_apps.operations.api_input import JsonTypes
from shared_apps.provisioning.buildings import RETENTION_DAYS_MAX, RETENTION_DAYS_MIN
from shared_apps.tenancy.links import host_for, tenant_url
from shared_apps.tenancy.models import Building, Tenant
from shared_apps.tenancy.public_links import public_origin
from shared_apps.tenancy.slugs import SLUG_MAX_LENGTH
from shared_apps.tenancy.text import NameSerializerField

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
TIMEZONES = sorted(zoneinfo.available_timezones())
# The form rules of `shared_apps.tenancy` stated as patterns, so the schema says them: a slug, and a custom
# domain as the API takes it (lower case, no trailing dot; the schema adds the empty string for none).
SLUG_PATTERN = r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$"
DOMAIN_PATTERN = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"


def slug_field() -> serializers.RegexField:
    return serializers.RegexField(
        SLUG_PATTERN, max_length=SLUG_MAX_LENGTH, help_text=SLUG_HELP,
        error_messages={"invalid": f"This is not a valid slug: use 1 to {SLUG_MAX_LENGTH} lowercase letters, digits "
                                   "and hyphens, starting and ending with a letter or digit."},
    )  # fmt: skip


def custom_domain_field(**kwargs: Any) -> serializers.RegexField:
    return serializers.RegexField(
        DOMAIN_PATTERN, max_length=253, allow_blank=True, help_text="A host name of the company's own, or empty.",
        error_messages={"invalid": "Enter a host name in lower case, e.g. visit.example.com."}, **kwargs,
    )  # fmt: skip


SLUG_HELP = "Lower-case letters, digits and hyphens; it becomes the host name. Reserved or taken slugs are a 409."
WALL_CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


@extend_schema_field({"type": "string", "pattern": WALL_CLOCK, "example": "20:00"})
class WallClockTimeField(serializers.TimeField):
    """A time of day on the building's clock: "HH:MM" or "HH:MM:SS", never with an offset.

    OpenAPI's `format: time` means an RFC 3339 time with an offset, which these times do not have; a time
    given with an offset would lose it silently, so it is refused.
    """

    def to_internal_value(self, value: Any) -> dt.time:
        if not isinstance(value, str) or not re.fullmatch(WALL_CLOCK, value):
            self.fail("invalid", format="HH:MM[:SS]")
        return super().to_internal_value(value)


class BuildingSerializer(serializers.ModelSerializer):
    auto_checkout_time = WallClockTimeField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Building
        fields = [
            "slug", "name", "address", "timezone", "kiosk_languages", "default_retention_days",
            "auto_checkout_time", "kiosk_requires_email", "kiosk_requires_phone", "walk_in_approval_required",
            "archived_at", "created_at", "url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_url(self, building: Building) -> str:
        return public_origin(host_for(building.slug))


class BuildingCreateSerializer(JsonTypes):
    slug = slug_field()
    name = NameSerializerField(max_length=120)
    # Cleaned like a name (control characters, a NUL among them, removed; breaks as spaces), not refused.
    address = NameSerializerField(allow_blank=True, required=False, default="")
    timezone = serializers.ChoiceField(choices=TIMEZONES, required=False, default="Europe/Brussels")
    desk_email = serializers.EmailField(
        max_length=254, required=False, help_text="the first desk account, invited to choose a password"
    )


BUILDING_SETTINGS = [
    "name", "address", "timezone", "kiosk_languages", "default_retention_days", "auto_checkout_time",
    "kiosk_requires_email", "kiosk_requires_phone", "walk_in_approval_required",
]  # fmt: skip


class BuildingUpdateSerializer(JsonTypes):
    name = NameSerializerField(max_length=120, required=False)
    address = NameSerializerField(allow_blank=True, required=False)
    timezone = serializers.ChoiceField(choices=TIMEZONES, required=False)
    kiosk_languages = serializers.ListField(
        child=serializers.ChoiceField(choices=LANGUAGE_CODES), allow_empty=False, min_length=1, required=False
    )
    default_retention_days = serializers.IntegerField(
        min_value=RETENTION_DAYS_MIN, max_value=RETENTION_DAYS_MAX, required=False
    )
    auto_checkout_time = WallClockTimeField(required=False)
    kiosk_requires_email = serializers.BooleanField(required=False)
    kiosk_requires_phone = serializers.BooleanField(required=False)
    walk_in_approval_required = serializers.BooleanField(
        required=False, help_text="every company's kiosk walk-ins wait for the company's approval"
    )


class CompanySerializer(serializers.ModelSerializer):
    building: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    custom_domain = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    has_logo = serializers.SerializerMethodField()

    class Meta:
        model = Tenant
        fields = ["slug", "name", "building", "status", "custom_domain", "url", "has_logo", "schema_drop_after",
                  "created_at"]  # fmt: skip
        read_only_fields = fields

    def get_custom_domain(self, company: Tenant) -> str:
        return next((domain.domain for domain in company.domains.all() if not domain.is_primary), "")

    def get_url(self, company: Tenant) -> str:
        return tenant_url(company) if company.status != Tenant.Status.REMOVED else ""

    def get_has_logo(self, company: Tenant) -> bool:
        return bool(company.logo)


class CompanyCreateSerializer(JsonTypes):
    building = serializers.RegexField(SLUG_PATTERN, max_length=SLUG_MAX_LENGTH, help_text="The building's slug.")
    slug = slug_field()
    name = NameSerializerField(max_length=120)
    admin_email = serializers.EmailField(max_length=254)  # the account's e-mail column
    custom_domain = custom_domain_field(required=False, default="")


class CompanyCreateUploadSerializer(CompanyCreateSerializer):
    """The multipart form of the same request, which can carry the logo."""

    logo = serializers.ImageField(required=False)


class CompanyUpdateSerializer(JsonTypes):
    name = NameSerializerField(max_length=120, required=False)
    custom_domain = custom_domain_field(required=False)
    status = serializers.ChoiceField(choices=[Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED], required=False)


class CompanyUpdateUploadSerializer(CompanyUpdateSerializer):
    """The multipart form of the same request, which can carry a new logo (or an empty one to remove it)."""

    logo = serializers.ImageField(required=False, allow_null=True)


class DeskAccountSerializer(serializers.ModelSerializer):
    """A desk account of a building. `invitation_pending`: invited, no password chosen yet."""

    invitation_pending = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "language", "is_active", "invitation_pending", "date_joined"]
        read_only_fields = fields

    def get_invitation_pending(self, user: User) -> bool:
        return not user.has_usable_password()


class DeskAccountInviteSerializer(JsonTypes):
    email = serializers.EmailField(max_length=254)  # the account's e-mail column
    full_name = NameSerializerField(max_length=150, required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(choices=LANGUAGE_CODES, required=False, help_text="of the invitation e-mail")
