"""The provisioning API's payloads. They check types and shapes; the services decide what is allowed."""

from django.conf import settings
from rest_framework import serializers

from checkin.text import NameSerializerField
from shared_apps.tenancy.building_lifecycle import RETENTION_DAYS_MAX, RETENTION_DAYS_MIN
from shared_apps.tenancy.models import Building, Tenant
from shared_apps.tenancy.services import host_for, tenant_url

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class BuildingSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Building
        fields = [
            "slug", "name", "address", "timezone", "kiosk_languages", "default_retention_days",
            "auto_checkout_time", "kiosk_requires_email", "kiosk_requires_phone", "archived_at", "created_at", "url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_url(self, building: Building) -> str:
        port = f":{settings.CHECKIN_PUBLIC_PORT}" if settings.CHECKIN_PUBLIC_PORT else ""
        return f"{settings.CHECKIN_URL_SCHEME}://{host_for(building.slug)}{port}"


class BuildingCreateSerializer(serializers.Serializer):
    slug = serializers.CharField(max_length=40)
    name = NameSerializerField(max_length=120)
    address = serializers.CharField(allow_blank=True, required=False, default="")
    timezone = serializers.CharField(max_length=64, required=False, default="Europe/Brussels")


BUILDING_SETTINGS = [
    "name", "address", "timezone", "kiosk_languages", "default_retention_days", "auto_checkout_time",
    "kiosk_requires_email", "kiosk_requires_phone",
]  # fmt: skip


class BuildingUpdateSerializer(serializers.Serializer):
    name = NameSerializerField(max_length=120, required=False)
    address = serializers.CharField(allow_blank=True, required=False)
    timezone = serializers.CharField(max_length=64, required=False)
    kiosk_languages = serializers.ListField(child=serializers.ChoiceField(choices=LANGUAGE_CODES), required=False)
    default_retention_days = serializers.IntegerField(
        min_value=RETENTION_DAYS_MIN, max_value=RETENTION_DAYS_MAX, required=False
    )
    auto_checkout_time = serializers.TimeField(required=False)
    kiosk_requires_email = serializers.BooleanField(required=False)
    kiosk_requires_phone = serializers.BooleanField(required=False)


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


class CompanyCreateSerializer(serializers.Serializer):
    building = serializers.CharField(max_length=40)
    slug = serializers.CharField(max_length=40)
    name = NameSerializerField(max_length=120)
    admin_email = serializers.EmailField()
    custom_domain = serializers.CharField(max_length=253, allow_blank=True, required=False, default="")
    logo = serializers.ImageField(required=False, allow_null=True, default=None)


class CompanyUpdateSerializer(serializers.Serializer):
    name = NameSerializerField(max_length=120, required=False)
    custom_domain = serializers.CharField(max_length=253, allow_blank=True, required=False)
    status = serializers.ChoiceField(choices=[Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED], required=False)
    logo = serializers.ImageField(required=False, allow_null=True)
