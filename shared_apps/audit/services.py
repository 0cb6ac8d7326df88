"""Writing to the audit log: the one way every privileged action is recorded."""

from typing import Any

from django.http import HttpRequest

from shared_apps.audit.models import AuditEntry
from shared_apps.tenancy.connection import tenant_connection


def client_ip(request: HttpRequest | None) -> str | None:
    """The caller's address as the web server saw it (the proxy sets REMOTE_ADDR via gunicorn's forwarded IPs)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor: str,
    action: str,
    tenant_schema: str | None = None,
    request: HttpRequest | None = None,
    object_ids: dict[str, list[int | str]] | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. `details` holds counts and settings, never a visitor's name, e-mail or phone."""
    return AuditEntry.objects.create(
        actor=actor[:200],
        action=action,
        tenant_schema=tenant_schema if tenant_schema is not None else tenant_connection().schema_name,
        ip=client_ip(request),
        object_ids=object_ids or {},
        details=details or {},
    )
