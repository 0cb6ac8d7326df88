"""The database itself keeps companies and buildings apart: raw SQL inside a request or task.

Each test enters a request the way Django does (request_started, then the host
middleware resolving the host), runs SQL that application code should never run,
and checks that PostgreSQL refuses it.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from checkin.celery import app
from shared_apps.database import db_roles
from shared_apps.database.connection import tenant_connection
from shared_apps.tenancy.middleware import TenantHostMiddleware
from tests.foundation.schema_probe import role_probe

pytestmark = pytest.mark.django_db


@contextmanager
def _signals_keep_the_connection() -> Iterator[None]:
    # As Django's test client does: the test's transaction lives on this connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@contextmanager
def request_on(host: str) -> Iterator[None]:
    with _signals_keep_the_connection():
        request_started.send(sender=None)
        try:
            middleware = TenantHostMiddleware(lambda request: HttpResponse())
            assert middleware.process_request(RequestFactory().get("/", HTTP_HOST=host)) is None
            yield
        finally:
            request_finished.send(sender=None)


def run(sql: str) -> list[tuple]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall() if cursor.description else []


def refused(sql: str) -> str:
    """The error PostgreSQL gives; fails the test if the statement went through."""
    with pytest.raises(DatabaseError) as error:
        run(sql)
    return str(error.value)


def current_user() -> str:
    return run("SELECT current_user")[0][0]


def test_a_company_request_runs_as_its_own_role_and_reads_its_own_tables(acme):
    with request_on("acme.localhost"):
        assert current_user() == db_roles.schema_role("acme")
        assert run("SELECT count(*) FROM visits_visit")[0][0] >= 0
    assert current_user() != db_roles.schema_role("acme"), "the role is reset after the request"


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM globex.visits_visit",
        "SELECT * FROM globex.visits_visitor",
        "SELECT * FROM initech.visits_visit",
        "UPDATE globex.visits_visitor SET first_name = 'x'",
        "SELECT * FROM tower.readmodel_visit",
        "SELECT * FROM tower.readmodel_host",
        "SELECT company_id FROM tower.readmodel_visit WHERE company_id = 1",
        "INSERT INTO tower.readmodel_visit (company_id, visit_id, code, state, expected_start, expected_end, "
        "first_name, last_name, visitor_company, host_name) VALUES (1, 1, 'X', 'on_site', now(), now(), 'a', 'b', "
        "'', '')",
        "DELETE FROM tower.readmodel_visit",
        "UPDATE tower.readmodel_visit SET first_name = 'x'",
        "TRUNCATE tower.readmodel_visit",
        "SELECT * FROM harbour.readmodel_visit",
        "SELECT * FROM tower.accounts_user",
        "SELECT * FROM public.accounts_user",
        "SELECT * FROM public.django_session",
        "SELECT * FROM _template_company.visits_visit",
    ],
)
def test_a_company_request_cannot_read_anything_of_another_schema(acme, sql):
    with request_on("acme.localhost"):
        assert "permission denied" in refused(sql)


def test_pointing_the_search_path_at_another_company_keeps_the_requests_role(acme, globex):
    with request_on("acme.localhost"):
        tenant_connection().set_tenant(globex)  # a bug: the schema of another company
        assert current_user() == db_roles.schema_role("acme")
        # PostgreSQL skips a search-path schema the role may not use: the table is not even found.
        assert "does not exist" in refused("SELECT * FROM visits_visit")
        assert "permission denied" in refused("SELECT * FROM globex.visits_visit")


def test_the_role_is_set_again_after_a_rollback(acme):
    with request_on("acme.localhost"), transaction.atomic():
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1/0")
        assert current_user() == db_roles.schema_role("acme")
        assert "permission denied" in refused("SELECT * FROM globex.visits_visit")


def test_the_audit_log_cannot_be_changed_by_any_request_role(acme):
    with request_on("localhost"):
        assert current_user() == db_roles.schema_role("public")
        assert "permission denied" in refused("UPDATE audit_auditentry SET action = 'rewritten'")
        assert "permission denied" in refused("DELETE FROM audit_auditentry")
    with request_on("acme.localhost"):
        assert "permission denied" in refused("DELETE FROM public.audit_auditentry")


def test_the_desk_of_tower_reads_its_read_model_and_no_company_table(tower, acme, globex):
    with request_on("tower.localhost"):
        assert current_user() == db_roles.schema_role("tower")
        companies = {row[0] for row in run("SELECT DISTINCT company_id FROM readmodel_visit")}
        assert companies <= {acme.pk, globex.pk}
        for sql in [
            "SELECT * FROM harbour.readmodel_visit",
            "SELECT * FROM harbour.readmodel_host",
            "SELECT * FROM harbour.accounts_user",
            "SELECT * FROM acme.visits_visit",
            "SELECT * FROM acme.visits_visitor",
            "SELECT * FROM globex.visits_visit",
            "SELECT * FROM initech.visits_visit",
            # The read model is written by the companies' triggers only: the desk reads it.
            "DELETE FROM readmodel_visit",
            "UPDATE readmodel_visit SET state = 'left'",
            "UPDATE readmodel_host SET name = 'x'",
            "INSERT INTO readmodel_host (company_id, host_id, name) VALUES (1, 1, 'x')",
            "TRUNCATE readmodel_visit",
            "DELETE FROM readmodel_filled",
        ]:
            assert "permission denied" in refused(sql), sql


def test_a_company_request_writes_only_its_own_rows_of_the_read_model_through_its_own_tables(acme, globex):
    """The trigger takes the company from the table that fired: acme's statements touch acme's rows alone."""
    import datetime as dt

    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from tenant_apps.visits.models import Visit, Visitor

    for company in (acme, globex):
        with tenant_context(company):
            visitor = Visitor.objects.create(first_name="Ann", last_name="Example")
            now = timezone.now()
            Visit.objects.create(
                visitor=visitor,
                expected_start=now,
                expected_end=now + dt.timedelta(hours=1),
                channel=Visit.Channel.DESK,
            )
    with request_on("globex.localhost"):
        run("UPDATE visits_visitor SET first_name = 'Globexian'")
        run("UPDATE visits_visit SET state = 'on_site'")
    with request_on("acme.localhost"):
        run("UPDATE visits_visitor SET first_name = 'Acmeian'")
        run("UPDATE visits_visit SET state = 'cancelled'")
    rows = set(run(f"SELECT company_id, first_name, state FROM tower.readmodel_visit "
                   f"WHERE company_id IN ({acme.pk}, {globex.pk})"))  # fmt: skip
    counts = dict(run(f"SELECT {acme.pk}, count(*) FROM acme.visits_visit UNION ALL "
                      f"SELECT {globex.pk}, count(*) FROM globex.visits_visit"))  # fmt: skip
    assert counts[acme.pk] and counts[globex.pk]
    assert rows == {(acme.pk, "Acmeian", "cancelled"), (globex.pk, "Globexian", "on_site")}


def test_the_read_model_holds_only_what_the_desk_shows(tower):
    columns = {row[0] for row in run(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'tower' "
        "AND table_name IN ('readmodel_visit', 'readmodel_host')"
    )}  # fmt: skip
    assert columns and not columns & {"email", "phone", "purpose", "consent_at", "language", "visitor_id", "notes"}


def test_a_kiosk_request_of_tower_cannot_reach_a_company_of_harbour(tower, acme, initech):
    with request_on("tower.localhost"):  # the kiosk is served on its building's host
        tenant_connection().set_tenant(acme)  # a company of the building: where the kiosk writes a check-in
        assert current_user() == db_roles.schema_role("acme")
        run("SELECT count(*) FROM visits_visit")
        tenant_connection().set_tenant(initech)  # a company of another building
        assert current_user() == db_roles.schema_role("tower")
        assert "does not exist" in refused("SELECT * FROM visits_visit")
        assert "permission denied" in refused("SELECT * FROM initech.visits_visitor")


def test_a_host_lookup_before_the_host_is_known_reads_only_the_shared_tables(db):
    with _signals_keep_the_connection():
        request_started.send(sender=None)
        try:
            assert current_user() == db_roles.shared_role()
            assert run("SELECT count(*) FROM tenancy_domain")[0][0] > 0
            assert "permission denied" in refused("SELECT * FROM accounts_user")
        finally:
            request_finished.send(sender=None)


def test_a_task_runs_as_the_role_of_the_schema_it_was_sent_from(acme):
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with request_on("acme.localhost"):
            role, other = role_probe.delay().get()
    finally:
        app.conf.task_always_eager = eager
    assert role == db_roles.schema_role("acme")
    assert "permission denied" in other


def test_provisioning_from_a_request_runs_as_the_owner(tower):
    from shared_apps.provisioning.companies import company_create

    with request_on("localhost"):
        company = company_create(building=tower, slug="roles-check", name="Roles Check")
        tenant_connection().set_tenant(company)
        assert current_user() == db_roles.schema_role("roles_check"), "IT's root host may take any company's role"
    with request_on("roles-check.localhost"):
        assert current_user() == db_roles.schema_role("roles_check")
        assert run("SELECT count(*) FROM visits_visit") == [(0,)]
        assert "permission denied" in refused("SELECT * FROM acme.visits_visit")
