"""The desk's read model on the cluster: written from the company's shard, in the company's transaction.

The building's reception schema and its companies are distributed schemas, on the same worker or not (acme and
globex are on different workers, so one of them is away from tower). A company's write fires the read model's
triggers on its shard; they write the reception's `readmodel_*` tables there (tenancy migration 0011).
"""

from __future__ import annotations

import json

import psycopg
import pytest

from tests.citus.cluster import Cluster
from tests.citus.moving import check_in
from tests.citus.product import PREFIX, manage

# A company's row on the desk, as the building's role (the board reads the same table, of the companies it takes from
# the coordinator's public.tenancy_tenant: tenant_apps/desk/selectors.py).
_DESK_ROWS = """
SELECT t.slug, v.visit_id, v.state FROM readmodel_visit v JOIN public.tenancy_tenant t ON t.id = v.company_id
WHERE t.status = 'active' AND t.slug = %s AND v.visit_id = %s
"""


@pytest.fixture(autouse=True)
def acme_and_globex_on_two_workers(cluster: Cluster, product: dict[str, str]) -> None:
    """One of the two companies beside tower and the other away, whatever the cluster's tests moved before (this
    worker's may have run tests/citus/test_product.py, which moves acme): globex moves when they share a worker."""
    acme = cluster.placement("acme")
    if cluster.placement("globex") == acme:
        other = next(worker.port for worker in cluster.workers if worker.port != acme)
        with cluster.coordinator.connect() as conn:
            conn.execute(
                "SELECT citus_schema_move('globex', '127.0.0.1', %s, shard_transfer_mode => 'block_writes')", [other]
            )


def _as(conn: psycopg.Connection, schema: str) -> None:
    conn.execute(f"SET LOCAL search_path = {schema}, public")
    conn.execute(f"SET LOCAL ROLE {PREFIX}_{schema}")


def _on_desk(cluster: Cluster, company: str, visit_id: int) -> list[tuple[str, int, str]]:
    """The company's visit on tower's desk (visit ids are per company: another company may hold the same one)."""
    with psycopg.connect(cluster.url) as conn, conn.transaction():
        _as(conn, "tower")
        return conn.execute(_DESK_ROWS, [company, visit_id]).fetchall()


@pytest.mark.parametrize("company", ["acme", "globex"])
def test_a_check_in_is_on_the_desk_when_it_commits_and_not_when_it_rolls_back(
    cluster: Cluster, product: dict[str, str], company: str
) -> None:
    with psycopg.connect(cluster.url) as conn:
        with conn.transaction():
            _as(conn, company)
            visit_id = check_in(conn)
        assert _on_desk(cluster, company, visit_id) == [(company, visit_id, "on_site")]
        with conn.transaction(force_rollback=True):
            _as(conn, company)
            rolled_back = check_in(conn)
        assert _on_desk(cluster, company, rolled_back) == []
        with conn.transaction():  # checked out, then erased with raw SQL: the desk follows each commit
            _as(conn, company)
            conn.execute("UPDATE visits_visit SET state = 'left', checked_out_at = now() WHERE id = %s", [visit_id])
        assert _on_desk(cluster, company, visit_id) == [(company, visit_id, "left")]
        with conn.transaction():
            _as(conn, company)
            conn.execute("DELETE FROM visits_visit WHERE id = %s", [visit_id])
        assert _on_desk(cluster, company, visit_id) == []


def test_a_company_on_another_worker_than_its_building_writes_the_desk(
    cluster: Cluster, product: dict[str, str]
) -> None:
    """The cases above cover a company beside its reception schema and one on the other worker."""
    tower = cluster.placement("tower")
    assert {cluster.placement("acme"), cluster.placement("globex")} - {tower}, "both companies beside tower"


def test_a_company_role_can_neither_read_nor_write_the_route(cluster: Cluster, product: dict[str, str]) -> None:
    for role in ("acme", "tower"):
        with psycopg.connect(cluster.url) as conn:
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                _as(conn, role)
                conn.execute("SELECT * FROM public.checkin_desk_route")
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                _as(conn, role)
                conn.execute("SELECT public.checkin_desk_route_fill()")


def test_kiosk_desk_erasure_purge_and_export_through_the_product(cluster: Cluster, product: dict[str, str]) -> None:
    out = manage(product, "shell", "-c", "from tests.citus.desk_flow import main; main()")
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["board_expected"] == ["acme:Kiosk Arrival:expected"]
    assert seen["lookup"] == ["acme", True]  # the kiosk's code lookup, in the read model
    assert seen["board_on_site"] == ["acme:Kiosk Arrival:on_site"]
    assert seen["evacuation"] == ["acme:Kiosk Arrival"]
    state, board = seen["walk_in"]
    assert board == [f"globex:Walk Inn:{state}"]  # on site, or waiting for an approval, as the demo's globex has it
    if state == "on_site":
        assert seen["walk_in_checked_out"] == ["globex:Walk Inn:left"]
    assert seen["board_after_erasure"] == [] and seen["evacuation_after_erasure"] == []
    assert (seen["read_model_before_purge"], seen["read_model_after_purge"]) == (1, 0)
    assert seen["export_ready"], seen["export_status"]
    assert not seen["export_on_two_sessions"]  # one REPEATABLE READ transaction on the company's worker
    assert seen["export_has_person"] and not seen["export_has_erased"]
    assert seen["export_visitor_rows"] == seen["export_visitors_in_schema"]


def test_the_refill_copies_each_company_again_as_the_triggers_write_it(
    cluster: Cluster, product: dict[str, str]
) -> None:
    """`desk_read_model_refill` (after restoring a company, say) copies every company's rows across the workers."""
    columns = "company_id, visit_id, code, state, expected_start, expected_end, checked_in_at, checked_out_at, " + (
        "first_name, last_name, visitor_company, host_name, unannounced, restricted"
    )
    with cluster.coordinator.connect() as conn:
        written = conn.execute(f"SELECT {columns} FROM tower.readmodel_visit ORDER BY 1, 2").fetchall()
        hosts = conn.execute("SELECT company_id, host_id, name FROM tower.readmodel_host ORDER BY 1, 2").fetchall()
        visits = sum(conn.execute(f"SELECT count(*) FROM {c}.visits_visit").fetchone()[0] for c in ("acme", "globex"))  # type: ignore[index]
    assert len(written) == visits > 0
    manage(product, "desk_read_model_refill", "--building", "tower")
    with cluster.coordinator.connect() as conn:
        assert conn.execute(f"SELECT {columns} FROM tower.readmodel_visit ORDER BY 1, 2").fetchall() == written
        assert (
            conn.execute("SELECT company_id, host_id, name FROM tower.readmodel_host ORDER BY 1, 2").fetchall() == hosts
        )


def test_a_company_statement_changes_its_own_rows_of_the_desk_only(cluster: Cluster, product: dict[str, str]) -> None:
    """The shard's function takes the company from the shard's schema: acme's statement over all its visitors
    rewrites acme's desk rows and not one of globex's."""
    with cluster.coordinator.connect() as conn:
        tower = conn.execute("SELECT id, slug FROM public.tenancy_tenant WHERE slug IN ('acme', 'globex')").fetchall()
        ids = {slug: pk for pk, slug in tower}
        globex_before = conn.execute(
            "SELECT * FROM tower.readmodel_visit WHERE company_id = %s ORDER BY visit_id", [ids["globex"]]
        ).fetchall()
    assert globex_before
    with psycopg.connect(cluster.url) as conn, conn.transaction():
        _as(conn, "acme")
        conn.execute("UPDATE visits_visitor SET company_name = 'Acme guest', restricted_at = now()")
    with cluster.coordinator.connect() as conn:
        acme_rows = conn.execute(
            "SELECT DISTINCT visitor_company, restricted FROM tower.readmodel_visit WHERE company_id = %s",
            [ids["acme"]],
        ).fetchall()
        assert acme_rows == [("Acme guest", True)]  # the restriction's mark (GDPR art. 18) follows too
        assert (
            conn.execute(
                "SELECT * FROM tower.readmodel_visit WHERE company_id = %s ORDER BY visit_id", [ids["globex"]]
            ).fetchall()
            == globex_before
        )
    with psycopg.connect(cluster.url) as conn, conn.transaction():
        _as(conn, "acme")
        conn.execute("UPDATE visits_visitor SET restricted_at = NULL")
    with cluster.coordinator.connect() as conn:
        restricted = conn.execute(
            "SELECT DISTINCT restricted FROM tower.readmodel_visit WHERE company_id = %s", [ids["acme"]]
        ).fetchall()
        assert restricted == [(False,)]


def test_a_company_provisioned_suspended_reactivated_and_removed_on_the_cluster(
    cluster: Cluster, product: dict[str, str]
) -> None:
    """The route follows the tenant row in the same transaction: the desk keeps a suspended company's rows hidden,
    and loses a removed company's rows in the removal's transaction, later writes to its tables included."""
    out = manage(product, "shell", "-c", "from tests.citus.desk_flow import lifecycle; lifecycle()")
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["routed_new"] and seen["board_new"] == ["initech:New Company:expected"]
    assert seen["routed_suspended"] and seen["desk_rows_suspended"] == 2 and seen["board_suspended"] == []
    assert seen["board_reactivated"] == ["initech:While Suspended:expected"]
    assert not seen["routed_removed"] and seen["desk_rows_removed"] == 0
    assert seen["desk_rows_after_late_write"] == 0
    assert seen["dropped"] == ["initech"]


_PARCEL = """
INSERT INTO parcels_parcel (host_id, carrier, tracking_reference, items, label_photo, received_at, received_by,
    picked_up_by, pick_up_recorded_by)
SELECT min(id), 'Citus Express', 'CX-1', 2, '', now(), 'desk', '', '' FROM visits_host WHERE is_active
RETURNING id, host_id
"""


@pytest.mark.parametrize("company", ["acme", "globex"])
def test_a_parcel_is_on_the_desk_when_it_commits_and_leaves_it_when_deleted(
    cluster: Cluster, product: dict[str, str], company: str
) -> None:
    """The parcels' read model (tenancy migration 0015) is written from the company's shard as the visits' is."""
    with psycopg.connect(cluster.url) as conn:
        with conn.transaction():
            _as(conn, company)
            parcel_id, host_id = conn.execute(_PARCEL).fetchone()  # type: ignore[misc]
            recipient = conn.execute("SELECT name FROM visits_host WHERE id = %s", [host_id]).fetchone()[0]  # type: ignore[index]
        with conn.transaction():
            _as(conn, "tower")
            rows = conn.execute(
                "SELECT host_name, carrier, items, picked_up_at FROM readmodel_parcel WHERE parcel_id = %s "
                "AND company_id = (SELECT id FROM public.tenancy_tenant WHERE slug = %s)",
                [parcel_id, company],
            ).fetchall()
        assert rows == [(recipient, "Citus Express", 2, None)]
        with conn.transaction():
            _as(conn, company)
            conn.execute(
                "UPDATE parcels_parcel SET picked_up_at = now(), picked_up_by = 'x' WHERE id = %s", [parcel_id]
            )
            conn.execute("DELETE FROM parcels_parcel WHERE id = %s", [parcel_id])
        with conn.transaction():
            _as(conn, "tower")
            left = conn.execute(
                "SELECT count(*) FROM readmodel_parcel WHERE parcel_id = %s "
                "AND company_id = (SELECT id FROM public.tenancy_tenant WHERE slug = %s)",
                [parcel_id, company],
            ).fetchone()
        assert left == (0,)
