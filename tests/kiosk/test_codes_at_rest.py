"""Kiosk pairing codes and visit codes at rest: every column of every table of the schemas involved holds no code
in clear, yet pairing, check-in by code, the badge and check-out by code still work."""

from django.db import connection
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.tenancy.models import Building, Tenant
from tenant_apps.kiosk.services import kiosk_pair, pairing_code_create
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
