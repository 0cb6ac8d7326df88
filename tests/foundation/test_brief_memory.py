"""The brief per-process memories (shared_apps/database/brief_memory.py): hosts, kiosk devices, a building's companies.

Each is tested on: one lookup within its time, a change seen at once by this process, nothing remembered
that was not found, and no answer crossing a building or a company.
"""

import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from shared_apps.database import db_roles
from shared_apps.database.brief_memory import brief_memories_forget, generations_forget
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


# --- Which company schemas a building's requests may switch to (shared_apps/database/db_roles.py) ----------------


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


# --- Every process honours a change at its next request (the generations in public.tenancy_memorygeneration) ----


def _generation(kind: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT generation FROM public.tenancy_memorygeneration WHERE kind = %s", [kind])
        row = cursor.fetchone()
        return int(row[0]) if row else 0


def _as_another_process(kind: str) -> None:
    """What another web process's save leaves here: the bumped generation, and no signal in this process."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO public.tenancy_memorygeneration AS g (kind, generation) VALUES (%s, 1)"
            " ON CONFLICT (kind) DO UPDATE SET generation = g.generation + 1",
            [kind],
        )


def test_a_suspension_by_another_process_is_honoured_at_the_next_request(remembering, client_for, acme):
    client = client_for("acme.localhost")
    assert client.get("/accounts/login/").status_code == 200  # acme remembered
    Tenant.objects.filter(pk=acme.pk).update(status=Tenant.Status.SUSPENDED)  # no signal here
    assert client.get("/accounts/login/").status_code == 200  # as remembered: this process was not told
    _as_another_process("tenancy.Tenant")
    assert client.get("/accounts/login/").status_code == 503


def test_a_change_to_another_model_keeps_the_memory(remembering, client_for):
    client = client_for("acme.localhost")
    assert _domain_lookups(client) == (200, 1)
    _as_another_process("kiosk.Kiosk")  # the host memory does not depend on kiosks
    assert _domain_lookups(client) == (200, 0)
    _as_another_process("tenancy.Domain")
    assert _domain_lookups(client) == (200, 1)


def test_a_save_bumps_its_models_generation_in_its_own_transaction(remembering, acme):
    before = _generation("tenancy.Tenant")
    acme.save(update_fields=["name"])
    assert _generation("tenancy.Tenant") == before + 1
    try:
        with transaction.atomic():
            acme.save(update_fields=["name"])
            assert _generation("tenancy.Tenant") == before + 2
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert _generation("tenancy.Tenant") == before + 1  # a change that did not happen bumps nothing


def test_each_request_reads_the_generations_once(remembering, client_for):
    client = client_for("acme.localhost")
    client.get("/accounts/login/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/accounts/login/").status_code == 200
    assert sum("tenancy_memorygeneration" in q["sql"] for q in queries.captured_queries) == 1


def test_outside_a_request_nothing_remembered_is_trusted(remembering, db):
    from shared_apps.tenancy.hosts import host_tenant

    with CaptureQueriesContext(connection) as queries:
        host_tenant("acme.localhost")
        host_tenant("acme.localhost")
    assert sum('FROM "tenancy_domain"' in q["sql"] for q in queries.captured_queries) == 1  # within this "request"
    generations_forget()  # as at the end of every request: a task or a command has read nothing
    with CaptureQueriesContext(connection) as queries:
        host_tenant("acme.localhost")
        host_tenant("acme.localhost")
    assert sum('FROM "tenancy_domain"' in q["sql"] for q in queries.captured_queries) == 2


def test_with_the_memories_off_nothing_is_read_or_bumped(settings, client_for, acme):
    settings.CHECKIN_HOST_CACHE_SECONDS = 0
    before = _generation("tenancy.Tenant")
    acme.save(update_fields=["name"])
    with CaptureQueriesContext(connection) as queries:
        client_for("acme.localhost").get("/accounts/login/")
    assert not [q for q in queries.captured_queries if "tenancy_memorygeneration" in q["sql"]]
    assert _generation("tenancy.Tenant") == before
