"""The brief per-process memory of which tenant serves a host (shared_apps/tenancy/host_cache.py)."""

import time
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shared_apps.tenancy.host_cache import host_cache_clear
from shared_apps.tenancy.models import Building, Domain, Tenant


@pytest.fixture
def cached(settings) -> Iterator[None]:
    settings.CHECKIN_HOST_CACHE_SECONDS = 5
    host_cache_clear()
    yield
    host_cache_clear()


def _domain_lookups(client, path: str = "/accounts/login/") -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    return status, sum('FROM "tenancy_domain"' in q["sql"] for q in queries.captured_queries)


def test_a_host_is_looked_up_once_within_the_cache_time(cached, client_for):
    client = client_for("acme.localhost")
    assert _domain_lookups(client) == (200, 1)
    assert _domain_lookups(client) == (200, 0)
    host_cache_clear()
    assert _domain_lookups(client) == (200, 1)


def test_an_entry_expires(cached, client_for, settings):
    settings.CHECKIN_HOST_CACHE_SECONDS = 0.2
    client = client_for("acme.localhost")
    assert _domain_lookups(client) == (200, 1)
    assert _domain_lookups(client) == (200, 0)
    time.sleep(0.3)
    assert _domain_lookups(client) == (200, 1)


def test_saving_a_tenant_a_domain_or_a_building_is_seen_at_once(cached, client_for, acme):
    client = client_for("acme.localhost")
    assert client.get("/accounts/login/").status_code == 200
    acme.status = Tenant.Status.SUSPENDED
    acme.save(update_fields=["status"])
    assert client.get("/accounts/login/").status_code == 503  # the suspended page, not the cached company
    acme.status = Tenant.Status.ACTIVE
    acme.save(update_fields=["status"])
    assert _domain_lookups(client) == (200, 1)
    Domain.objects.filter(tenant=acme).first().save()
    assert _domain_lookups(client) == (200, 1)
    Building.objects.get(slug="tower").save()
    assert _domain_lookups(client) == (200, 1)


def test_unknown_hosts_are_not_remembered(cached, client_for):
    client = client_for("nobody.localhost")
    assert _domain_lookups(client) == (404, 1)
    assert _domain_lookups(client) == (404, 1)


def test_each_request_gets_its_own_copy_of_the_tenant(cached, db):
    from shared_apps.tenancy.middleware import TenantHostMiddleware

    middleware = TenantHostMiddleware(lambda request: None)
    first = middleware.get_tenant(Domain, "tower.localhost")
    first.name = "Changed by one request"
    assert first.building is not None
    first.building.name = "Changed too"
    second = middleware.get_tenant(Domain, "tower.localhost")
    assert second.name != "Changed by one request" and second.building is not None
    assert second.building.name != "Changed too"


def test_it_is_off_at_zero(settings, client_for):
    settings.CHECKIN_HOST_CACHE_SECONDS = 0
    client = client_for("acme.localhost")
    assert _domain_lookups(client) == (200, 1)
    assert _domain_lookups(client) == (200, 1)
