"""The brief per-process memories (shared_apps/tenancy/brief_memory.py): hosts, kiosk devices, a building's companies.

Each is tested on: one lookup within its time, a change seen at once by this process, nothing remembered
that was not found, and no answer crossing a building or a company.
"""

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from shared_apps.tenancy import db_roles
from shared_apps.tenancy.brief_memory import brief_memories_forget
from shared_apps.tenancy.models import Building, Domain, Tenant


def _domain_lookups(client, path: str = "/accounts/login/") -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    return status, sum('FROM "tenancy_domain"' in q["sql"] for q in queries.captured_queries)


def test_a_host_is_looked_up_once_within_the_cache_time(remembering, client_for):
    client = client_for("acme.localhost")
    assert _domain_lookups(client) == (200, 1)
    assert _domain_lookups(client) == (200, 0)
    brief_memories_forget()
    assert _domain_lookups(client) == (200, 1)


def test_an_entry_expires(remembering, client_for, settings):
    settings.CHECKIN_HOST_CACHE_SECONDS = 0.2
    client = client_for("acme.localhost")
    assert _domain_lookups(client) == (200, 1)
    assert _domain_lookups(client) == (200, 0)
    time.sleep(0.3)
    assert _domain_lookups(client) == (200, 1)


def test_saving_a_tenant_a_domain_or_a_building_is_seen_at_once(remembering, client_for, acme):
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


def test_unknown_hosts_are_not_remembered(remembering, client_for):
    client = client_for("nobody.localhost")
    assert _domain_lookups(client) == (404, 1)
    assert _domain_lookups(client) == (404, 1)


def test_each_request_gets_its_own_copy_of_the_tenant(remembering, db):
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


# --- Which company schemas a building's requests may switch to (shared_apps/tenancy/db_roles.py) ----------------


def _scope_queries(reception: str, schema: str) -> tuple[str, int]:
    """The role a new request of `reception` takes in `schema`, and how many queries it took to decide."""
    with CaptureQueriesContext(connection) as queries:
        role = db_roles.scope_for_schema(reception).role_for(schema)
    return role, len(queries.captured_queries)


def test_a_buildings_companies_are_read_once_within_the_time(remembering, tower_reception, acme, globex):
    assert _scope_queries("tower", "acme") == (db_roles.schema_role("acme"), 1)
    assert _scope_queries("tower", "globex") == (db_roles.schema_role("globex"), 0)


def test_a_schema_the_memory_lacks_is_read_again_and_another_buildings_company_stays_out(
    remembering, tower_reception, acme, globex, initech
):
    db_roles._companies_of.remember("tower", frozenset({"acme"}))  # as remembered before globex was provisioned
    assert _scope_queries("tower", "globex") == (db_roles.schema_role("globex"), 1)
    assert _scope_queries("tower", "initech") == (db_roles.schema_role("tower"), 1)  # harbour's: the home role
    assert _scope_queries("harbour", "acme") == (db_roles.schema_role("harbour"), 1)
    assert _scope_queries("acme", "globex") == (db_roles.schema_role("acme"), 1)  # a company reaches no other
