"""Growing the cluster: a worker added to a running product, the companies rebalanced onto it, everything working.

A cluster of its own (the other Citus tests share one whose two workers they count on): the product starts on
one worker, a second joins with the commands deploy/README.md gives ("Adding a worker": `citus_add_node`, then
`manage.py sync_db_roles`, without which a company's inserts there are refused), and `citus_rebalance_start`
(writes blocked during each copy, as for a move) spreads the distributed schemas (each company's and each
building's reception schema moves whole, with its rows).
Then, on the moved companies: a check-in as the company's role reaches its building's desk, and the kiosk, desk,
erasure, purge and export run through the product's services (tests/citus/desk_flow.py).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import psycopg
import pytest

from tests.citus.cluster import Cluster, citus_cluster
from tests.citus.moving import check_in
from tests.citus.product import manage, product_start
from tests.citus.test_desk import _as, _on_desk

SCHEMAS = ("tower", "acme", "globex")  # the demo building's reception schema and its two companies


@pytest.fixture(scope="module")
def growing() -> Iterator[tuple[Cluster, dict[str, str]]]:
    with citus_cluster(workers=1) as cluster:
        yield cluster, product_start(cluster)


def test_a_worker_added_takes_companies_by_rebalancing_and_the_product_works_on_it(
    growing: tuple[Cluster, dict[str, str]],
) -> None:
    cluster, product = growing
    first = cluster.workers[0].port
    assert {cluster.placement(schema) for schema in SCHEMAS} == {first}

    added = cluster.worker_add()
    manage(product, "sync_db_roles")  # the guide's next step: the schemas' sequences granted on the new worker too
    with cluster.coordinator.connect() as conn:
        planned = conn.execute("SELECT count(*) FROM get_rebalance_table_shards_plan()").fetchone()
        started = time.monotonic()
        conn.execute("SELECT citus_rebalance_start(shard_transfer_mode => 'block_writes')")
        conn.execute("SELECT citus_rebalance_wait()")
        took = time.monotonic() - started
    placed = {schema: cluster.placement(schema) for schema in SCHEMAS}
    assert planned is not None and planned[0] > 0
    assert added.port in placed.values() and first in placed.values(), f"{placed} after {took:.1f} s"

    # Roles, grants and the desk's route reached the new worker: each company's check-in is on tower's desk.
    for company in ("acme", "globex"):
        with psycopg.connect(cluster.url) as conn, conn.transaction():
            _as(conn, company)
            visit_id = check_in(conn)
        assert _on_desk(cluster, company, visit_id) == [(company, visit_id, "on_site")], placed

    out = manage(product, "shell", "-c", "from tests.citus.desk_flow import main; main()")
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["board_on_site"] == ["acme:Kiosk Arrival:on_site"] and seen["lookup"] == ["acme", True]
    assert seen["board_after_erasure"] == [] and seen["read_model_after_purge"] == 0
    assert seen["export_ready"] and seen["export_visitor_rows"] == seen["export_visitors_in_schema"]
