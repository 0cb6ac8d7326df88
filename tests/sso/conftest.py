"""A real OpenID provider (tests/oidc_provider, django-oauth-toolkit) for the session, and companies set up to sign
in through it: globex with its own client, acme with another; clients named for a fault give faulty tokens."""

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django_tenants.utils import schema_context, tenant_context

from shared_apps.tenancy.models import Tenant
from tenant_apps.sso.models import IdentityProvider
from tenant_apps.sso.services import identity_provider_save
from tests.conftest import HostClient
from tests.oidc_provider.running import PASSWORD, provider_running, provider_sign_in

CALLBACKS = ["http://globex.localhost/sso/callback/", "http://acme.localhost/sso/callback/"]
SECRET = "client-secret-of-the-tests"
FAULTY_CLIENTS = ("wrong-issuer-client", "wrong-audience-client", "wrong-nonce-client", "expired-client")


def _user(email: str, *groups: str) -> dict[str, Any]:
    return {"email": email, "password": PASSWORD, "first_name": email.split("@")[0].title(), "last_name": "Sso",
            "groups": list(groups)}  # fmt: skip


PROVIDER_CONFIG = {
    "users": [
        _user("grace.admin@globex.example", "checkin-admins"),
        _user("sam.member@globex.example", "staff"),
        _user("nobody@globex.example"),  # no group: no role
        _user("outsider@other.example", "staff"),  # a domain globex does not allow
        _user("admin@globex.example", "staff"),  # globex's existing admin (break-glass password too)
        _user("member@acme.example", "staff"),
    ],
    "clients": [
        {"client_id": client_id, "client_secret": SECRET, "redirect_uris": CALLBACKS}
        for client_id in ("globex-checkin", "acme-checkin", *FAULTY_CLIENTS)
    ],
}


@pytest.fixture(scope="session")
def oidc_issuer() -> Iterator[str]:
    with provider_running(PROVIDER_CONFIG) as issuer:
        yield issuer


def sso_configure(tenant: Tenant, issuer: str, **changes: Any) -> IdentityProvider:
    """Give `tenant` single sign-on through the test provider (as its admin's page would save it)."""
    fields: dict[str, Any] = {
        "name": "Globex ID", "issuer": issuer, "client_id": f"{tenant.slug}-checkin", "client_secret": SECRET,
        "allowed_domains": [f"{tenant.slug}.example"], "role_claim": "groups", "admin_values": ["checkin-admins"],
        "member_values": ["staff"], "create_accounts": True, "sso_only": False, "enabled": True,
    }  # fmt: skip
    with tenant_context(tenant):
        return identity_provider_save(**(fields | changes))


@pytest.fixture
def globex_sso(globex: Tenant, oidc_issuer: str) -> IdentityProvider:
    return sso_configure(globex, oidc_issuer)


def sso_sign_in(client: HostClient, email: str) -> Any:
    """The whole flow as a browser: Check-in's button, the provider's sign-in form, back to Check-in's callback.
    The callback's answer."""
    start = client.get("/sso/login/")
    assert start.status_code == 302, start.content[:300]
    callback = provider_sign_in(start["Location"], email=email)
    parts = urlsplit(callback)
    assert parts.netloc == client.host, callback
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    return client.get(parts.path, query)


def public_tenant(slug: str) -> Tenant:
    with schema_context("public"):
        return Tenant.objects.get(slug=slug)
