"""API tokens: made and revoked by company admins on /api/v1/tokens/, the key shown once, only its hash kept."""

import re

from django_tenants.utils import tenant_context

from shared_apps.api_tokens.keys import api_key_hash
from shared_apps.api_tokens.models import ApiToken
from shared_apps.audit.models import AuditEntry
from tests.conftest import HostClient


def test_an_admin_makes_a_token_whose_key_is_shown_once(acme, acme_admin):
    response = acme_admin.post("/api/v1/tokens/", {"name": "Badge printer"})
    assert response.status_code == 200
    found = re.search(r'value="(ck_[^"]+)"', response.content.decode())
    assert found is not None
    key = found.group(1)
    with tenant_context(acme):
        token = ApiToken.objects.get(name="Badge printer")
        assert token.key_hash == api_key_hash(key) and key not in token.prefix + token.key_hash
    assert key not in acme_admin.get("/api/v1/tokens/").content.decode()
    assert AuditEntry.objects.filter(action="api.token_created", tenant_schema="acme").exists()
    assert HostClient("acme.localhost", HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/hosts/").status_code == 200


def test_a_token_needs_a_name(acme_admin):
    response = acme_admin.post("/api/v1/tokens/", {"name": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()


def test_a_revoked_token_is_refused_and_its_use_is_recorded(acme, acme_admin, acme_objects, acme_api):
    assert acme_api.get("/api/v1/visits/").status_code == 200
    with tenant_context(acme):
        assert ApiToken.objects.get(pk=acme_objects.token.pk).last_used_at is not None
    assert acme_admin.post(f"/api/v1/tokens/{acme_objects.token.pk}/revoke/").status_code == 302
    response = acme_api.get("/api/v1/visits/")
    assert response.status_code == 401 and response.json()["detail"] == "Invalid or revoked API token."


def test_a_token_stops_working_when_its_admin_is_deactivated(acme, acme_api):
    from shared_apps.accounts.models import User

    with tenant_context(acme):
        User.objects.filter(email="admin@acme.example").update(is_active=False)
    assert acme_api.get("/api/v1/visits/").status_code == 401


def test_a_malformed_header_is_401(client_for):
    client = client_for("acme.localhost")
    assert client.get("/api/v1/visits/", HTTP_AUTHORIZATION="Bearer").status_code == 401
    assert client.get("/api/v1/visits/", HTTP_AUTHORIZATION="Bearer ck_unknown").status_code == 401


def test_the_token_table_is_in_the_users_language(acme_admin):
    acme_admin.post("/api/v1/tokens/", {"name": "Badge printer"})
    page = acme_admin.get("/api/v1/tokens/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Badge printer" in page and "Sleutel begint met" in page and ">Key<" not in page
