"""Provisioning: buildings and companies, each created whole or not at all."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django_tenants.utils import get_public_schema_name, schema_exists, tenant_context

from shared_apps.audit.services import audit_record
from shared_apps.tenancy import db_roles
from shared_apps.tenancy.building_lifecycle import building_documents_create_defaults
from shared_apps.tenancy.connection import tenant_connection
from shared_apps.tenancy.models import Building, Domain, Tenant
from shared_apps.tenancy.public_links import public_origin
from shared_apps.tenancy.schema_clone import clone_schema
from shared_apps.tenancy.slugs import schema_name_for, validate_new_slug, validate_slug_format
from shared_apps.tenancy.spare_schemas import spare_take, spares_refill, spares_refill_after_commit
from shared_apps.tenancy.text import text_clean
from tenant_apps.desk.building_sql_views import building_sql_views_rebuild
from tenant_apps.privacy.retention import retention_default_apply


def host_for(slug: str) -> str:
    return f"{slug}.{settings.CHECKIN_ROOT_DOMAIN}"


def tenant_url(tenant: Tenant) -> str:
    """The address of a tenant's primary host, as users type it."""
    # Iterating .all() uses a prefetch when the caller made one.
    primary = [domain.domain for domain in tenant.domains.all() if domain.is_primary]
    return public_origin(primary[0] if primary else settings.CHECKIN_ROOT_DOMAIN)


@db_roles.owner_privileges
def platform_ensure() -> None:
    """Create the public tenant, its root domain and the template schemas if missing. Idempotent.

    Templates are migrated the slow, stock way once; afterwards `migrate_schemas`
    keeps them current like any tenant, and provisioning clones them.
    """
    db_roles.roles_bootstrap()
    public, _ = Tenant.objects.get_or_create(
        schema_name=get_public_schema_name(),
        defaults={"type": Tenant.Type.PUBLIC, "name": "Check-in", "slug": "platform"},
    )
    Domain.objects.filter(tenant=public).exclude(domain=settings.CHECKIN_ROOT_DOMAIN).delete()
    Domain.objects.get_or_create(domain=settings.CHECKIN_ROOT_DOMAIN, defaults={"tenant": public, "is_primary": True})
    for tenant_type, schema in settings.CHECKIN_TEMPLATE_SCHEMAS.items():
        template, _ = Tenant.objects.get_or_create(
            schema_name=schema,
            defaults={"type": tenant_type, "name": f"Template for {tenant_type}", "slug": schema,
                      "status": Tenant.Status.TEMPLATE},
        )  # fmt: skip
        if not schema_exists(schema):
            template.create_schema(check_if_exists=True, verbosity=0)
    tenant_connection().set_schema_to_public()
    spares_refill()


def _template_for(tenant_type: str) -> str:
    schema: str = settings.CHECKIN_TEMPLATE_SCHEMAS[tenant_type]
    if not schema_exists(schema):
        raise RuntimeError(
            f"Template schema {schema} is missing: run `manage.py migrate_schemas` then `manage.py ensure_platform`."
        )
    return schema


def _tenant_create(*, tenant_type: str, slug: str, name: str, building: Building) -> Tenant:
    tenant = Tenant.objects.create(
        type=tenant_type, building=building, name=name, slug=slug, schema_name=schema_name_for(slug)
    )
    template = _template_for(tenant_type)
    if not spare_take(tenant_type=tenant_type, template=template, target=tenant.schema_name):
        clone_schema(template=template, target=tenant.schema_name)
    if settings.CHECKIN_SPARE_SCHEMAS:
        spares_refill_after_commit()
    db_roles.schema_role_ensure(tenant.schema_name)
    Domain.objects.create(domain=host_for(slug), tenant=tenant, is_primary=True)
    return tenant


def _validate_name(name: str) -> str:
    name = text_clean(name)
    if not name:
        raise ValidationError({"name": "A name is required."})
    if len(name) > 120:
        raise ValidationError({"name": "The name is longer than 120 characters."})
    return name


@db_roles.owner_privileges
@transaction.atomic
def building_create(
    *, slug: str, name: str, address: str = "", timezone: str = "Europe/Brussels", actor: str = "system"
) -> Building:
    """Create a building with its reception schema and host `<slug>.<root>`, all or nothing."""
    name = _validate_name(name)
    validate_new_slug(slug, host=host_for(slug))
    if timezone not in zoneinfo.available_timezones():
        raise ValidationError({"timezone": f"'{timezone}' is not a known time zone (for example Europe/Brussels)."})
    building = Building.objects.create(slug=slug, name=name, address=address, timezone=timezone)
    reception = _tenant_create(tenant_type=Tenant.Type.RECEPTION, slug=slug, name=name, building=building)
    building_documents_create_defaults(building=building, actor=actor)
    building_sql_views_rebuild(building=building)
    audit_record(
        actor=actor, action="building.create", tenant_schema=reception.schema_name,
        object_ids={"building": [building.pk], "tenant": [reception.pk]},
    )  # fmt: skip
    return building


@db_roles.owner_privileges
@transaction.atomic
def company_create(*, building: Building | str, slug: str, name: str, actor: str = "system") -> Tenant:
    """Create a company in a building with its own schema and host `<slug>.<root>`, all or nothing.

    The company starts with its building's default retention period.
    """
    validate_slug_format(slug)
    if isinstance(building, str):
        found = Building.objects.filter(slug=building).first()
        if found is None:
            raise ValidationError({"building": f"Unknown building '{building}'."})
        building = found
    name = _validate_name(name)
    validate_new_slug(slug, host=host_for(slug))
    company = _tenant_create(tenant_type=Tenant.Type.COMPANY, slug=slug, name=name, building=building)
    with tenant_context(company):
        retention_default_apply(retention_days=building.default_retention_days)
    building_sql_views_rebuild(building=building)
    audit_record(
        actor=actor, action="company.create", tenant_schema=company.schema_name,
        object_ids={"building": [building.pk], "tenant": [company.pk]},
    )  # fmt: skip
    return company
