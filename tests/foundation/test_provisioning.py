"""Provisioning creates a schema, its tenant row and its host together, or nothing at all."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_tenants.utils import schema_exists, tenant_context

from shared_apps.database.connection import tenant_connection
from shared_apps.provisioning import tenant_schemas
from shared_apps.provisioning.buildings import building_create
from shared_apps.provisioning.companies import company_create
from shared_apps.tenancy.models import Building, Domain, Tenant
from tenant_apps.visits.models import Visitor

pytestmark = pytest.mark.django_db


def _nothing_left_of(slug: str) -> bool:
    return not (
        schema_exists(slug.replace("-", "_"))
        or Tenant.objects.filter(slug=slug).exists()
        or Domain.objects.filter(domain=f"{slug}.localhost").exists()
        or Building.objects.filter(slug=slug).exists()
    )


def test_it_creates_a_company_that_answers_on_its_host(tower, client_for):
    company = company_create(building=tower, slug="umbrella-corp", name="Umbrella")
    assert company.schema_name == "umbrella_corp"
    assert company.type == Tenant.Type.COMPANY
    assert client_for("umbrella-corp.localhost").get("/accounts/login/").status_code == 200
    with tenant_context(company):
        assert Visitor.objects.count() == 0


def test_it_creates_a_building_with_its_reception(client_for):
    building = building_create(slug="dock", name="Dock Offices", timezone="Europe/Brussels")
    reception = Tenant.objects.get(building=building, type=Tenant.Type.RECEPTION)
    assert reception.schema_name == "dock"
    assert client_for("dock.localhost").get("/accounts/login/").status_code == 200


def _describe(schema: str) -> list[tuple[str, ...]]:
    """The structure of a schema, with its own name taken out so two schemas compare."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT 'column', table_name, column_name, data_type || ' ' || is_nullable || ' ' ||
                   coalesce(column_default, '') || ' ' || is_identity
            FROM information_schema.columns WHERE table_schema = %(s)s
            UNION ALL
            SELECT 'constraint', cl.relname, con.conname, pg_get_constraintdef(con.oid)
            FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE n.nspname = %(s)s
            UNION ALL
            SELECT 'index', tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %(s)s
            """,
            {"s": schema},
        )
        rows = cursor.fetchall()
    return sorted(tuple(re.sub(rf"\b{schema}\.", "", str(value)) for value in row) for row in rows)


def test_a_cloned_company_schema_matches_a_migrated_one(tower):
    company = company_create(building=tower, slug="clone-check", name="Clone check")
    stock = Tenant.objects.create(type="company", name="Stock", slug="stock-check", schema_name="stock_check")
    stock.create_schema(verbosity=0)
    tenant_connection().set_schema_to_public()
    assert _describe(company.schema_name) == _describe("stock_check")
    for table in ["django_migrations", "django_content_type", "auth_permission"]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM clone_check.{table}")
            cloned = cursor.fetchone()[0]
            cursor.execute(f"SELECT count(*) FROM stock_check.{table}")
            assert cloned == cursor.fetchone()[0] > 0


def test_ids_in_a_cloned_schema_continue_after_the_copied_rows(tower):
    company = company_create(building=tower, slug="seq-check", name="Sequence check")
    with tenant_context(company):
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType

        permission = Permission.objects.create(
            name="x", codename="x_test", content_type=ContentType.objects.get_for_model(Visitor)
        )
        assert permission.pk > max(Permission.objects.exclude(pk=permission.pk).values_list("pk", flat=True))


@pytest.mark.parametrize("step", ["clone_schema", "domain", "tenant_row"])
def test_a_failure_at_any_step_leaves_nothing_behind(tower, monkeypatch, step):
    class Boom(Exception):
        pass

    if step == "clone_schema":
        real_clone = tenant_schemas.clone_schema

        def clone_then_fail(**kwargs):
            real_clone(**kwargs)
            raise Boom

        monkeypatch.setattr(tenant_schemas, "clone_schema", clone_then_fail)
    elif step == "domain":
        monkeypatch.setattr(Domain, "save", lambda *args, **kwargs: (_ for _ in ()).throw(Boom()))
    else:
        original_create = Tenant.objects.create

        def create_then_fail(**kwargs):
            original_create(**kwargs)
            raise Boom

        monkeypatch.setattr(Tenant.objects, "create", create_then_fail)

    with pytest.raises(Boom):
        company_create(building=tower, slug="doomed", name="Doomed")
    assert _nothing_left_of("doomed")
    with pytest.raises(Boom):
        building_create(slug="doomed-building", name="Doomed building")
    assert _nothing_left_of("doomed-building")


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("Acme", "not a valid slug"),
        ("under_score", "not a valid slug"),
        ("-leading", "not a valid slug"),
        ("trailing-", "not a valid slug"),
        ("", "not a valid slug"),
        ("x" * 41, "not a valid slug"),
        ("www", "reserved"),
        ("admin", "reserved"),
        ("api", "reserved"),
        ("static", "reserved"),
        ("pg-catalog", "reserved"),
        ("acme", "already taken"),
        ("tower", "already taken"),
    ],
)
def test_it_refuses_bad_slugs_with_a_clear_message(tower, slug, message):
    with pytest.raises(ValidationError, match=message):
        company_create(building=tower, slug=slug, name="Whatever")
    with pytest.raises(ValidationError, match=message):
        building_create(slug=slug, name="Whatever")


def test_it_refuses_an_unknown_building():
    with pytest.raises(ValidationError, match="Unknown building 'atlantis'"):
        company_create(building="atlantis", slug="fine-slug", name="Fine")


def test_it_refuses_an_unknown_time_zone():
    with pytest.raises(ValidationError, match="not a known time zone"):
        building_create(slug="tz-check", name="Tz", timezone="Mars/Olympus")


def test_the_commands_create_and_explain_in_one_line(tower, capsys):
    call_command("create_building", "pier", "--name", "Pier 4")
    call_command("create_company", "hooli", "--building", "pier", "--name", "Hooli")
    assert "hooli.localhost" in capsys.readouterr().out
    assert Tenant.objects.get(slug="hooli").building.slug == "pier"
    with pytest.raises(CommandError, match=r"^'www' is reserved: choose another slug\.$") as error:
        call_command("create_company", "www", "--building", "pier", "--name", "W")
    assert error.value.returncode == 2
    with pytest.raises(CommandError, match=r"^Unknown building 'nowhere'\.$"):
        call_command("create_company", "fine", "--building", "nowhere", "--name", "W")
