"""The admin's single sign-on page: the discovery document is fetched and checked on save, the client secret is
stored encrypted and never shown again, each change is audited; members and other companies get nothing."""

from django.db import connection
from django_tenants.utils import tenant_context

from shared_apps.audit.models import AuditEntry
from tenant_apps.sso.models import IdentityProvider
from tests.browser import free_port


def _form(issuer: str, **changes: str) -> dict[str, str]:
    return {
        "name": "Globex ID", "issuer": issuer, "client_id": "globex-checkin", "client_secret": "the-secret-123",
        "allowed_domains": "globex.example, Globex.Example @sub.globex.example", "role_claim": "groups",
        "admin_values": "checkin-admins", "member_values": "", "create_accounts": "on", "enabled": "on",
    } | changes  # fmt: skip


def test_it_saves_a_provider_whose_discovery_answers(globex_admin, globex, oidc_issuer):
    page = globex_admin.get("/settings/sso/")
    assert page.status_code == 200 and b"http://globex.localhost/sso/callback/" in page.content
    response = globex_admin.post("/settings/sso/", _form(oidc_issuer + "/"))
    assert response.status_code == 302
    with tenant_context(globex):
        provider = IdentityProvider.objects.get()
        assert provider.issuer == oidc_issuer  # as the provider writes it, not as typed
        assert provider.allowed_domains == ["globex.example", "sub.globex.example"]
        assert provider.client_secret == "the-secret-123"
        with connection.cursor() as cursor:
            cursor.execute("SELECT client_secret FROM sso_identityprovider")
            stored = cursor.fetchone()[0]
    assert "the-secret-123" not in stored and stored.startswith("gAAAA")  # a Fernet token
    entry = AuditEntry.objects.get(action="sso.configured")
    assert entry.actor == "admin@globex.example" and "client_secret" in entry.details["changed"]
    assert "the-secret-123" not in str(entry.details)
    again = globex_admin.get("/settings/sso/")
    assert b"the-secret-123" not in again.content
    # Saving again without a secret keeps the stored one.
    assert globex_admin.post("/settings/sso/", _form(oidc_issuer, client_secret="", name="Globex")).status_code == 302
    with tenant_context(globex):
        assert IdentityProvider.objects.get().client_secret == "the-secret-123"


def test_an_unreachable_provider_is_refused_with_a_clear_error_in_the_admin_s_language(globex_admin, globex):
    globex_admin.cookies["django_language"] = "fr"
    response = globex_admin.post("/settings/sso/", _form(f"http://127.0.0.1:{free_port()}/o"))
    assert response.status_code == 400
    assert "fournisseur" in response.content.decode()
    with tenant_context(globex):
        assert not IdentityProvider.objects.exists()


def test_a_provider_that_calls_itself_otherwise_or_bad_input_is_refused(globex_admin, oidc_issuer):
    wrong_path = globex_admin.post("/settings/sso/", _form(oidc_issuer.replace("/o", "/other")))
    assert wrong_path.status_code == 400
    response = globex_admin.post("/settings/sso/", _form(oidc_issuer, allowed_domains="not a domain!", role_claim="$",
                                                         client_secret=""))  # fmt: skip
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) >= {"allowed_domains", "role_claim", "client_secret"}


def test_removing_it_brings_passwords_back(globex_admin, globex, globex_sso):
    assert globex_admin.post("/settings/sso/remove/").status_code == 302
    with tenant_context(globex):
        assert not IdentityProvider.objects.exists()
    assert AuditEntry.objects.filter(action="sso.removed").exists()


def test_members_and_other_companies_get_nothing(client_for, acme_admin, acme_member, globex_sso):
    assert acme_member.get("/settings/sso/").status_code == 404
    assert acme_member.post("/settings/sso/remove/").status_code == 404
    assert client_for("globex.localhost").get("/settings/sso/")["Location"].startswith("/accounts/login/")
    acme_admin_on_globex = client_for("globex.localhost")
    acme_admin_on_globex.cookies = acme_admin.cookies
    assert acme_admin_on_globex.get("/settings/sso/")["Location"].startswith("/accounts/login/")
