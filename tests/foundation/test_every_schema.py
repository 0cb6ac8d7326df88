"""The one runner of work in every company schema: batches of tenants, each one's work in its schema as its role."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from shared_apps.database import db_roles
from shared_apps.database.connection import tenant_connection
from shared_apps.database.every_schema import in_every_schema
from shared_apps.tenancy.models import Tenant
from shared_apps.tenancy.selectors import companies_maintained
from tests.security.test_database_roles import refused, run

pytestmark = pytest.mark.django_db


def _where_and_who(company: Tenant) -> tuple[str, str]:
    return tenant_connection().schema_name, run("SELECT current_user")[0][0]


def test_it_visits_every_company_in_its_schema_as_its_role_a_batch_at_a_time():
    expected = list(companies_maintained().order_by("pk").values_list("schema_name", flat=True))
    assert {"acme", "globex", "initech"} <= set(expected)
    with CaptureQueriesContext(connection) as queries:
        visited = [
            (company.schema_name, *where_and_who)
            for company, where_and_who in in_every_schema(companies_maintained(), _where_and_who, batch_size=2)
        ]
    assert visited == [(schema, schema, db_roles.schema_role(schema)) for schema in expected]
    tenant_reads = [q for q in queries.captured_queries if 'FROM "tenancy_tenant"' in q["sql"]]
    assert len(tenant_reads) == len(expected) // 2 + 1  # a batch of two at a time; a full last one asks once more
    # Back where it started: the public schema, as the login itself (a test is in no request or task).
    assert tenant_connection().schema_name == "public" and not tenant_connection().role_scopes


def test_a_company_s_work_cannot_read_another_company(acme, globex):
    def peek(company: Tenant) -> str:
        other = "globex" if company.schema_name == "acme" else "acme"
        run(f"SELECT count(*) FROM {company.schema_name}.visits_visit")
        return refused(f"SELECT count(*) FROM {other}.visits_visit")

    errors = dict(in_every_schema(Tenant.objects.filter(pk__in=[acme.pk, globex.pk]), peek))
    assert all("permission denied" in error for error in errors.values()) and len(errors) == 2


def test_the_work_runs_when_its_result_is_read_and_a_failure_leaves_the_schema(acme, globex):
    ran: list[str] = []

    def fail_in_globex(company: Tenant) -> None:
        ran.append(company.schema_name)
        if company.schema_name == "globex":
            raise DatabaseError("globex failed")

    walk = in_every_schema(Tenant.objects.filter(pk__in=[acme.pk, globex.pk]), fail_in_globex)
    assert ran == []
    with pytest.raises(DatabaseError, match="globex failed"):
        for _ in walk:
            assert tenant_connection().schema_name == "public"  # the caller's part runs where the caller is
    assert ran == ["acme", "globex"]
    assert tenant_connection().schema_name == "public" and not tenant_connection().role_scopes


def test_removed_and_template_companies_are_not_maintained_and_a_building_narrows_it(acme, globex, harbour):
    Tenant.objects.filter(pk=globex.pk).update(status=Tenant.Status.REMOVED)
    Tenant.objects.filter(pk=acme.pk).update(status=Tenant.Status.SUSPENDED)
    maintained = set(companies_maintained().values_list("schema_name", flat=True))
    assert "acme" in maintained and "globex" not in maintained
    assert not Tenant.objects.filter(schema_name__in=maintained).exclude(type=Tenant.Type.COMPANY).exists()
    assert not Tenant.objects.filter(schema_name__in=maintained, status=Tenant.Status.TEMPLATE).exists()
    assert list(companies_maintained(building=harbour).values_list("slug", flat=True)) == ["initech"]


def test_in_a_transaction_each_company_s_role_ends_with_its_work(acme):
    with transaction.atomic():
        [(schema, who)] = [result for _, result in in_every_schema(Tenant.objects.filter(pk=acme.pk), _where_and_who)]
        assert (schema, who) == ("acme", db_roles.schema_role("acme"))
        assert run("SELECT current_user")[0][0] != who
