"""Rows live in exactly one schema: a company's rows are invisible everywhere else."""

import datetime as dt

import pytest
from django.db import connection
from django.db.utils import ProgrammingError
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from shared_apps.accounts.models import User
from tenant_apps.visits.models import Visit, Visitor


def _visitor_in(tenant) -> Visitor:
    with tenant_context(tenant):
        visitor = Visitor.objects.create(first_name="Ada", last_name="Isolated", email="ada@isolated.example")
        now = timezone.now()
        Visit.objects.create(
            visitor=visitor, expected_start=now, expected_end=now + dt.timedelta(hours=1), channel="api"
        )
        return visitor


def test_a_visitor_created_in_acme_is_invisible_in_globex(acme, globex):
    _visitor_in(acme)
    with tenant_context(globex):
        assert not Visitor.objects.filter(last_name="Isolated").exists()
    with tenant_context(acme):
        assert Visitor.objects.filter(last_name="Isolated").count() == 1


@pytest.mark.parametrize("schema", ["tower", "public"])
def test_visit_tables_do_not_exist_outside_company_schemas(acme, schema):
    _visitor_in(acme)
    with (
        schema_context(schema),
        pytest.raises(ProgrammingError, match="does not exist"),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT count(*) FROM visits_visitor")


@pytest.mark.parametrize("other", ["globex", "tower", "public"])
def test_a_user_created_in_acme_exists_in_no_other_schema(acme, other):
    with tenant_context(acme):
        User.objects.create_user("only-acme@acme.example", "a-long-password-123", full_name="Only", role="member")
    with schema_context(other):
        assert not User.objects.filter(email="only-acme@acme.example").exists()


def test_the_company_schema_holds_no_foreign_key_to_another_schema(acme):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM pg_constraint c
            JOIN pg_class src ON src.oid = c.conrelid JOIN pg_namespace ns ON ns.oid = src.relnamespace
            JOIN pg_class dst ON dst.oid = c.confrelid JOIN pg_namespace nd ON nd.oid = dst.relnamespace
            WHERE c.contype = 'f' AND ns.nspname = %s AND nd.nspname <> ns.nspname
            """,
            [acme.schema_name],
        )
        assert cursor.fetchone()[0] == 0
