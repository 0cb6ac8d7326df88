"""The building's views: one function builds them; provisioning, removal and migrations keep them right."""

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.db.models.signals import pre_migrate
from django.db.utils import DatabaseError
from django_tenants.management.commands import migrate_schemas
from django_tenants.utils import schema_context, tenant_context

from shared_apps.database.connection import tenant_connection
from shared_apps.database.locks import LockKey
from shared_apps.provisioning.buildings import building_create
from shared_apps.provisioning.companies import company_create
from shared_apps.provisioning.migration_executor import executor_rebuilding_reception_views
from shared_apps.tenancy.models import Building, Tenant
from shared_apps.tenancy.slugs import schema_name_for
from tenant_apps.desk import building_sql_views
from tenant_apps.desk.building_sql_views import (
    DESK_HOSTS,
    DESK_VISITS,
    Column,
    DeskView,
    _lz4_available,
    building_sql_views_rebuild,
)
from tenant_apps.desk.models import DeskHost, DeskVisit
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
        "row_key", "company_slug", "company_name", "visit_id", "code_digest", "state", "expected_start", "expected_end",
        "checked_in_at", "checked_out_at", "first_name", "last_name", "visitor_company", "host_name",
    ]  # fmt: skip
    assert _view_columns("tower", "desk_hosts") == ["row_key", "company_slug", "company_name", "host_id", "name"]


def test_the_stored_view_definitions_are_compressed_with_lz4(tower):
    # Writing and reading a 100-company view's 1.3 MB query tree is cheaper with lz4 than with the default pglz.
    if not _lz4_available():
        pytest.skip("this PostgreSQL server was built without lz4")
    building_sql_views_rebuild(building=tower)
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
        other.execute("SELECT pg_advisory_lock(%s, %s)", [LockKey.DESK_VIEWS, tower.pk])
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
            building_sql_views_rebuild(building=tower)
    finally:
        other.close()
    assert building_sql_views_rebuild(building=tower) == 2


def test_provisioning_a_company_adds_it_and_removing_it_takes_it_out(tower, make_visit):
    hooli = company_create(building=tower, slug="hooli", name="Hooli")
    make_visit(hooli)
    assert "hooli" in _companies_in_view("tower")

    hooli.status = Tenant.Status.REMOVED
    hooli.save(update_fields=["status"])
    building_sql_views_rebuild(building=tower)
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
    assert building_sql_views_rebuild(building=tower) == 1
    assert "globex" not in _companies_in_view("tower")


def test_a_company_of_another_building_is_not_in_this_buildings_views(harbour, make_visit):
    make_visit(company_create(building=harbour, slug="vandelay", name="Vandelay"))
    assert "vandelay" in _companies_in_view("harbour")
    assert "vandelay" not in _companies_in_view("tower")


WIDER_CODE = {"visits": "tests.extra_migrations.visits_wider_code"}  # a column, then the code widened


def test_migrate_schemas_uses_the_executor_that_rebuilds_the_views():
    # Timed for the metrics (shared_apps/operations/migration_metrics.py) around the one that rebuilds the views.
    executor = migrate_schemas.GET_EXECUTOR_FUNCTION(codename=None)
    rebuilding = executor_rebuilding_reception_views(codename=None)
    assert executor.__mro__[1].__name__ == rebuilding.__name__
    assert executor.run_multi_type_migrations is not rebuilding.run_multi_type_migrations


def _in_tower_views() -> set[str] | None:
    """Companies in tower's views, read without leaving the connection's current schema; None without views."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('tower.desk_visits') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT company_slug FROM tower.desk_visits UNION SELECT company_slug FROM tower.desk_hosts")
        return {row[0] for row in cursor.fetchall()}


def _code_length(schema: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT character_maximum_length FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = 'visits_visit' AND column_name = 'code_digest'",
            [schema],
        )
        return int(cursor.fetchone()[0])


@pytest.fixture
def migrating(settings: Any, acme: Tenant) -> Iterator[list[tuple[str, set[str] | None]]]:
    """migrate_schemas of the visits migrations plus WIDER_CODE's; yields (schema, companies in tower's views)
    as each schema's `migrate` starts, read while it runs."""
    settings.MIGRATION_MODULES = WIDER_CODE
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # test rows' deferred checks would block ALTER TABLE
    seen: list[tuple[str, set[str] | None]] = []

    def record(sender: Any, **kwargs: Any) -> None:
        if sender.label == "visits":
            seen.append((tenant_connection().schema_name, _in_tower_views()))

    pre_migrate.connect(record, weak=False)
    try:
        yield seen
    finally:
        pre_migrate.disconnect(record)


def test_views_stay_readable_while_companies_migrate_and_a_blocked_company_alone_steps_aside(
    acme, globex, make_visit, migrating
):
    visit = make_visit(acme)
    with pytest.raises(DatabaseError, match="view"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            'ALTER TABLE "acme".visits_visit ALTER COLUMN code_digest TYPE varchar(72)'
        )  # the views block it

    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)

    assert _code_length("acme") == _code_length("globex") == _code_length("initech") == 72
    # Each company's `migrate` ran twice: first with the views whole (where the code change was refused),
    # then with only that company out of them, the rest of the building still on the desk.
    assert ("acme", {"acme", "globex"}) in migrating
    assert ("acme", {"globex"}) in migrating
    assert ("globex", {"acme"}) in migrating
    with tenant_context(acme):
        Visit.objects.filter(pk=visit.pk).update(state=Visit.State.ON_SITE)
    with schema_context("tower"):
        row = DeskVisit.objects.get(company_slug="acme", visit_id=visit.pk)
    assert row.state == Visit.State.ON_SITE
    assert _companies_in_view("tower") == {"acme", "globex"}


def test_a_release_whose_views_read_a_new_column_drops_them_only_until_every_company_has_it(
    acme, globex, make_visit, migrating, monkeypatch
):
    make_visit(acme)
    make_visit(globex)
    with_badge = DeskView(
        DESK_VISITS.name, [*DESK_VISITS.columns, Column("badge_colour", "text", "v.badge_colour")], DESK_VISITS.source
    )
    monkeypatch.setattr(building_sql_views, "DESK_VIEWS", (with_badge, DESK_HOSTS))

    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)

    assert _code_length("acme") == _code_length("globex") == 72
    # The first of the two to be set aside could not have views without the column: none until the end.
    assert None in [companies for _schema, companies in migrating]
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT company_slug, badge_colour FROM tower.desk_visits")
        assert sorted(cursor.fetchall()) == [("acme", None), ("globex", None)]


def test_a_migration_blocked_by_something_else_than_the_desk_views_fails_as_it_is(acme, settings):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("CREATE VIEW acme.codes AS SELECT code_digest FROM acme.visits_visit")
    settings.MIGRATION_MODULES = WIDER_CODE

    with pytest.raises(DatabaseError, match="codes"):
        call_command("migrate_schemas", tenant=True, schema_name="acme", interactive=False, verbosity=0)


def test_every_building_gets_its_views_rebuilt_after_migrations(db):
    building_create(slug="dock-two", name="Dock Two")  # a hyphen in the slug, an underscore in the schema
    executor = executor_rebuilding_reception_views("standard")([], {})
    executor.run_multi_type_migrations(tenants=[])
    for building in Building.objects.all():
        with schema_context(schema_name_for(building.slug)):  # a slug's hyphens are underscores in its schema
            DeskVisit.objects.count()


def test_the_console_services_keep_the_views_current(tower, make_visit):
    from shared_apps.provisioning.companies import (
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
