"""One token model and one header for the company API and the provisioning API: `Authorization: Bearer <key>`.

The IT console's old `Authorization: Token <key>` still works for a deprecation period, and says so.
"""

from typing import Any

import pytest
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.api_tokens.models import ApiToken
from shared_apps.console.services import api_token_create as it_token_create
from shared_apps.tenancy.models import Tenant
from tenant_apps.api.services import api_token_create as company_token_create
from tests.conftest import HostClient

COMPANY_URL = ("acme.localhost", "/api/v1/hosts/")
PROVISIONING_URL = ("localhost", "/api/v1/companies/")


@pytest.fixture
def it_key(db: None) -> str:
    return it_token_create(user=User.objects.get(email="it@checkin.example"), name="CI")[1]


@pytest.fixture
def acme_key(acme: Tenant) -> str:
    with tenant_context(acme):
        return company_token_create(name="HR", created_by=User.objects.get(email="admin@acme.example"))[1]


def _get(where: tuple[str, str], authorization: str) -> Any:
    host, path = where
    return HostClient(host, HTTP_AUTHORIZATION=authorization).get(path)


def test_it_and_company_keys_are_alike_and_sent_as_bearer(it_key, acme_key):
    assert it_key.startswith("ck_") and acme_key.startswith("ck_")
    for where, key in ((PROVISIONING_URL, it_key), (COMPANY_URL, acme_key)):
        response = _get(where, f"Bearer {key}")
        assert response.status_code == 200 and "Deprecation" not in response


@pytest.mark.parametrize("where", [PROVISIONING_URL, COMPANY_URL])
def test_the_old_token_header_still_works_and_is_marked_deprecated(it_key, acme_key, where):
    key = it_key if where == PROVISIONING_URL else acme_key
    response = _get(where, f"Token {key}")
    assert response.status_code == 200 and response["Deprecation"] == "true"
    refused = _get(where, "Token ck_unknown")
    assert refused.status_code == 401 and refused["Deprecation"] == "true"


def test_a_key_opens_only_the_schema_it_was_made_in(it_key, acme_key):
    """IT's tokens are in `public`, a company's in its own schema: each is unknown on the other's host."""
    assert _get(COMPANY_URL, f"Bearer {it_key}").status_code == 401
    assert _get(PROVISIONING_URL, f"Bearer {acme_key}").status_code == 401
    assert _get(("globex.localhost", "/api/v1/hosts/"), f"Bearer {acme_key}").status_code == 401
    assert _get(("tower.localhost", "/api/v1/hosts/"), f"Bearer {acme_key}").status_code in (401, 404)


def test_a_token_of_an_admin_made_a_member_is_refused(acme, acme_key):
    with tenant_context(acme):
        User.objects.filter(email="admin@acme.example").update(role=User.Role.MEMBER)
    response = _get(COMPANY_URL, f"Bearer {acme_key}")
    assert response.status_code == 403
    assert response.json()["detail"] == "The admin who made this token can no longer use the API."


def test_a_token_of_a_deleted_account_is_refused(acme, acme_key):
    with tenant_context(acme):
        token = ApiToken.objects.get(name="HR")
        ApiToken.objects.filter(pk=token.pk).update(created_by=None)
    assert _get(COMPANY_URL, f"Bearer {acme_key}").status_code == 401


@pytest.mark.parametrize("where", [PROVISIONING_URL, COMPANY_URL])
def test_both_openapi_schemas_document_one_bearer_scheme_and_the_deprecation(it_key, acme_key, where):
    host, _path = where
    key = it_key if where == PROVISIONING_URL else acme_key
    schema = HostClient(host, HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/schema/?format=json").json()
    schemes = schema["components"]["securitySchemes"]
    assert set(schemes) - {"cookieAuth"} == {"apiToken"}  # the company API also takes the portal session
    assert (schemes["apiToken"]["type"], schemes["apiToken"]["scheme"]) == ("http", "bearer")
    assert "Deprecation: true" in schemes["apiToken"]["description"]


def test_a_refusal_is_in_the_clients_language(acme):
    host, path = COMPANY_URL
    response = HostClient(host).get(path, HTTP_AUTHORIZATION="Bearer ck_unknown", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 401 and response.json()["detail"] == "Jeton d'API invalide ou révoqué."
