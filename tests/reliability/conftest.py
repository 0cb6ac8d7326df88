"""Fixtures of the reliability suite: services of the test's own, on spare ports."""

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection, connections

from checkin.celery import app
from shared_apps.database.db_roles import role_prefix
from shared_apps.operations.broker import publishing_resume
from tests.deploy.processes import ROOT, current_test_database_url, production_env
from tests.reliability.services import DatabaseCopy, EmbeddedPostgres, RedisServer, spare_port


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    with tempfile.TemporaryDirectory() as folder:
        server = RedisServer(port=spare_port(), folder=Path(folder))
        server.start()
        try:
            yield server
        finally:
            server.stop()


def _use_broker(url: str, *, eager: bool) -> None:
    app.conf.broker_url = url
    app.conf.task_always_eager = eager
    # Producers keep connections to the broker they first used: let the next send pick the new one.
    app._pool = None
    app.amqp._producer_pool = None
    publishing_resume()


@pytest.fixture
def broker(own_redis: RedisServer, settings: Any) -> Iterator[RedisServer]:
    """Tasks sent from the test go to the test's own redis-server, not run eagerly (and, as in production, what
    the web tier notes in Redis beside them: REDIS_URL)."""
    settings.REDIS_URL = own_redis.url
    before = (app.conf.broker_url, app.conf.task_always_eager)
    _use_broker(own_redis.url, eager=False)
    try:
        yield own_redis
    finally:
        _use_broker(before[0], eager=before[1])


@pytest.fixture
def own_postgres() -> Iterator[EmbeddedPostgres]:
    # Not under tmp_path: every pytest run on the machine makes /tmp/pytest-of-<user> private again (0700),
    # and the server's own system user then cannot reach its data folder to stop or start it.
    folder = Path(tempfile.mkdtemp(prefix="checkin-postgres-"))
    folder.chmod(0o755)
    server = EmbeddedPostgres(folder)
    try:
        # The platform and the one company the test uses (without its reception schema, its triggers write nothing).
        server.clone(current_test_database_url(), schemas=("public", "acme"))
        # Roles belong to the cluster, not to the dump: give the restored schemas theirs, as after any restore.
        manage = [sys.executable, str(ROOT / "platform" / "manage.py"), "sync_db_roles"]
        subprocess.run(manage, env=production_env(database_url=server.url()), check=True, capture_output=True)
        yield server
    finally:
        server.remove()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def committed_export(acme) -> Iterator[int]:
    """An export request a worker process can see: committed by a connection of its own, removed afterwards."""
    with psycopg.connect(current_test_database_url(), autocommit=True) as db:
        row = db.execute(
            "INSERT INTO acme.privacy_export (status, kind, storage_name, sha256, row_counts, attempts, created_at)"
            " VALUES ('pending', 'requested', '', '', '{}', 0, now()) RETURNING id"
        ).fetchone()
    assert row is not None
    yield row[0]
    with psycopg.connect(current_test_database_url(), autocommit=True) as db:
        db.execute("DELETE FROM acme.privacy_export WHERE id = %s", [row[0]])


def _server(url: str, *, database: str = "postgres") -> str:
    return url.rsplit("/", 1)[0] + f"/{database}"


@pytest.fixture
def database_copy() -> Iterator[DatabaseCopy]:
    """A copy of the test database (CREATE DATABASE ... TEMPLATE), dropped afterwards with the roles made for it.

    Its processes use the test database's role prefix: the copied grants name those roles. The roles of the
    companies provisioned in the copy have no grant anywhere once it is gone, so they are simply dropped.
    No spare schemas: cloning them would only slow the test down. For a test marked
    `django_db(transaction=True, available_apps=["checkin"])`: no session of its own holds the test database.
    """
    source, url, prefix = connection.settings_dict["NAME"], current_test_database_url(), role_prefix()
    connections.close_all()  # a template must have no other session
    name = f"{source}_copy"
    with psycopg.connect(_server(url), autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        roles_before = _roles(server, prefix)
        deadline = time.monotonic() + 30
        while True:
            try:
                server.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
                break
            except psycopg.errors.ObjectInUse:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)  # a session of the test database is still closing
    copy_url = _server(url, database=name)
    try:
        env = production_env(database_url=copy_url, CHECKIN_DB_ROLE_PREFIX=prefix, CHECKIN_SPARE_SCHEMAS="0")
        yield DatabaseCopy(copy_url, env)
    finally:
        with psycopg.connect(_server(url), autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for role in _roles(server, prefix) - roles_before:
                server.execute(f'DROP ROLE "{role}"')


def _roles(server: psycopg.Connection, prefix: str) -> set[str]:
    rows = server.execute("SELECT rolname FROM pg_roles WHERE starts_with(rolname, %s)", [prefix + "_"]).fetchall()
    return {row[0] for row in rows}
