"""The building's views: one function builds them; provisioning, removal and migrations keep them right."""

from typing import Any

import psycopg
import pytest
from django.db import OperationalError, connection, transaction
from django.db.utils import DatabaseError
from django_tenants.management.commands import migrate_schemas
from django_tenants.migration_executors.base import MigrationExecutor
from django_tenants.utils import schema_context, tenant_context

from shared_apps.tenancy.models import Building, Tenant
from shared_apps.tenancy.services import building_create, company_create
from tenant_apps.desk.migration_executor import executor_rebuilding_reception_views
from tenant_apps.desk.models import DeskHost, DeskVisit
from tenant_apps.desk.reception_views import _LOCK_KEY, _lz4_available, reception_views_rebuild
from tenant_apps.visits.models import Visit


def _companies_in_view(reception_schema: str) -> set[str]:
    with schema_context(reception_schema):
        return set(DeskVisit.objects.values_list("company_slug", flat=True)) | set(
            DeskHost.objects.values_list("company_slug", flat=True)
        )


def test_tower_views_hold_acme_and_globex_and_harbour_views_hold_only_initech(acme, globex, make_visit):
    acme_visit = make_visit(acme)
    globex_visit = make_visit(globex)
    with schema_context("tower"):
        keys = set(DeskVisit.objects.values_list("company_slug", "visit_id"))
    assert ("acme", acme_visit.pk) in keys and ("globex", globex_visit.pk) in keys
    assert _companies_in_view("tower") == {"acme", "globex"}
    assert _companies_in_view("harbour") <= {"initech"}


def test_a_building_without_companies_has_empty_views_with_every_column(db):
    building_create(slug="lonely", name="Lonely House")
    with schema_context("lonely"):
        assert DeskVisit.objects.count() == 0
        assert DeskHost.objects.count() == 0
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM desk_visits")
            columns = [column.name for column in cursor.description]
    assert columns == [field.column for field in DeskVisit._meta.fields]


def _view_columns(schema: str, view: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
            "ORDER BY ordinal_position",
            [schema, view],
        )
        return [row[0] for row in cursor.fetchall()]


def test_views_expose_only_what_the_desk_shows(db):
    # The board, the evacuation list and CSV, and the walk-in form's hosts: no e-mail, phone, purpose,
    # consent, language or internal ids of visitors and hosts.
    assert _view_columns("tower", "desk_visits") == [
        "row_key", "company_slug", "company_name", "visit_id", "code", "state", "expected_start", "expected_end",
        "checked_in_at", "checked_out_at", "first_name", "last_name", "visitor_company", "host_name",
    ]  # fmt: skip
    assert _view_columns("tower", "desk_hosts") == ["row_key", "company_slug", "company_name", "host_id", "name"]


def test_the_stored_view_definitions_are_compressed_with_lz4(tower):
    # Writing and reading a 100-company view's 1.3 MB query tree is cheaper with lz4 than with the default pglz.
    if not _lz4_available():
        pytest.skip("this PostgreSQL server was built without lz4")
    reception_views_rebuild(building=tower)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_column_compression(r.ev_action) FROM pg_rewrite r "
            "JOIN pg_class c ON c.oid = r.ev_class AND c.relnamespace = 'tower'::regnamespace "
            "WHERE c.relname IN ('desk_visits', 'desk_hosts')"
        )
        assert dict(cursor.fetchall()) == {"desk_visits": "lz4", "desk_hosts": "lz4"}


def test_a_rebuild_waits_for_another_rebuild_of_the_same_building(tower):
    # Two provisionings in one building queue on this lock, so the second one sees the first one's company.
    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"],
        password=settings["PASSWORD"] or None, dbname=settings["NAME"], autocommit=True,
    )  # fmt: skip
    try:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [_LOCK_KEY, tower.pk])
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
            reception_views_rebuild(building=tower)
    finally:
        other.close()
    assert reception_views_rebuild(building=tower) == 2


def test_provisioning_a_company_adds_it_and_removing_it_takes_it_out(tower, make_visit):
    hooli = company_create(building=tower, slug="hooli", name="Hooli")
    make_visit(hooli)
    assert "hooli" in _companies_in_view("tower")

    hooli.status = Tenant.Status.REMOVED
    hooli.save(update_fields=["status"])
    reception_views_rebuild(building=tower)
    assert "hooli" not in _companies_in_view("tower")
    assert {"acme", "globex"} <= _companies_in_view("tower")
    # With the views rebuilt first, dropping the schema does not take the building's views with it.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute('DROP SCHEMA "hooli" CASCADE')
    assert {"acme", "globex"} <= _companies_in_view("tower")


def test_a_suspended_company_leaves_the_views_at_the_rebuild(tower, globex):
    globex.status = Tenant.Status.SUSPENDED
    globex.save(update_fields=["status"])
    assert reception_views_rebuild(building=tower) == 1
    assert "globex" not in _companies_in_view("tower")


def test_a_company_of_another_building_is_not_in_this_buildings_views(harbour, make_visit):
    make_visit(company_create(building=harbour, slug="vandelay", name="Vandelay"))
    assert "vandelay" in _companies_in_view("harbour")
    assert "vandelay" not in _companies_in_view("tower")


class _AlterVisitTable(MigrationExecutor):
    """Stands in for a deploy's migration: adds a column to the visit table and widens one the views select."""

    codename = "desk-test-alter-visit"

    def run_multi_type_migrations(self, tenants: Any) -> None:
        with connection.cursor() as cursor:
            for schema, tenant_type in tenants:
                if tenant_type == Tenant.Type.COMPANY:
                    cursor.execute(f'ALTER TABLE "{schema}".visits_visit ADD COLUMN badge_colour varchar(20)')
                    cursor.execute(f'ALTER TABLE "{schema}".visits_visit ALTER COLUMN code TYPE varchar(24)')


def test_migrate_schemas_uses_the_executor_that_rebuilds_the_views():
    # Timed for the metrics (shared_apps/operations/migration_metrics.py) around the one that rebuilds the views.
    executor = migrate_schemas.GET_EXECUTOR_FUNCTION(codename=None)
    rebuilding = executor_rebuilding_reception_views(codename=None)
    assert executor.__mro__[1].__name__ == rebuilding.__name__
    assert executor.run_multi_type_migrations is not rebuilding.run_multi_type_migrations


def test_a_migration_altering_the_visit_table_leaves_the_views_working(acme, globex, make_visit):
    visit = make_visit(acme)
    tenants = [(t.schema_name, t.type) for t in Tenant.objects.exclude(schema_name="public")]

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # test rows' deferred checks would block ALTER TABLE
    with pytest.raises(DatabaseError, match="view"), transaction.atomic(), connection.cursor() as cursor:
        # Without the wrapper, the views block the column change.
        cursor.execute('ALTER TABLE "acme".visits_visit ALTER COLUMN code TYPE varchar(24)')

    executor = executor_rebuilding_reception_views(_AlterVisitTable.codename)([], {})
    executor.run_multi_type_migrations(tenants=tenants)

    with tenant_context(acme):
        Visit.objects.filter(pk=visit.pk).update(state=Visit.State.ON_SITE)
    with schema_context("tower"):
        row = DeskVisit.objects.get(company_slug="acme", visit_id=visit.pk)
    assert row.state == Visit.State.ON_SITE
    assert _companies_in_view("tower") == {"acme", "globex"}


def test_every_building_gets_its_views_rebuilt_after_migrations(db):
    executor = executor_rebuilding_reception_views(_AlterVisitTable.codename)([], {})
    executor.run_multi_type_migrations(tenants=[])
    for building in Building.objects.all():
        with schema_context(building.slug):
            DeskVisit.objects.count()


def test_the_console_services_keep_the_views_current(tower, make_visit):
    from shared_apps.tenancy.company_lifecycle import (
        company_reactivate,
        company_remove,
        company_suspend,
        company_update,
    )

    hooli = company_create(building=tower, slug="hooli-two", name="Hooli")
    make_visit(hooli)
    company_suspend(company=hooli, actor="it:test")
    assert "hooli-two" not in _companies_in_view("tower")
    company_reactivate(company=hooli, actor="it:test")
    assert "hooli-two" in _companies_in_view("tower")
    company_update(company=hooli, actor="it:test", name="Hooli Renamed", custom_domain="")
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT company_name FROM tower.desk_visits WHERE company_slug = 'hooli-two'")
        assert cursor.fetchall() == [("Hooli Renamed",)]
    company_remove(company=hooli, actor="it:test")
    assert "hooli-two" not in _companies_in_view("tower")
