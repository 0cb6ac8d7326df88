"""Which tenant serves a host name: one answer for the router and for the TLS proxy's question.

The router (`shared_apps/tenancy/middleware.py`) and the proxy's ask endpoint
(`shared_apps/operations/tls_ask.py`) both call `host_tenant`, so a host gets a
certificate exactly when a request to it would be served. A host is read as Django
reads a Host header (lowercase, without port or trailing dot) and must pass
`ALLOWED_HOSTS`; nothing else is taken off it (django-tenants would strip `www.`:
`www.<company>.<root>` is not the company's host, it is no host at all).
"""

from django.conf import settings
from django.http.request import split_domain_port, validate_host

from shared_apps.database.brief_memory import BriefMemory
from shared_apps.tenancy.models import Domain, Tenant

MAX_HOST_LENGTH = 253  # DNS's limit for a full name

# Which tenant serves a host: looked up on every request, so remembered briefly (unknown hosts never are).
_hosts: BriefMemory[Tenant] = BriefMemory(forget_on=("tenancy.Tenant", "tenancy.Domain", "tenancy.Building"))


def host_name(host: str) -> str | None:
    """The name a Host header (or a certificate's domain) stands for; None when it is not an allowed host name."""
    if len(host) > MAX_HOST_LENGTH + 6:  # the name and a port
        return None
    domain, _port = split_domain_port(host)  # lowercased, trailing dot dropped, "" when malformed
    if not domain or len(domain) > MAX_HOST_LENGTH or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    return domain


def host_tenant(host: str) -> Tenant | None:
    """The live tenant (active or suspended, never removed or a template) that serves `host`, else None.

    Read from the public schema: the caller is on it (the router, before it picks the tenant) or switches to it.
    """
    name = host_name(host)
    if name is None:
        return None

    def lookup() -> Tenant:
        return (
            Domain.objects.select_related("tenant", "tenant__building")
            .get(domain=name, tenant__status__in=[Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED])
            .tenant
        )

    try:
        return _hosts.recall(name, lookup)
    except Domain.DoesNotExist:
        return None
