"""Several gunicorn workers with the production settings, on a database of the tests' own.

The changes these tests make (a suspension, a removal, a revoked kiosk) are committed by the web process, so they
run on a copy of the session's test database (`pg_dump` into `<test database>_mw`), one per test module (what one
module changes never meets another), dropped at its end.
"""

import json
import socket
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest

from tests.deploy.processes import ROOT, current_test_database_url, production_env
from tests.many_workers.workers import Workers
from tests.server_tools import server_tools

WORKERS = 4


def _spare_port() -> int:
    """A port the system hands out now (the deploy tests' fixed range is shared by other suites running at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def _run(command: list[str], given: bytes | None = None) -> bytes:
    done = subprocess.run(command, input=given, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
    return done.stdout


def _run_django(database_url: str, *args: str) -> str:
    env = production_env(database_url=database_url, DJANGO_SETTINGS_MODULE="checkin.settings")
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@dataclass
class World:
    """The copied database (as its owner) and what seed.py made in it."""

    owner_url: str
    seeded: dict[str, Any]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    with django_db_blocker.unblock():
        source = current_test_database_url()
        tools = server_tools()  # the server's own pg_dump and psql
    name = urllib.parse.urlsplit(source).path.lstrip("/") + "_mw"
    admin = _with_database(source, "postgres")
    owner_url = _with_database(source, name)
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    try:
        dump = _run([str(tools / "pg_dump"), "--no-owner", "--no-privileges", source])
        _run([str(tools / "psql"), "-q", "-v", "ON_ERROR_STOP=1", owner_url], given=dump)
        seeded = json.loads(_run_django(owner_url, "tests/many_workers/seed.py").strip().splitlines()[-1])
        yield World(owner_url=owner_url, seeded=seeded)
    finally:
        _run_django(owner_url, "-c", "import django; django.setup(); from shared_apps.database import db_roles; "
                                     "db_roles.roles_drop_with_prefix(db_roles.role_prefix())")  # fmt: skip
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def workers(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    """gunicorn with WORKERS workers and the production settings (the web processes remember for 5 s)."""
    port = _spare_port()
    env = production_env(
        # As the owner: removing a company deletes its rows from the building's desk read model, which needs the
        # owner role (production names it in CHECKIN_DB_OWNER_ROLE); requests still run as their schema's role.
        database_url=world.owner_url,
        port=port,
        GUNICORN_WORKERS=str(WORKERS),
        GUNICORN_MAX_REQUESTS="0",  # the same workers throughout: each must have remembered before the change
        CHECKIN_HOST_CACHE_SECONDS="5",
    )
    with Workers.started(env, port, tmp_path_factory.mktemp("gunicorn") / "access.log", count=WORKERS) as running:
        yield running
