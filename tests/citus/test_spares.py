"""Spare schemas on the cluster: a spare is a distributed schema like any clone, and provisioning renames it.

`spares_refill` clones the company template ahead of time (`shared_apps/database/spare_schemas.py`); on Citus the
clone is a distributed schema on a worker, and `ALTER SCHEMA ... RENAME` in the provisioning's transaction keeps
it there under the company's name. The company then serves as any other: its role writes its tables (the
sequences granted on the workers after the commit) and its check-in is on its building's desk.
"""

from __future__ import annotations

import psycopg

from tests.citus.cluster import Cluster
from tests.citus.moving import check_in
from tests.citus.product import manage
from tests.citus.test_desk import _as, _on_desk

SPARES = "SELECT nspname FROM pg_namespace WHERE nspname LIKE '\\_spare\\_company\\_%' ORDER BY nspname"


def test_a_company_is_provisioned_from_a_spare_schema_on_the_cluster(cluster: Cluster, product: dict[str, str]) -> None:
    with_spares = {**product, "CHECKIN_SPARE_SCHEMAS": "1"}
    manage(with_spares, "shell", "-c", "from shared_apps.database.spare_schemas import spares_refill; spares_refill()")
    with cluster.coordinator.connect() as conn:
        spares = [row[0] for row in conn.execute(SPARES).fetchall()]
    assert len(spares) == 1, spares
    worker = cluster.placement(spares[0])  # distributed, on a worker

    manage(with_spares, "create_company", "sparecorp", "--building", "tower", "--name", "Spare Corp")
    with cluster.coordinator.connect() as conn:
        left = [row[0] for row in conn.execute(SPARES).fetchall()]
    assert spares[0] not in left  # renamed, not cloned again
    assert cluster.placement("sparecorp") == worker

    with psycopg.connect(cluster.url) as conn, conn.transaction():
        _as(conn, "sparecorp")
        conn.execute("INSERT INTO visits_visitor (first_name, last_name, email, phone, company_name, language) "
                     "VALUES ('Spare', 'Visitor', '', '', '', 'en')")  # fmt: skip
        visit_id = check_in(conn)
    assert _on_desk(cluster, "sparecorp", visit_id) == [("sparecorp", visit_id, "on_site")]
