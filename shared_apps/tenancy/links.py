"""A tenant's addresses: the host a slug is given, and the URL users type to reach a tenant.

Beside public_links.py, not in it: settings import that one, and these need the tenant model.
"""

from django.conf import settings

from shared_apps.tenancy.models import Tenant
from shared_apps.tenancy.public_links import public_origin


def host_for(slug: str) -> str:
    return f"{slug}.{settings.CHECKIN_ROOT_DOMAIN}"


def tenant_url(tenant: Tenant) -> str:
    """The address of a tenant's primary host, as users type it."""
    # Iterating .all() uses a prefetch when the caller made one.
    primary = [domain.domain for domain in tenant.domains.all() if domain.is_primary]
    return public_origin(primary[0] if primary else settings.CHECKIN_ROOT_DOMAIN)
