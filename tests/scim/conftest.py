"""A SCIM client per company: the test client on the company's host with that company's SCIM token."""

import json
from typing import Any

import pytest
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.tenancy.models import Tenant
from tenant_apps.scim.services import scim_token_create
from tests.conftest import HostClient

SCIM = "application/scim+json"


class ScimClient(HostClient):
    """Sends and reads `application/scim+json` as Entra ID and Okta do."""

    def send(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body) if body is not None else ""
        return getattr(self, method.lower())(path, data, content_type=SCIM)


def scim_key(company: Tenant, name: str = "Entra ID") -> str:
    with tenant_context(company):
        admin = User.objects.filter(role=User.Role.ADMIN).order_by("pk").first()
        assert admin is not None
        return scim_token_create(name=name, created_by=admin)[1]


@pytest.fixture
def acme_scim(acme) -> ScimClient:
    return ScimClient("acme.localhost", HTTP_AUTHORIZATION=f"Bearer {scim_key(acme)}")


@pytest.fixture
def globex_scim(globex) -> ScimClient:
    return ScimClient("globex.localhost", HTTP_AUTHORIZATION=f"Bearer {scim_key(globex)}")
