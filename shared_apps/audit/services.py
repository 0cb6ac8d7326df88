"""Writing to the audit log: the one way every privileged action is recorded."""

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from shared_apps.audit.models import AuditEntry
from shared_apps.database.connection import tenant_connection


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


@lru_cache(maxsize=8)
def _networks(written: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Parsed once per setting's value (every request's access line asks), not on each request."""
    return tuple(ipaddress.ip_network(network) for network in written)


def _trusted_proxy(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(ip in network for network in _networks(tuple(settings.CHECKIN_TRUSTED_PROXIES)))


def client_ip(request: HttpRequest | None) -> str | None:
    """The caller's address: REMOTE_ADDR, or, when that is a trusted proxy, the last hop of X-Forwarded-For
    that no trusted proxy added (a client can write anything on the left of that header, never on the right)."""
    if request is None:
        return None
    ip = _ip(request.META.get("REMOTE_ADDR") or "")
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    while ip is not None and _trusted_proxy(ip) and hops:
        hop = _ip(hops.pop())
        if hop is None:
            break
        ip = hop
    return str(ip) if ip is not None else None


def audit_record(
    *,
    actor: str,
    action: str,
    tenant_schema: str | None = None,
    request: HttpRequest | None = None,
    object_ids: dict[str, list[int | str]] | None = None,
    details: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEntry:
    """Append one entry. `details` holds counts and settings, never a visitor's name, e-mail or phone. `ip`: the
    client's address, for a task finishing a request's work without the request at hand."""
    return AuditEntry.objects.create(
        actor=actor[:200],
        action=action,
        tenant_schema=tenant_schema if tenant_schema is not None else tenant_connection().schema_name,
        ip=client_ip(request) if request is not None else ip,
        object_ids=object_ids or {},
        details=details or {},
    )
