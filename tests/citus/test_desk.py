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
from tests.citus.product import PREFIX, manage
from tests.citus.test_product import CHECK_IN

# The desk's rows as the board reads them, as the building's role: tenant_apps/desk/selectors.py joins the
# companies' names from the coordinator's public.tenancy_tenant.
_DESK_ROWS = """
SELECT t.slug, v.visit_id, v.state FROM readmodel_visit v JOIN public.tenancy_tenant t ON t.id = v.company_id
WHERE t.status = 'active' AND v.visit_id = %s
"""


def _as(conn: psycopg.Connection, schema: str) -> None:
    conn.execute(f"SET LOCAL search_path = {schema}, public")
    conn.execute(f"SET LOCAL ROLE {PREFIX}_{schema}")


def _on_desk(cluster: Cluster, visit_id: int) -> list[tuple[str, int, str]]:
    with psycopg.connect(cluster.url) as conn, conn.transaction():
        _as(conn, "tower")
        return conn.execute(_DESK_ROWS, [visit_id]).fetchall()


@pytest.mark.parametrize("company", ["acme", "globex"])
def test_a_check_in_is_on_the_desk_when_it_commits_and_not_when_it_rolls_back(
    cluster: Cluster, product: dict[str, str], company: str
) -> None:
    with psycopg.connect(cluster.url) as conn:
        with conn.transaction():
            _as(conn, company)
            visit_id = conn.execute(CHECK_IN).fetchone()[0]  # type: ignore[index]
        assert _on_desk(cluster, visit_id) == [(company, visit_id, "on_site")]
        with conn.transaction(force_rollback=True):
            _as(conn, company)
            rolled_back = conn.execute(CHECK_IN).fetchone()[0]  # type: ignore[index]
        assert _on_desk(cluster, rolled_back) == []
        with conn.transaction():  # checked out, then erased with raw SQL: the desk follows each commit
            _as(conn, company)
            conn.execute("UPDATE visits_visit SET state = 'left', checked_out_at = now() WHERE id = %s", [visit_id])
        assert _on_desk(cluster, visit_id) == [(company, visit_id, "left")]
        with conn.transaction():
            _as(conn, company)
            conn.execute("DELETE FROM visits_visit WHERE id = %s", [visit_id])
        assert _on_desk(cluster, visit_id) == []


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
