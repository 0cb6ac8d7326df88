"""Behind PgBouncer in transaction mode, a pooled server connection never carries one company's role to another.

The test starts Debian's `pgbouncer` on a spare port in front of the test
database, with one server connection for every client, so that each client's
statements land on the very connection the previous client used. PgBouncer's
own reset after each transaction is off here: the application must be safe by
itself, because it sets schema and role at the start of every transaction.
"""

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import DatabaseError, connection

from shared_apps.tenancy import db_roles
from shared_apps.tenancy.db_backend.base import DatabaseWrapper
from tests.deploy.processes import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pgbouncer_port() -> Iterator[int]:
    binary = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None)
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("pgbouncer is not installed: .ci/run installs Debian's pgbouncer package")
        pytest.skip("no pgbouncer: apt-get install pgbouncer (as .ci/run does)")
    db = connection.settings_dict
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="checkin-pgbouncer-"))
    folder.chmod(0o777)  # PgBouncer refuses to run as root and drops to `nobody`, which must read and write here
    (folder / "userlist.txt").write_text(f'"{db["USER"]}" ""\n')
    (folder / "pgbouncer.ini").write_text(
        f"""[databases]
* = host={db["HOST"] or "127.0.0.1"} port={db["PORT"] or 5432}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {folder / "userlist.txt"}
pool_mode = transaction
default_pool_size = 1
max_client_conn = 20
server_reset_query_always = 0
ignore_startup_parameters = extra_float_digits,options
logfile = {folder / "pgbouncer.log"}
pidfile = {folder / "pgbouncer.pid"}
"""
    )
    for path in folder.iterdir():
        path.chmod(0o666)
    user = ["-u", "nobody"] if os.geteuid() == 0 else []
    process = subprocess.Popen([binary, *user, str(folder / "pgbouncer.ini")], stderr=subprocess.PIPE)
    try:
        _wait_until_it_accepts(port, db, process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_until_it_accepts(port: int, db: dict[str, Any], process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 15
    while True:
        try:
            psycopg.connect(_url(port, db), connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if process.poll() is not None or time.monotonic() > deadline:
                error = process.stderr.read() if process.stderr else b""
                raise AssertionError(f"pgbouncer did not start: {error!r}") from None
            time.sleep(0.1)


def _url(port: int, db: dict[str, Any]) -> str:
    return f"postgresql://{db['USER']}@127.0.0.1:{port}/{db['NAME']}"


@pytest.fixture
def pooled(pgbouncer_port: int) -> Iterator[Any]:
    """Opens application connections (our backend) through PgBouncer, each with its own request scope."""
    opened: list[DatabaseWrapper] = []

    def open_for(schema: str | None) -> DatabaseWrapper:
        settings = {**connection.settings_dict, "HOST": "127.0.0.1", "PORT": pgbouncer_port, "CONN_MAX_AGE": 0}
        wrapper = DatabaseWrapper(settings, alias=f"pooled_{len(opened)}")
        if schema is not None:
            wrapper.set_schema(schema)
            wrapper.role_scopes[:] = [db_roles.scope_for_schema(schema)]  # as the host middleware does
        opened.append(wrapper)
        return wrapper

    yield open_for
    for wrapper in opened:
        wrapper.close()


def _one(wrapper: DatabaseWrapper, sql: str) -> tuple[Any, ...]:
    with wrapper.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
        assert row is not None
        return tuple(row)


def test_a_session_level_setting_does_leak_between_clients_in_transaction_mode(pgbouncer_port):
    """The hazard itself: what one client SETs for its session, the next client's statement inherits."""
    url = _url(pgbouncer_port, connection.settings_dict)
    with psycopg.connect(url, autocommit=True) as first, psycopg.connect(url, autocommit=True) as second:
        first.execute(f"SET ROLE {db_roles.ident(db_roles.schema_role('acme'))}")
        first.execute("SET search_path = acme")
        seen = second.execute("SELECT current_user, current_setting('search_path')").fetchone()
        assert seen == (db_roles.schema_role("acme"), "acme")
        second.execute("RESET ROLE")
        second.execute("RESET search_path")


def test_each_client_runs_as_its_own_schemas_role_on_one_shared_server_connection(pooled, acme, globex):
    acme_client, globex_client = pooled("acme"), pooled("globex")
    pid = _one(acme_client, "SELECT pg_backend_pid()")[0]
    for _ in range(3):  # interleaved, on the one server connection
        assert _one(globex_client, "SELECT pg_backend_pid()")[0] == pid
        assert _one(acme_client, "SELECT current_user, current_setting('search_path')") == (
            db_roles.schema_role("acme"), "acme, public",
        )  # fmt: skip
        assert _one(globex_client, "SELECT current_user, current_setting('search_path')") == (
            db_roles.schema_role("globex"), "globex, public",
        )  # fmt: skip
        assert _one(acme_client, "SELECT count(*) FROM visits_host")[0] >= 1
        with pytest.raises(DatabaseError, match="permission denied"):
            _one(globex_client, "SELECT count(*) FROM acme.visits_host")


def test_a_transaction_sets_schema_and_role_once_and_leaves_nothing_behind(pooled, acme, globex):
    acme_client, globex_client = pooled("acme"), pooled("globex")
    acme_client.set_autocommit(False)
    assert _one(acme_client, "SELECT current_user")[0] == db_roles.schema_role("acme")
    assert _one(acme_client, "SELECT count(*) FROM visits_host")[0] >= 1
    acme_client.commit()
    acme_client.set_autocommit(True)
    # The next client on that server connection finds neither acme's role nor its search_path.
    assert _one(globex_client, "SELECT current_user")[0] == db_roles.schema_role("globex")
    with psycopg.connect(_url(acme_client.settings_dict["PORT"], connection.settings_dict), autocommit=True) as raw:
        assert raw.execute("SELECT current_user, current_setting('search_path')").fetchone() == (
            connection.settings_dict["USER"], '"$user", public',
        )  # fmt: skip


def test_a_client_is_not_fooled_by_what_another_left_on_the_session(pooled, pgbouncer_port, acme, globex):
    url = _url(pgbouncer_port, connection.settings_dict)
    with psycopg.connect(url, autocommit=True) as careless:
        careless.execute(f"SET ROLE {db_roles.ident(db_roles.schema_role('acme'))}")
        careless.execute("SET search_path = acme")
        globex_client = pooled("globex")
        assert _one(globex_client, "SELECT current_user, current_setting('search_path')") == (
            db_roles.schema_role("globex"), "globex, public",
        )  # fmt: skip
        with pytest.raises(DatabaseError, match="permission denied"):
            _one(globex_client, "SELECT count(*) FROM acme.visits_visit")
        careless.execute("RESET ROLE")
        careless.execute("RESET search_path")
