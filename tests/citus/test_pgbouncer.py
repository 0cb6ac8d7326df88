"""The product on the cluster through the shipped PgBouncer in front of the coordinator (deploy/README.md, "Citus":
PgBouncer goes there only): transaction pooling with `DISCARD ALL` after each transaction, prepared statements as
compose sets them. A company is provisioned through it, each company's check-in as its role reaches the desk, and
the kiosk, desk, erasure, purge and export run through the product's services (tests/citus/desk_flow.py).

A cluster of its own: the desk flow leaves its visits on the board, which tests/citus/test_desk.py counts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import psycopg
import pytest

from tests.citus.cluster import DATABASE, Cluster, citus_cluster
from tests.citus.moving import check_in
from tests.citus.product import manage, product_start
from tests.citus.test_desk import _as, _on_desk
from tests.pgbouncer_server import compose_web_environment, shipped_pgbouncer

PASSWORD = "pooled-citus-password"  # checked by PgBouncer; the throw-away coordinator trusts loopback


@pytest.fixture(scope="module")
def pooled() -> Iterator[tuple[Cluster, dict[str, str], str]]:
    """The cluster, the product's environment with DATABASE_URL at PgBouncer, and that URL."""
    with citus_cluster(workers=2) as cluster:
        product = product_start(cluster)  # migrations straight to the coordinator, as the guide runs them
        coordinator = cluster.coordinator.port
        with shipped_pgbouncer(
            host="127.0.0.1", port=coordinator, database=DATABASE, login="postgres", password=PASSWORD
        ) as port:
            url = f"postgresql://postgres:{PASSWORD}@127.0.0.1:{port}/{DATABASE}"
            prepare = compose_web_environment()["CHECKIN_DB_PREPARE"]
            yield cluster, {**product, "DATABASE_URL": url, "CHECKIN_DB_PREPARE": prepare}, url


def test_the_product_runs_on_the_cluster_through_pgbouncer(pooled: tuple[Cluster, dict[str, str], str]) -> None:
    cluster, product, url = pooled
    manage(product, "create_company", "poolcorp", "--building", "tower", "--name", "Pool Corp")
    for company in ("acme", "globex", "poolcorp"):
        with psycopg.connect(url) as conn, conn.transaction():  # one transaction: one pooled server connection
            _as(conn, company)
            conn.execute("INSERT INTO visits_visitor (first_name, last_name, email, phone, company_name, language) "
                         "VALUES ('Pooled', 'Visitor', '', '', '', 'en')")  # fmt: skip
            visit_id = check_in(conn)
        assert _on_desk(cluster, company, visit_id) == [(company, visit_id, "on_site")]

    out = manage(product, "shell", "-c", "from tests.citus.desk_flow import main; main()")
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["board_on_site"] == ["acme:Kiosk Arrival:on_site"] and seen["lookup"] == ["acme", True]
    assert seen["board_after_erasure"] == [] and seen["read_model_after_purge"] == 0
    assert seen["export_ready"], seen["export_status"]
    assert seen["export_visitor_rows"] == seen["export_visitors_in_schema"]
