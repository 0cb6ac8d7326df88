"""A throw-away Citus cluster on this machine: a coordinator and workers, each a throw-away server
(tests/postgres_server.py: `initdb`, its own free port on 127.0.0.1, trust for local connections, started as the
`postgres` user).

Each node adds `shared_preload_libraries = 'citus'` and `wal_level = logical` (citus_schema_move copies a schema
by logical replication); trust lets the coordinator reach the workers as whatever role a statement runs as
(deploy/README.md, "Citus", says what a production cluster uses instead).
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.citus.build import ensure_citus
from tests.postgres_server import DATABASE, Node, node_start, node_stop, scratch_root, wait_ready

__all__ = ["DATABASE", "Cluster", "Node", "citus_cluster"]

# Each node: Citus loaded, logical replication for citus_schema_move, room for the connections between nodes.
_CITUS_SETTINGS = (
    "shared_preload_libraries = 'citus'\n"
    "wal_level = logical\nmax_connections = 200\nmax_wal_senders = 20\nmax_replication_slots = 20\n"
    "shared_buffers = 32MB\nmax_worker_processes = 32\n"
    "citus.shard_replication_factor = 1\n"
)


@dataclass
class Cluster:
    root: Path
    coordinator: Node
    workers: list[Node] = field(default_factory=list)

    @property
    def nodes(self) -> list[Node]:
        return [self.coordinator, *self.workers]

    @property
    def url(self) -> str:
        """The application's DATABASE_URL: the coordinator."""
        return self.coordinator.url()

    def database_create(self, name: str) -> None:
        """A database with Citus on every node, the workers joined, and the settings the application needs there:
        schema-based sharding (every schema it creates is a distributed schema) and the company tables' triggers
        (the desk read model's, which do nothing on a worker): deploy/README.md, "Citus"."""
        for node in self.nodes:
            with node.connect("postgres") as conn:
                conn.execute(f"CREATE DATABASE {name}")
            with node.connect(name) as conn:
                conn.execute("CREATE EXTENSION citus")
        with self.coordinator.connect(name) as conn:
            conn.execute("SELECT citus_set_coordinator_host('127.0.0.1', %s)", [self.coordinator.port])
            for worker in self.workers:
                conn.execute("SELECT citus_add_node('127.0.0.1', %s)", [worker.port])
            conn.execute(f"ALTER DATABASE {name} SET citus.enable_schema_based_sharding = on")
            conn.execute(f"ALTER DATABASE {name} SET citus.enable_unsafe_triggers = on")

    def worker_add(self, databases: tuple[str, ...] = (DATABASE,)) -> Node:
        """Start one more worker and join it, as deploy/README.md ("Adding a worker") says: Citus in each database
        on the new node, then `citus_add_node` on the coordinator (which copies roles and reference tables there).
        It holds no company until schemas are moved or rebalanced onto it."""
        node = node_start(self.root, f"worker{len(self.workers) + 1}", _CITUS_SETTINGS)
        self.workers.append(node)  # stopped with the others
        wait_ready(node)
        for name in databases:
            with node.connect("postgres") as conn:
                conn.execute(f"CREATE DATABASE {name}")
            with node.connect(name) as conn:
                conn.execute("CREATE EXTENSION citus")
            with self.coordinator.connect(name) as conn:
                conn.execute("SELECT citus_add_node('127.0.0.1', %s)", [node.port])
        return node

    def placement(self, schema: str, database: str = DATABASE) -> int:
        """The port of the worker holding a distributed schema's tables."""
        with self.coordinator.connect(database) as conn:
            row = conn.execute(
                "SELECT DISTINCT p.nodeport FROM citus_shards p JOIN pg_dist_schema s "
                "ON s.colocationid = p.colocation_id WHERE s.schemaid = %s::regnamespace",
                [schema],
            ).fetchall()
        assert len(row) == 1, f"{schema} is on {row}"
        return int(row[0][0])


@contextlib.contextmanager
def citus_cluster(workers: int = 2) -> Iterator[Cluster]:
    """Build Citus if needed, start the nodes, join them; stop and remove everything afterwards."""
    ensure_citus()
    root = scratch_root("checkin-citus-")
    started: list[Node] = []
    cluster: Cluster | None = None
    try:
        coordinator = node_start(root, "coordinator", _CITUS_SETTINGS)
        started.append(coordinator)
        for i in range(workers):
            started.append(node_start(root, f"worker{i + 1}", _CITUS_SETTINGS))
        cluster = Cluster(root=root, coordinator=coordinator, workers=started[1:])
        for node in cluster.nodes:
            wait_ready(node)
        cluster.database_create(DATABASE)
        yield cluster
    finally:
        for node in reversed(cluster.nodes if cluster is not None else started):  # with the workers added since
            node_stop(node)
        shutil.rmtree(root, ignore_errors=True)
