"""The product on the Citus cluster: DATABASE_URL at the coordinator and CHECKIN_DATABASE_KIND=citus.

The demo is provisioned the way the product provisions (migrate_schemas, then the demo's buildings and companies
cloned from the templates) into distributed schemas; the companies sit on both workers. Then: the raw-SQL
isolation tests of tests/security run on the cluster as they run on one server, a release's migration adds a
column to every company on both workers, and a company moves to the other worker while check-ins run.
"""

from __future__ import annotations

import subprocess
import sys

from tests.citus.cluster import Cluster
from tests.citus.moving import move_under_check_ins
from tests.citus.product import PREFIX, ROOT, manage


def test_buildings_and_companies_are_distributed_schemas_with_roles_that_log_in(
    cluster: Cluster, product: dict[str, str]
) -> None:
    assert {cluster.placement("acme"), cluster.placement("globex")} == {w.port for w in cluster.workers}
    cluster.placement("tower")  # the building's reception schema is distributed too
    with cluster.coordinator.connect() as conn:
        roles: dict[str, bool] = dict(
            conn.execute(
                "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = ANY(%s)",
                [[f"{PREFIX}_acme", f"{PREFIX}_globex", f"{PREFIX}_tower", f"{PREFIX}__app"]],
            ).fetchall()
        )
    # The coordinator reaches the workers as the statement's role: schema roles log in; the app group does not.
    assert roles == {f"{PREFIX}_acme": True, f"{PREFIX}_globex": True, f"{PREFIX}_tower": True, f"{PREFIX}__app": False}
    for worker in cluster.workers:  # roles made on the coordinator exist on every worker
        with worker.connect() as conn:
            assert conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [f"{PREFIX}_acme"]).fetchone()


LEFT_OUT = "not provisioning_from_a_request_runs_as_the_owner and not writes_only_its_own_rows_of_the_read_model"


def test_the_raw_sql_isolation_tests_pass_on_the_cluster(cluster: Cluster, product: dict[str, str]) -> None:
    """tests/security/test_database_roles.py against the coordinator: pytest-django's test database is made
    there first (with Citus on every node), and kept (--reuse-db) so the tests use it. Two tests are left out,
    both for doing in the test's single transaction what the product does in several, which Citus refuses
    ("cannot perform query on placements that were modified in this transaction by a different user"): one
    provisions a company and reads it as its role (a real provisioning commits before the company's first
    request); the other writes visits as the owner, then as each company's role, then reads the desk's rows
    (tests/citus/test_desk.py checks the same with each request its own transaction)."""
    cluster.database_create("test_checkin")
    result = subprocess.run(
        [
            sys.executable, "-m", "pytest", "tests/security/test_database_roles.py", "--reuse-db", "-q",
            "-p", "no:cacheprovider", "-k", LEFT_OUT,
        ],
        cwd=ROOT, env=product, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-6000:]
    assert " passed" in result.stdout and " failed" not in result.stdout


def test_migrate_schemas_adds_a_column_to_companies_on_both_workers(cluster: Cluster, product: dict[str, str]) -> None:
    manage(product, "migrate_schemas", "--noinput", "-v", "0", settings="tests.citus.upgrade_settings")
    with cluster.coordinator.connect() as conn:
        for company in ("acme", "globex", "_template_company"):
            # Written and read through the coordinator: the shard on the worker has the column.
            conn.execute(f"UPDATE {company}.visits_visit SET badge_colour = 'teal'")
            colours = conn.execute(f"SELECT DISTINCT badge_colour FROM {company}.visits_visit").fetchall()
            assert colours in ([("teal",)], []), company
    for worker in cluster.workers:  # each worker holds one company's shard, with the new column
        with worker.connect() as conn:
            conn.execute("SET citus.override_table_visibility = off")  # a worker hides its shards from catalog reads
            shards = conn.execute(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema IN ('acme', 'globex') "
                "AND table_name LIKE 'visits\\_visit\\_%%' AND column_name = 'badge_colour'"
            ).fetchone()
            assert shards is not None and shards[0] >= 1, worker


def test_a_company_moves_to_the_other_worker_while_check_ins_run(cluster: Cluster, product: dict[str, str]) -> None:
    source = cluster.placement("acme")
    target = next(w.port for w in cluster.workers if w.port != source)
    move = move_under_check_ins(cluster, schema="acme", target=target, checking_in=["acme", "globex"], settle=1.0)
    stored, during, before, took = move.stored, move.during, move.before, move.seconds
    failures = [f"{company}: {error}" for company, errors in move.failures.items() for error in errors]
    assert cluster.placement("acme") == target, f"the move took {took:.1f} s"
    assert not failures, failures[:5]
    assert during["acme"] > 0 and during["globex"] > 0, f"check-ins ran during the move: {during}"
    with cluster.coordinator.connect() as conn:
        for company, ids in stored.items():
            rows = conn.execute(
                f"SELECT id FROM {company}.visits_visit WHERE purpose = 'schema move' ORDER BY id"
            ).fetchall()
            # Zero lost, zero duplicated: exactly the committed check-ins, once each.
            assert [row[0] for row in rows] == sorted(ids), company
            total = conn.execute(f"SELECT count(*) FROM {company}.visits_visit").fetchone()
            assert total == (before[company] + len(ids),), company
