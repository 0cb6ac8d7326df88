"""Signed links of a company host that work for one purpose and on that company's host only.

A token is `signing.dumps(payload)` under a salt naming the purpose and the company's schema, so a token made for
one purpose (approve a walk-in, fill in one's details) or one company is refused by every other. What makes a
link single-use and expiring is the state of the object it names, checked by the module that uses it: the
signature only tells an altered link from a genuine one.
"""

from typing import Any

from django.core import signing
from django.urls import reverse

from shared_apps.database.connection import tenant_connection
from shared_apps.tenancy.links import tenant_url
from shared_apps.tenancy.models import Tenant
from shared_apps.tenancy.public_links import urlconf_of


def _salt(purpose: str) -> str:
    return f"checkin.{purpose}:{tenant_connection().schema_name}"


def link_token(purpose: str, payload: dict[str, Any]) -> str:
    return signing.dumps(payload, salt=_salt(purpose), compress=True)


def link_payload(purpose: str, token: str) -> dict[str, Any] | None:
    """The payload of a genuine token of this purpose and company; None for an altered or foreign one."""
    try:
        data = signing.loads(token, salt=_salt(purpose))
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) else None


def link_url(url_name: str, token: str) -> str:
    """The absolute link, for an e-mail or a webhook, on the current company's host."""
    path = reverse(url_name, args=[token], urlconf=urlconf_of(Tenant.Type.COMPANY))
    return tenant_url(tenant_connection().tenant) + path
