"""Reads the reverse proxy relies on, from the public schema."""

from django_tenants.utils import schema_context

from shared_apps.tenancy.hosts import host_tenant


def domain_is_served(*, domain: str) -> bool:
    """A host gets a certificate exactly when the router would serve it (shared_apps/tenancy/hosts.py)."""
    with schema_context("public"):
        return host_tenant(domain) is not None
