"""Kiosk pairing codes and visit codes at rest: every column of every table of the schemas involved holds no code
in clear, yet pairing, check-in by code, the badge and check-out by code still work; the migrations digest the
codes already handed out, which keep working."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.operations.encryption import code_digest
from shared_apps.tenancy.models import Building, Tenant
from tenant_apps.kiosk.services import kiosk_pair, pairing_code_create
from tenant_apps.notifications.models import Delivery
from tenant_apps.visits.models import Visit
from tests.kiosk.conftest import check_out, invite, invited_check_in


def _dump(schemas: list[str]) -> str:
    """Every row of every table and view of `schemas` (and public), as text: what a dump would hold."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema = ANY(%s)",
            [[*schemas, "public"]],
        )
        tables = cursor.fetchall()
        rows = []
        for schema, table in tables:
            cursor.execute(f'SELECT t::text FROM "{schema}"."{table}" t')
            rows += [text for (text,) in cursor.fetchall()]
    return "\n".join(rows)


def test_no_table_holds_a_code_in_clear_and_the_codes_still_work(
    kiosk_tower, tower: Building, tower_reception: Tenant, acme: Tenant
):
    with tenant_context(tower_reception):
        desk = User.objects.get(email="desk@tower.example")
        pairing = pairing_code_create(kiosk_name="Spare", user=desk, building=tower)
    visit = invite(acme, first="Dora", last="Dump")
    leaving = invite(acme, first="Lea", last="Leaving")
    codes = [pairing.code, visit.code, leaving.code]
    assert all(len(code) >= 6 for code in codes)

    invited_check_in(kiosk_tower, leaving.code)
    badge = kiosk_tower.get("/kiosk/badge/").content.decode()
    assert leaving.code in badge and "<svg" in badge  # the kiosk badge carries the code the visitor typed
    dump = _dump([acme.schema_name, tower_reception.schema_name])
    assert "Dora" in dump and "Lea" in dump  # the dump reads the rows
    for code in codes:
        assert code not in dump
    assert leaving.code not in str(kiosk_tower.cookies)  # the state cookie carries it encrypted only

    assert check_out(kiosk_tower, leaving.code)[1].redirect_chain[-1][0] == "/kiosk/done/"
    with tenant_context(acme):
        assert Visit.objects.get(pk=leaving.pk).state == Visit.State.LEFT
    with tenant_context(tower_reception):
        kiosk, _token = kiosk_pair(code=pairing.code, client="dump", building=tower)  # found by its digest
        assert kiosk.name == "Spare"


def _migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([target])


def _to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_migrations_digest_the_codes_already_handed_out_and_they_keep_working(
    kiosk_tower, tower: Building, tower_reception: Tenant, acme: Tenant
):
    visit = invite(acme, first="Otto", last="Older")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # test rows' deferred checks would block ALTER TABLE
    with tenant_context(acme):
        # A series shares one code over its days, which the schema before series cannot hold: the demo's goes.
        Delivery.objects.filter(visit__series__isnull=False).delete()
        # Messages about no visit (privacy requests' e-mails) cannot go back to before a delivery could be one.
        Delivery.objects.filter(visit__isnull=True).delete()
        Visit.objects.filter(series__isnull=False).delete()
        _migrate(("visits", "0007_privacy_contact"))  # back: codes in clear again (fresh ones drawn)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE visits_visit SET code = 'OLDC0DE2' WHERE id = %s", [visit.pk])
        _to_latest()
        assert Visit.objects.get(pk=visit.pk).code_digest == code_digest("OLDC0DE2")
        assert "OLDC0DE2" not in _dump([acme.schema_name])
    with tenant_context(tower_reception):
        desk = User.objects.get(email="desk@tower.example")
        pending = pairing_code_create(kiosk_name="Before", user=desk, building=tower)
        _migrate(("kiosk", "0002_kiosk_state_nonce"))
        with connection.cursor() as cursor:
            cursor.execute("UPDATE kiosk_pairingcode SET code = 'PAIR22' WHERE id = %s", [pending.pk])
        _to_latest()
        assert "PAIR22" not in _dump([tower_reception.schema_name])
        assert kiosk_pair(code="PAIR22", client="migrated", building=tower)[0].name == "Before"
    assert invited_check_in(kiosk_tower, "OLDC0DE2")[-1].redirect_chain[-1][0] == "/kiosk/done/"
    with tenant_context(acme):
        assert Visit.objects.get(pk=visit.pk).state == Visit.State.ON_SITE
