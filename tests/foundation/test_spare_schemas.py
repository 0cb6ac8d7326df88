"""Spare schemas: provisioning renames a clone made ahead of time, if it is current and nobody else holds it."""

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_exists

from shared_apps.database.locks import LockKey
from shared_apps.database.schema_clone import clone_statements
from shared_apps.database.spare_schemas import spare_prefix, spares_refill
from shared_apps.provisioning import tenant_schemas
from shared_apps.provisioning.buildings import building_create
from shared_apps.provisioning.companies import company_create
from tests.security.test_database_roles import refused, request_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def spares_on(settings):
    settings.CHECKIN_SPARE_SCHEMAS = 1


def _spares() -> dict[str, int]:
    """The company spares, by name, with their schema's oid (kept by a rename)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname, oid FROM pg_namespace WHERE nspname LIKE '\\_spare\\_company\\_%%'")
        return dict(cursor.fetchall())


def _oid(schema: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [schema])
        return int(cursor.fetchone()[0])


def test_the_refill_makes_spares_of_each_template_up_to_the_setting(spares_on, settings):
    assert spares_refill() == 2  # one company spare, one reception spare
    assert spares_refill() == 0  # full: nothing more
    settings.CHECKIN_SPARE_SCHEMAS = 2
    assert spares_refill() == 2
    assert len(_spares()) == 2 and all(name.startswith(spare_prefix("company")) for name in _spares())


def test_provisioning_renames_a_spare_and_the_company_works_on_its_own_role(spares_on, tower, client_for):
    spares_refill()
    [(spare, oid)] = _spares().items()
    company = company_create(building=tower, slug="spare-co", name="Spare Co")
    assert _oid(company.schema_name) == oid and not schema_exists(spare)
    assert client_for("spare-co.localhost").get("/accounts/login/").status_code == 200
    with request_on("spare-co.localhost"):
        assert "permission denied" in refused("SELECT count(*) FROM acme.visits_visit")


def test_a_building_gets_its_reception_schema_from_a_spare_too(spares_on, client_for):
    spares_refill()
    with connection.cursor() as cursor:
        cursor.execute("SELECT oid FROM pg_namespace WHERE nspname LIKE '\\_spare\\_reception\\_%%'")
        [(oid,)] = cursor.fetchall()
    building_create(slug="spare-house", name="Spare House")
    assert _oid("spare_house") == oid
    assert client_for("spare-house.localhost").get("/accounts/login/").status_code == 200


def test_no_role_of_the_application_can_read_a_spare(spares_on, acme):
    spares_refill()
    [spare] = _spares()
    with request_on("acme.localhost"):
        assert "permission denied" in refused(f"SELECT count(*) FROM {spare}.visits_visitor")


def test_a_stale_spare_is_not_used_and_the_refill_replaces_it(spares_on, tower):
    spares_refill()
    [(stale, oid)] = _spares().items()
    with connection.cursor() as cursor:  # what `migrate_schemas` does to the template, not to spares
        cursor.execute(
            "INSERT INTO _template_company.django_migrations (app, name, applied) VALUES ('visits', 'x_new', now())"
        )
    company = company_create(building=tower, slug="fresh-co", name="Fresh Co")
    assert _oid(company.schema_name) != oid and schema_exists(stale)  # cloned, the stale spare left alone
    with connection.cursor() as cursor:
        # The spare was made in this test's transaction: its copied rows' foreign-key checks are still pending,
        # and PostgreSQL drops no table with pending checks. A spare made by a worker was committed long ago.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED")
    assert spares_refill() == 1
    [fresh] = _spares()
    assert fresh != stale and not schema_exists(stale)


def test_a_spare_another_transaction_holds_is_skipped(spares_on, tower):
    # Made and locked on a second connection: this test's own transaction could not wait for itself.
    spare = spare_prefix("company") + "held"
    statements = clone_statements(template=settings.CHECKIN_TEMPLATE_SCHEMAS["company"], target=spare)
    settings_dict = connection.settings_dict
    other = psycopg.connect(
        host=settings_dict["HOST"] or None, port=settings_dict["PORT"] or None,
        user=settings_dict["USER"], dbname=settings_dict["NAME"], autocommit=True,
    )  # fmt: skip
    try:
        with other.transaction():
            other.execute(";\n".join(statements).encode())
        other.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [LockKey.SPARE_SCHEMA, spare])
        oid = _oid(spare)
        company = company_create(building=tower, slug="other-co", name="Other Co")
        assert _oid(company.schema_name) != oid and schema_exists(spare)
    finally:
        other.execute(f'DROP SCHEMA IF EXISTS "{spare}" CASCADE'.encode())
        other.close()


def test_provisioning_asks_a_worker_for_a_new_spare_after_the_commit(
    spares_on, tower, django_capture_on_commit_callbacks
):
    spares_refill()
    with django_capture_on_commit_callbacks() as callbacks:
        company_create(building=tower, slug="later-co", name="Later Co")
    assert tenant_schemas._refill_later in callbacks


def test_the_maintenance_page_counts_the_spares_ready(spares_on, it_staff):
    assert it_staff.get("/console/maintenance/").context["fleet"].spare_schemas == 0
    spares_refill()
    response = it_staff.get("/console/maintenance/")
    assert response.context["fleet"].spare_schemas == 2 and "spare schemas ready" in response.content.decode()
