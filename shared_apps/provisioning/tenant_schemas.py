"""A tenant's schema, role and host, made from its template (or a spare clone of it); the platform's own tenants.

Buildings (`buildings.py`) and companies (`companies.py`) are both created through `tenant_create`.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django_tenants.utils import get_public_schema_name, schema_exists

from shared_apps.database import db_roles
from shared_apps.database.connection import tenant_connection
from shared_apps.database.schema_clone import clone_schema
from shared_apps.database.spare_schemas import spare_take, spares_refill
from shared_apps.operations.broker import publish
from shared_apps.tenancy.links import host_for
from shared_apps.tenancy.models import Building, Domain, Tenant
from shared_apps.tenancy.slugs import schema_name_for
from shared_apps.tenancy.text import text_clean

logger = logging.getLogger(__name__)


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


def tenant_create(*, tenant_type: str, slug: str, name: str, building: Building) -> Tenant:
    """The tenant row, its schema (a spare renamed, else a clone of the template), its role and its primary host."""
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


def validate_name(name: str) -> str:
    name = text_clean(name)
    if not name:
        raise ValidationError({"name": "A name is required."})
    if len(name) > 120:
        raise ValidationError({"name": "The name is longer than 120 characters."})
    return name


def spares_refill_after_commit() -> None:
    """Have a worker replace the spare this transaction took, once it commits."""
    transaction.on_commit(_refill_later)


def _refill_later() -> None:
    from shared_apps.provisioning.tasks import spare_schemas_refill  # the task module imports the lifecycles

    if not publish(spare_schemas_refill):  # the broker is away: the provisioning stands, and the hourly run refills
        logger.warning("could not queue the spare schemas' refill")
