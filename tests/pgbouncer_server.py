"""The shipped PgBouncer for a test: deploy/pgbouncer.ini started by deploy/pgbouncer/entrypoint.sh, as the
PgBouncer container starts it, in front of a server the test names. Debian's `pgbouncer` (.ci/run installs it).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import yaml

from tests.deploy.processes import ROOT, free_port


def pgbouncer_binary() -> str:
    binary = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None)
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("pgbouncer is not installed: .ci/run installs Debian's pgbouncer package")
        pytest.skip("no pgbouncer: apt-get install pgbouncer (as .ci/run does)")
    return binary


def pgbouncer_user(host: str) -> str:
    """Who PgBouncer runs as when the test runs as root (PgBouncer refuses root): `nobody`, or, in front of a server
    reached through a socket folder (the embedded PostgreSQL when DATABASE_URL is unset), the folder's owner: its
    folder is closed to others, and `nobody` waited for a server it could never reach."""
    folder = Path(host)
    if host.startswith("/") and folder.is_dir():
        return pwd.getpwuid(folder.stat().st_uid).pw_name
    return "nobody"


def wait_until_it_accepts(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 15
    while True:
        try:
            psycopg.connect(url, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if process.poll() is not None or time.monotonic() > deadline:
                error = process.stderr.read() if process.stderr else b""
                raise AssertionError(f"pgbouncer did not start: {error!r}") from None
            time.sleep(0.1)


@contextlib.contextmanager
def shipped_pgbouncer(*, host: str, port: int, database: str, login: str, password: str) -> Iterator[int]:
    """PgBouncer in front of `database` on host:port, admitting `login` with `password` (checked by PgBouncer with
    SCRAM, then used to log in to the server); the port it listens on."""
    listening = free_port()
    folder = Path(tempfile.mkdtemp(prefix="checkin-pgbouncer-shipped-"))
    folder.chmod(0o777)  # the entrypoint runs as another user when the test runs as root (PgBouncer refuses root)
    env = {
        "PATH": os.environ["PATH"],
        "CHECKIN_DB_USER": login,
        "CHECKIN_DB_PASSWORD": password,
        "POSTGRES_HOST": host,
        "POSTGRES_PORT": str(port),
        "POSTGRES_DB": database,
        "PGBOUNCER_LISTEN_ADDR": "127.0.0.1",
        "PGBOUNCER_PORT": str(listening),
        "PGBOUNCER_RUN_DIR": str(folder / "run"),
        "PGBOUNCER_CONFIG": str(ROOT / "deploy" / "pgbouncer.ini"),
        "PGBOUNCER_BINARY": pgbouncer_binary(),
    }
    as_user = ["runuser", "-u", pgbouncer_user(host), "--"] if os.geteuid() == 0 else []
    entrypoint = ROOT / "deploy" / "pgbouncer" / "entrypoint.sh"
    process = subprocess.Popen([*as_user, "sh", str(entrypoint)], env=env, stderr=subprocess.PIPE)
    try:
        wait_until_it_accepts(f"postgresql://{login}:{password}@127.0.0.1:{listening}/{database}", process)
        yield listening
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def compose_web_environment() -> dict[str, str]:
    """The web service's environment in deploy/compose.yaml (its CHECKIN_DB_PREPARE behind this PgBouncer)."""
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    return {key: str(value) for key, value in compose["services"]["web"]["environment"].items()}
