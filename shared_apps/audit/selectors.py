"""Reads of the audit log (a public-schema table, readable from every schema through the search path)."""

from django.db.models import QuerySet

from shared_apps.audit.models import AuditEntry


def audit_entries_of_tenant(*, schema_name: str) -> QuerySet[AuditEntry]:
    """Entries about one tenant, newest first: what a company's admins may see about their company."""
    return AuditEntry.objects.filter(tenant_schema=schema_name)
