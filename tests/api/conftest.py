import datetime as dt
from dataclasses import dataclass

import pytest
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.api_tokens.models import ApiToken
from shared_apps.tenancy.models import Tenant
from tenant_apps.api.services import api_token_create
from tenant_apps.parcels.models import Parcel
from tenant_apps.parcels.services import ParcelDetails, parcel_record
from tenant_apps.visits.models import Host, Visit, Visitor
from tenant_apps.visits.services import Actor, visit_register
from tests.conftest import HostClient


@pytest.fixture(autouse=True)
def _eager(eager: None) -> None:
    """Every API test runs its tasks in-process (tests/conftest.py's `eager`)."""


@dataclass(frozen=True)
class CompanyObjects:
    """One of each object of a company, with the ids an outsider might try."""

    tenant: Tenant
    key: str
    token: ApiToken
    visitor: Visitor
    host: Host
    visit: Visit
    parcel: Parcel

    def ids(self) -> dict[str, int]:
        return {"visitor": self.visitor.pk, "host": self.host.pk, "visit": self.visit.pk, "token": self.token.pk,
                "parcel": self.parcel.pk}  # fmt: skip


def _objects(tenant: Tenant) -> CompanyObjects:
    with tenant_context(tenant):
        admin = User.objects.get(email=f"admin@{tenant.slug}.example")
        token, key = api_token_create(name="HR system", created_by=admin)
        visitor = Visitor.objects.create(first_name="Nora", last_name="Vermeulen", email="nora@example.org")
        host = Host.objects.create(name="Ines Claes", email="ines@example.org")
        start = dt.datetime(2027, 5, 4, 10, 0, tzinfo=dt.UTC)
        visit = visit_register(
            visitor=visitor,
            host=host,
            expected_start=start,
            expected_end=start + dt.timedelta(hours=1),
            purpose="Interview",
            actor=Actor(label=admin.email, channel=Visit.Channel.INVITATION, user=admin),
        )
        parcel = parcel_record(
            details=ParcelDetails(host_id=host.pk, carrier="DHL", tracking_reference="API-1", items=1),
            actor_label="desk:tower:desk@tower.example",
        )
    return CompanyObjects(tenant=tenant, key=key, token=token, visitor=visitor, host=host, visit=visit, parcel=parcel)


@pytest.fixture
def acme_objects(acme) -> CompanyObjects:
    return _objects(acme)


@pytest.fixture
def globex_objects(globex) -> CompanyObjects:
    return _objects(globex)


@pytest.fixture
def acme_api(acme_objects) -> HostClient:
    return HostClient("acme.localhost", HTTP_AUTHORIZATION=f"Bearer {acme_objects.key}")


@pytest.fixture
def globex_api(globex) -> HostClient:
    """A globex token, and no new globex objects: acme's fresh ids then exist nowhere in globex."""
    with tenant_context(globex):
        _, key = api_token_create(name="CRM", created_by=User.objects.get(email="admin@globex.example"))
    return HostClient("globex.localhost", HTTP_AUTHORIZATION=f"Bearer {key}")
