"""The building's desk read model: written in each company's transaction, read with a bounded cost."""

import threading

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.management.commands import migrate_schemas
from django_tenants.utils import schema_context, tenant_context

from shared_apps.operations.encryption import code_digest, code_digests
from shared_apps.provisioning.buildings import building_create
from shared_apps.provisioning.companies import (
    company_create,
    company_reactivate,
    company_remove,
    company_suspend,
    company_update,
)
from shared_apps.provisioning.migration_executor import executor_filling_read_models
from shared_apps.tenancy.models import Building, Tenant
from shared_apps.tenancy.slugs import schema_name_for
from tenant_apps.desk import selectors
from tenant_apps.desk.models import DeskHost, DeskVisit, ReadModelFilled
from tenant_apps.desk.read_model import read_model_fill
from tenant_apps.desk.selectors import (
    BoardFilters,
    desk_board,
    desk_hosts,
    desk_on_site,
    desk_parcels,
    desk_parcels_waiting,
    visit_key_by_code_digests,
)
from tenant_apps.privacy.purge import company_purge
from tenant_apps.privacy.subjects import person_erase
from tenant_apps.visits.models import Host, Visit, Visitor
from tests.desk.lock_table import DESK_READ_LOCKS


def _rows(schema: str) -> set[tuple[int, int, str, str]]:
    with schema_context(schema):
        return set(DeskVisit.objects.values_list("company_id", "visit_id", "first_name", "state"))


def _on_board(reception: Tenant) -> set[tuple[str, int]]:
    board = desk_board(reception=reception, filters=BoardFilters())
    return {(visit.company_slug, visit.visit_id) for visit in board.visits}


def test_tower_holds_acme_and_globex_and_harbour_only_initech(acme, globex, initech, make_visit):
    acme_visit, globex_visit, initech_visit = make_visit(acme), make_visit(globex), make_visit(initech)
    tower = {(company, visit) for company, visit, _name, _state in _rows("tower")}
    harbour = {(company, visit) for company, visit, _name, _state in _rows("harbour")}
    assert {(acme.pk, acme_visit.pk), (globex.pk, globex_visit.pk)} <= tower
    assert (initech.pk, initech_visit.pk) in harbour
    assert {company for company, _visit in tower} <= {acme.pk, globex.pk}
    assert {company for company, _visit in harbour} <= {initech.pk}


def test_the_read_model_holds_only_the_columns_the_desk_shows(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, array_agg(column_name::text ORDER BY ordinal_position) FROM information_schema.columns "
            "WHERE table_schema = 'tower' AND table_name LIKE 'readmodel%%' GROUP BY 1"
        )
        columns = dict(cursor.fetchall())
    # The board, the evacuation list and CSV, the walk-in form's hosts: no e-mail, phone, purpose, consent,
    # language or visitor id; the company's name and slug are read from its tenant row.
    assert columns == {
        "readmodel_visit": [
            "id", "company_id", "visit_id", "code", "state", "expected_start", "expected_end", "checked_in_at",
            "checked_out_at", "first_name", "last_name", "visitor_company", "host_name",
            "unannounced",  # a kiosk walk-in nobody was told of: the board marks it
            "restricted",  # a person whose processing is restricted (GDPR art. 18): the board marks it
        ],
        "readmodel_host": ["id", "company_id", "host_id", "name"],
        # The desk's parcel pages: no photo, no name of who collected it, no address of the recipient.
        "readmodel_parcel": [
            "id", "company_id", "parcel_id", "host_name", "carrier", "tracking_reference", "items", "received_at",
            "picked_up_at",
        ],
        "readmodel_filled": ["id", "filled_at"],
    }  # fmt: skip


def test_every_write_of_the_company_is_on_the_desk_in_its_transaction(acme, tower_reception, make_visit):
    visit = make_visit(acme, first_name="Ada")
    key = (acme.pk, visit.pk)
    with tenant_context(acme):
        with transaction.atomic():
            Visit.objects.filter(pk=visit.pk).update(state=Visit.State.ON_SITE)
            # Read by the desk inside the same transaction: the row moved with the company's own.
            assert (*key, "Ada", "on_site") in _rows("tower")
        Visitor.objects.filter(pk=visit.visitor_id).update(first_name="Adele", company_name="Initrode")
        assert (*key, "Adele", "on_site") in _rows("tower")
        host = Host.objects.get(pk=visit.host_id)
        host.name = "Renamed Host"
        host.save()
    on_site = {v.visit_id: v for v in desk_on_site(reception=tower_reception)}
    assert on_site[visit.pk].host_name == "Renamed Host" and on_site[visit.pk].visitor_company == "Initrode"
    with tenant_context(acme):
        Host.objects.filter(pk=visit.host_id).update(is_active=False)
    assert visit.host_id not in {h.host_id for h in desk_hosts(reception=tower_reception) if h.company_id == acme.pk}
    with tenant_context(acme):
        Host.objects.filter(pk=visit.host_id).update(is_active=True)
        added = Host.objects.create(name="New Host")
    hosts = {(h.company_slug, h.host_id, h.name) for h in desk_hosts(reception=tower_reception)}
    assert {("acme", visit.host_id, "Renamed Host"), ("acme", added.pk, "New Host")} <= hosts
    with tenant_context(acme):
        added.delete()
    assert added.pk not in {h.host_id for h in desk_hosts(reception=tower_reception) if h.company_id == acme.pk}


def test_an_erasure_is_gone_from_the_desk_when_it_returns(acme, tower_reception, make_visit, acme_admin):
    visit = make_visit(acme, first_name="Erin", state=Visit.State.ON_SITE)
    assert ("acme", visit.pk) in _on_board(tower_reception)
    assert visit_key_by_code_in("tower", visit.code) == f"{acme.pk}:{visit.pk}"
    from shared_apps.accounts.models import User

    with tenant_context(acme):
        person_erase(visitor=visit.visitor, user=User.objects.get(email="admin@acme.example"))
    assert ("acme", visit.pk) not in _on_board(tower_reception)
    assert visit.pk not in {v.visit_id for v in desk_on_site(reception=tower_reception)}
    assert "Erin" not in {name for _c, _v, name, _s in _rows("tower")}
    assert visit_key_by_code_in("tower", visit.code) is None


def test_a_purge_is_gone_from_the_desk_when_it_returns(acme, tower_reception, make_visit):
    import datetime as dt

    from django.utils import timezone

    long_ago = timezone.now() - dt.timedelta(days=900)
    old = make_visit(acme, first_name="Olga", state=Visit.State.LEFT, start=long_ago)
    with tenant_context(acme):
        Visit.objects.filter(pk=old.pk).update(checked_in_at=long_ago, checked_out_at=long_ago)
    assert (acme.pk, old.pk, "Olga", "left") in _rows("tower")
    with tenant_context(acme):
        result = company_purge()
    assert result.visits >= 1
    assert old.pk not in {visit for company, visit, _n, _s in _rows("tower") if company == acme.pk}


def visit_key_by_code(code: str) -> str | None:
    """The kiosk's lookup of a typed code, in the current (reception) schema: by the code's digests."""
    return visit_key_by_code_digests(code_digests(code))


def visit_key_by_code_in(schema: str, code: str) -> str | None:
    with schema_context(schema):
        return visit_key_by_code(code)


def test_a_truncate_of_the_companys_tables_empties_its_rows_only(acme, globex, make_visit):
    make_visit(acme)
    kept = make_visit(globex)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute('TRUNCATE "acme".visits_visit, "acme".visits_host CASCADE')
    rows = _rows("tower")
    assert not {company for company, *_ in rows} & {acme.pk}
    assert (globex.pk, kept.pk) in {(company, visit) for company, visit, *_ in rows}
    with schema_context("tower"):
        assert not DeskHost.objects.filter(company_id=acme.pk).exists()


def test_the_lifecycle_writes_no_row_and_the_desk_follows_the_companys_status(tower, tower_reception, make_visit):
    hooli = company_create(building=tower, slug="hooli-two", name="Hooli")  # cloned from a template: triggers too
    visit = make_visit(hooli)
    assert ("hooli-two", visit.pk) in _on_board(tower_reception)
    company_suspend(company=hooli, actor="it:test")
    assert ("hooli-two", visit.pk) not in _on_board(tower_reception)
    with schema_context("tower"):
        assert visit_key_by_code(visit.code) is None  # the kiosk does not find a suspended company's visit
    company_reactivate(company=hooli, actor="it:test")
    assert ("hooli-two", visit.pk) in _on_board(tower_reception)
    company_update(company=hooli, actor="it:test", name="Hooli Renamed", custom_domain="")
    board = desk_board(reception=tower_reception, filters=BoardFilters(company="hooli-two"))
    assert [(v.company_name, v.visit_id) for v in board.visits] == [("Hooli Renamed", visit.pk)]
    company_remove(company=hooli, actor="it:test")
    assert hooli.pk not in {company for company, *_ in _rows("tower")}, "gone in the removal's transaction"
    with tenant_context(hooli):  # its schema waits out the grace period: nothing of it comes back
        Visit.objects.filter(pk=visit.pk).update(state=Visit.State.ON_SITE)
    assert hooli.pk not in {company for company, *_ in _rows("tower")}


def test_a_company_of_another_building_is_not_in_this_buildings_read_model(harbour, make_visit):
    vandelay = company_create(building=harbour, slug="vandelay", name="Vandelay")
    visit = make_visit(vandelay)
    assert (vandelay.pk, visit.pk) in {(c, v) for c, v, *_ in _rows("harbour")}
    assert vandelay.pk not in {c for c, *_ in _rows("tower")}


def test_filling_copies_what_existed_before_the_triggers_and_marks_the_building(tower, acme, globex, make_visit):
    a, g = make_visit(acme), make_visit(globex)
    with connection.cursor() as cursor:  # as before the release that brought the read model
        cursor.execute("DELETE FROM tower.readmodel_visit; DELETE FROM tower.readmodel_host; "
                       "DELETE FROM tower.readmodel_filled")  # fmt: skip
    assert read_model_fill(building=tower) == 2
    assert {(acme.pk, a.pk), (globex.pk, g.pk)} <= {(c, v) for c, v, *_ in _rows("tower")}
    with schema_context("tower"):
        assert ReadModelFilled.objects.count() == 1
        assert DeskHost.objects.filter(company_id=acme.pk).exists()
    assert read_model_fill(building=tower) is None  # filled: the next migrate_schemas copies nothing


def test_migrate_schemas_uses_the_executor_that_fills_read_models():
    executor = migrate_schemas.GET_EXECUTOR_FUNCTION(codename=None)
    filling = executor_filling_read_models(codename=None)
    assert executor.__mro__[1].__name__ == filling.__name__


def test_every_building_is_filled_after_migrations(db):
    building_create(slug="dock-two", name="Dock Two")  # a hyphen in the slug, an underscore in the schema
    executor_filling_read_models("standard")([], {}).run_multi_type_migrations(tenants=[])
    for building in Building.objects.all():
        with schema_context(schema_name_for(building.slug)):
            assert ReadModelFilled.objects.exists()


WIDER_CODE = {"visits": "tests.extra_migrations.visits_wider_code"}  # a column, then the code widened


def test_a_company_migration_changing_a_column_the_desk_reads_runs_and_the_desk_keeps_up(
    acme, globex, make_visit, settings
):
    """No view blocks `ALTER COLUMN TYPE` any more: the migration runs once, the triggers keep writing."""
    settings.MIGRATION_MODULES = WIDER_CODE
    visit = make_visit(acme)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # test rows' deferred checks would block ALTER TABLE
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
    with tenant_context(acme):
        Visit.objects.filter(pk=visit.pk).update(
            state=Visit.State.ON_SITE, code_digest=code_digest("WIDER-CODE-0000000001")
        )
    assert (acme.pk, visit.pk, visit.visitor.first_name, "on_site") in _rows("tower")
    with schema_context("tower"):
        assert visit_key_by_code("WIDER-CODE-0000000001") == f"{acme.pk}:{visit.pk}"


def _relations_locked() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT l.relation, n.nspname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation'"
        )
        return dict(cursor.fetchall())


def _locks_of_a_desk_read(reception: Tenant) -> dict[int, str]:
    """The relations one board, evacuation, host-list and code read lock that this transaction did not hold yet."""
    with tenant_context(reception), transaction.atomic():
        held = _relations_locked()
        desk_board(reception=reception, filters=BoardFilters(q="zed"))
        desk_on_site(reception=reception)
        desk_hosts(reception=reception)
        visit_key_by_code("ABCDEFGH")
        return {oid: schema for oid, schema in _relations_locked().items() if oid not in held}


def test_a_desk_read_takes_the_same_locks_whatever_the_number_of_companies(tower, tower_reception, make_visit):
    """The bound behind "32 concurrent readers with PostgreSQL's default lock table": a read's locks do not grow
    with the building (the views took 16 per company: 8,003 at 500 companies, against 64 x 100 slots).
    tests/desk/test_small_lock_table.py runs 32 such readers on a server whose lock table the views overflow."""
    before = _locks_of_a_desk_read(tower_reception)
    assert set(before.values()) <= {"tower", "public"}, "no company table is read"
    assert len(before) <= DESK_READ_LOCKS  # the read model, the tenant table, their indexes: far below 64 a transaction
    for number in range(6):
        make_visit(company_create(building=tower, slug=f"many-{number}", name=f"Many {number}"))
    after = _locks_of_a_desk_read(tower_reception)
    assert set(after.values()) <= {"tower", "public"}
    assert len(after) <= len(before)


def test_no_desk_read_joins_the_read_model_with_the_tenant_table(tower, tower_reception, acme, make_visit):
    """On Citus the read model is on a worker and public.tenancy_tenant on the coordinator: a statement joining them
    is planned recursively (tests/bench/scaleout.py). The board, evacuation list, hosts and parcels read the
    building's companies first, then the read model alone."""
    make_visit(acme)
    with CaptureQueriesContext(connection) as captured:
        desk_board(reception=tower_reception, filters=BoardFilters(q="zed"))
        desk_on_site(reception=tower_reception)
        desk_hosts(reception=tower_reception)
        desk_parcels(reception=tower_reception, company="acme")
        desk_parcels_waiting(reception=tower_reception)
    read_model = [query["sql"] for query in captured if "readmodel_" in query["sql"]]
    assert len(read_model) >= 6
    assert not [sql for sql in read_model if "tenancy_tenant" in sql]


def test_rows_of_a_company_provisioned_after_the_companies_were_read_are_left_out(
    monkeypatch, tower, tower_reception, acme, globex, make_visit
):
    """The desk reads the building's companies, then the read model: a company provisioned in between has rows
    but no name yet. They wait for the next read instead of failing this one."""
    make_visit(acme, first_name="Arrived")
    make_visit(globex, first_name="Before")
    read = selectors.desk_companies(reception=tower_reception)
    before_acme = selectors.Companies(shown={pk: c for pk, c in read.shown.items() if pk != acme.pk}, hidden=[])
    monkeypatch.setattr(selectors, "desk_companies", lambda reception: before_acme)
    board = desk_board(reception=tower_reception, filters=BoardFilters())
    assert {v.company_id for v in board.visits} == {globex.pk}
    assert [c.slug for c in board.counts.companies] == ["globex"]
    assert board.counts.overall.total == board.counts.companies[0].counts.total
    assert {v.company_id for v in desk_on_site(reception=tower_reception)} <= {globex.pk}


def test_32_concurrent_desk_and_kiosk_readers_all_answer(tower_reception):
    """Each on its own connection, outside the test's transaction, all holding their locks at once."""
    reception = tower_reception
    errors: list[BaseException] = []
    answers: list[int] = []
    start = threading.Barrier(32)

    def reader(number: int) -> None:
        try:
            start.wait()
            with transaction.atomic():  # each reader holds its locks while the others take theirs
                if number % 2:
                    board = desk_board(reception=reception, filters=BoardFilters())
                    answers.append(len(board.visits))
                else:
                    with tenant_context(reception):
                        answers.append(int(visit_key_by_code("NO-SUCH-CODE") is None))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(answers) == 32


def test_the_read_model_functions_run_as_the_owner_and_no_request_role_may_call_them(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT prosecdef, proconfig, has_function_privilege(%s, p.oid, 'EXECUTE') FROM pg_proc p "
            "WHERE proname = 'checkin_desk_read_model'",
            [_role("acme")],
        )
        secdef, config, anyone = cursor.fetchone()
    assert secdef and "search_path=pg_catalog, pg_temp" in config and not anyone


def _role(schema: str) -> str:
    from shared_apps.database.db_roles import schema_role

    return schema_role(schema)


def test_the_trigger_function_is_not_callable_by_hand(db):
    with pytest.raises(DatabaseError, match="trigger"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT public.checkin_desk_read_model()")
