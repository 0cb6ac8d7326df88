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
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import DatabaseError, connection

from checkin.demo import DEMO_PASSWORD
from shared_apps.database import db_roles
from shared_apps.database.db_backend.base import DatabaseWrapper
from shared_apps.tenancy.models import Domain
from tests.deploy.processes import free_port, gunicorn, production_env
from tests.pgbouncer_server import (
    compose_web_environment,
    pgbouncer_binary,
    pgbouncer_user,
    shipped_pgbouncer,
    wait_until_it_accepts,
)
from tests.two_factor import code_for

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pgbouncer_port(django_db_setup: None) -> Iterator[int]:
    """Debian's pgbouncer in front of the test database (after its set-up: the settings name it then)."""
    binary = pgbouncer_binary()
    db = connection.settings_dict
    port, host = free_port(), db["HOST"] or "127.0.0.1"
    folder = Path(tempfile.mkdtemp(prefix="checkin-pgbouncer-"))
    folder.chmod(0o777)  # PgBouncer refuses to run as root and drops to another user, which must read and write here
    (folder / "userlist.txt").write_text(f'"{db["USER"]}" ""\n')
    (folder / "pgbouncer.ini").write_text(
        f"""[databases]
* = host={host} port={db["PORT"] or 5432}

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
    user = ["-u", pgbouncer_user(host)] if os.geteuid() == 0 else []
    process = subprocess.Popen([binary, *user, str(folder / "pgbouncer.ini")], stderr=subprocess.PIPE)
    try:
        wait_until_it_accepts(_url(port, db), process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


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


# --- The shipped configuration, as the container runs it --------------------------------------------------


@pytest.fixture(scope="module")
def shipped_pgbouncer_port(web_login: str) -> Iterator[int]:
    """deploy/pgbouncer.ini started by deploy/pgbouncer/entrypoint.sh, as the PgBouncer container starts it."""
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)
    # The password is checked by PgBouncer (SCRAM); the test server trusts loopback.
    with shipped_pgbouncer(host=host, port=port, database=db["NAME"], login=web_login, password=POOLED_PASSWORD) as on:
        yield on


POOLED_PASSWORD = "pooled-login-password"


def test_the_shipped_configuration_serves_the_desk_through_pgbouncer_without_a_failure(
    shipped_pgbouncer_port, web_login
):
    """Debian's PgBouncer 1.18 accepts deploy/pgbouncer.ini, and the desk, polled from several clients at once
    with compose's own setting for prepared statements, never fails behind it (before 1.21, PgBouncer loses a
    client's prepared statement when its next transaction lands on another server connection)."""
    db = connection.settings_dict
    database_url = f"postgresql://{web_login}:{POOLED_PASSWORD}@127.0.0.1:{shipped_pgbouncer_port}/{db['NAME']}"
    prepare = compose_web_environment()["CHECKIN_DB_PREPARE"]
    port = free_port(after=shipped_pgbouncer_port)
    env = production_env(database_url=database_url, port=port, CHECKIN_DB_PREPARE=prepare, GUNICORN_WORKERS="3")
    with gunicorn(env, port) as base:
        desks = [_DeskSession(base) for _ in range(3)]
        for desk in desks:
            desk.sign_in()
        with ThreadPoolExecutor(max_workers=len(desks)) as pool:
            statuses = list(pool.map(lambda i: desks[i % len(desks)].board_status(), range(30)))
    assert statuses == [200] * 30


class _DeskSession:
    """A browser on the tower's desk host over the production web process (HTTPS as the proxy says)."""

    host = "tower.localhost"

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}

    def _send(self, path: str, data: dict[str, str] | None = None) -> Any:
        headers = {"Host": self.host, "X-Forwarded-Proto": "https", "Origin": f"https://{self.host}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(f"{self.base}{path}", data=body, headers=headers)  # noqa: S310
        try:
            response = _NO_REDIRECTS.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        response.read()
        return response

    def sign_in(self) -> None:
        self._send("/accounts/login/")
        token = self.cookies["__Host-checkin_csrf"]
        signed = self._send(
            "/accounts/login/",
            {"username": "desk@tower.example", "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
        )
        assert signed.status == 302 and signed.headers["Location"] == "/accounts/two-factor/"
        code = code_for(self._schema(), "desk@tower.example")
        second = self._send("/accounts/two-factor/", {"code": code, "csrfmiddlewaretoken": token})
        assert second.status == 302, "the desk's second factor was refused"

    def _schema(self) -> str:
        return Domain.objects.select_related("tenant").get(domain=self.host).tenant.schema_name

    def board_status(self) -> int:
        return int(self._send("/desk/").status)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_NO_REDIRECTS = urllib.request.build_opener(_NoRedirect)
