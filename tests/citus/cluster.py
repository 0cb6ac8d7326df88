"""A throw-away Citus cluster on this machine: a coordinator and workers, each an ordinary data directory.

Each node: `initdb`, `shared_preload_libraries = 'citus'`, its own free port on 127.0.0.1, `wal_level = logical`
(citus_schema_move copies a schema by logical replication), trust for local connections (the coordinator reaches
the workers as whatever role a statement runs as: deploy/README.md, "Citus", says what a production cluster uses
instead). Started with `pg_ctl` as the `postgres` user when run as root (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from tests.citus.build import ensure_citus, pginstall

DATABASE = "checkin"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@dataclass
class Node:
    name: str
    data: Path
    port: int

    def url(self, database: str = DATABASE, user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = DATABASE, **kwargs: object) -> psycopg.Connection:
        return psycopg.connect(self.url(database), autocommit=True, **kwargs)  # type: ignore[arg-type]


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
        node = _node_start(self.root, f"worker{len(self.workers) + 1}")
        self.workers.append(node)  # stopped with the others
        _wait_ready(node)
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


def _bin(name: str) -> str:
    return str(pginstall() / "bin" / name)


def _node_start(root: Path, name: str) -> Node:
    data = root / name
    port = _free_port()
    subprocess.run(
        _as_postgres([_bin("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]),
        check=True,
        capture_output=True,
    )
    with open(data / "postgresql.conf", "a") as conf:
        conf.write(
            "\n# Citus test node (tests/citus/cluster.py)\n"
            "shared_preload_libraries = 'citus'\n"
            f"port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{root}'\n"
            "wal_level = logical\nmax_connections = 200\nmax_wal_senders = 20\nmax_replication_slots = 20\n"
            "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            "shared_buffers = 32MB\nmax_worker_processes = 32\n"
            "citus.shard_replication_factor = 1\n"
        )
    subprocess.run(
        _as_postgres([_bin("pg_ctl"), "-D", str(data), "-l", str(root / f"{name}.log"), "-w", "-t", "60", "start"]),
        check=True,
        capture_output=True,
    )
    return Node(name=name, data=data, port=port)


def _node_stop(root: Path, node: Node) -> None:
    subprocess.run(
        _as_postgres([_bin("pg_ctl"), "-D", str(node.data), "-m", "immediate", "-w", "stop"]),
        check=False,
        capture_output=True,
    )


def _wait_ready(node: Node) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            node.connect("postgres").close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextlib.contextmanager
def citus_cluster(workers: int = 2) -> Iterator[Cluster]:
    """Build Citus if needed, start the nodes, join them; stop and remove everything afterwards."""
    ensure_citus()
    root = Path(tempfile.mkdtemp(prefix="checkin-citus-"))
    if os.geteuid() == 0:
        pg = pwd.getpwnam("postgres")
        os.chown(root, pg.pw_uid, pg.pw_gid)
    started: list[Node] = []
    cluster: Cluster | None = None
    try:
        coordinator = _node_start(root, "coordinator")
        started.append(coordinator)
        for i in range(workers):
            started.append(_node_start(root, f"worker{i + 1}"))
        cluster = Cluster(root=root, coordinator=coordinator, workers=started[1:])
        for node in cluster.nodes:
            _wait_ready(node)
        cluster.database_create(DATABASE)
        yield cluster
    finally:
        for node in reversed(cluster.nodes if cluster is not None else started):  # with the workers added since
            _node_stop(root, node)
        shutil.rmtree(root, ignore_errors=True)
