"""Every live tenant schema's PostgreSQL role and grants (shared_apps/database/db_roles.py), made where missing."""

from shared_apps.database import db_roles
from shared_apps.tenancy.models import Tenant


def roles_sync_all() -> int:
    """Bootstrap, then ensure every tenant schema has its role and grants; returns how many schemas.

    Run at the end of `migrate_schemas`, so a deploy that adds tables or tenants leaves no
    schema without its role.
    """
    schemas = (
        Tenant.objects.filter(type__in=[Tenant.Type.COMPANY, Tenant.Type.RECEPTION])
        .exclude(status=Tenant.Status.REMOVED)
        .values_list("schema_name", flat=True)
    )
    return db_roles.roles_sync(schemas)
