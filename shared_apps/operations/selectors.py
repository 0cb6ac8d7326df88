"""Reads the reverse proxy relies on, from the public schema."""

from django_tenants.utils import schema_context

from shared_apps.tenancy.models import Domain, Tenant


def domain_is_served(*, domain: str) -> bool:
    """A host gets a certificate only when it routes to a live tenant (active or suspended), never a template."""
    with schema_context("public"):
        return Domain.objects.filter(
            domain=domain.strip().lower().rstrip("."),
            tenant__status__in=[Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED],
        ).exists()
