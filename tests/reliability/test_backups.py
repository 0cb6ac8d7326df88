"""The backup commands: a full dump restored into a new database, a company's dump, and the restore drill.

They run the server's own pg_dump and pg_restore (PostgreSQL 15's, as the
server) on the test database's committed rows (the seeded demo).
"""

import subprocess
from collections.abc import Iterator
from io import StringIO
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from shared_apps.database.db_roles import role_prefix
from shared_apps.operations.backups.pg_tools import connect, pg_binary
from tests.server_tools import server_tools

pytestmark = pytest.mark.django_db

COMPANIES = ("acme", "globex", "initech")


@pytest.fixture(autouse=True)
def _server_tools(settings) -> None:
    settings.CHECKIN_PG_BIN = str(server_tools())  # the server's own tools, whatever PATH's pg_dump is


def _counts(cursor: Any) -> dict[str, tuple[int, int]]:
    """Visits and visitors of each company (a Django or a psycopg cursor)."""
    counts = {}
    for schema in COMPANIES:
        cursor.execute(
            f'SELECT (SELECT count(*) FROM "{schema}".visits_visit), (SELECT count(*) FROM "{schema}".visits_visitor)'
        )
        visits, visitors = cursor.fetchone()
        counts[schema] = (int(visits), int(visitors))
    return counts


@pytest.fixture
def new_database() -> Iterator[str]:
    """A database name that does not exist yet; dropped afterwards with the roles its restore made."""
    name = f"{connection.settings_dict['NAME']}_restored"
    with override_settings(CHECKIN_DB_ROLE_PREFIX=name):
        prefix = role_prefix()  # what the restored database's processes call its roles
    with connect("postgres") as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    yield name
    with connect("postgres") as server:
        if server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            roles = [row[0] for row in server.execute(
                "SELECT rolname FROM pg_roles WHERE starts_with(rolname, %s)", [prefix + "_"]
            ).fetchall()]  # fmt: skip
            with connect(name) as restored:
                for role in roles:
                    restored.execute(f'DROP OWNED BY "{role}"')
            server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            for role in roles:
                server.execute(f'DROP ROLE "{role}"')


def test_backup_all_restores_every_company_into_a_new_database_with_roles_that_keep_them_apart(tmp_path, new_database):
    dump = tmp_path / "all.dump"
    call_command("backup_all", str(dump), stdout=StringIO())
    output = StringIO()
    call_command("restore_backup", str(dump), new_database, stdout=output, stderr=output)

    assert "with its roles and grants" in output.getvalue()
    with connection.cursor() as cursor:
        live = _counts(cursor)
    assert live["acme"][0] > 0 and live["globex"][0] > 0  # the demo's visits, or the comparison proves little
    with connect(new_database) as restored:
        assert _counts(restored.cursor()) == live
        with override_settings(CHECKIN_DB_ROLE_PREFIX=new_database):
            acme_role = f"{role_prefix()}_acme"
        restored.execute(f'SET ROLE "{acme_role}"')
        restored.execute("SELECT count(*) FROM acme.visits_visit")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            restored.execute("SELECT count(*) FROM globex.visits_visit")


def test_a_restore_never_goes_into_an_existing_database(tmp_path):
    with pytest.raises(CommandError, match="new database"):
        call_command("restore_backup", str(tmp_path / "any.dump"), connection.settings_dict["NAME"])


def test_a_company_dump_holds_its_tables_and_the_restore_drill_finds_every_row(tmp_path):
    dump = tmp_path / "acme.dump"
    call_command("backup_company", "acme", str(dump), stdout=StringIO())
    listing = subprocess.run(
        [pg_binary("pg_restore"), "--list", str(dump)], capture_output=True, text=True, check=True
    ).stdout
    assert "TABLE DATA acme visits_visit" in listing
    assert "globex" not in listing

    output = StringIO()
    call_command("restore_drill", "acme", stdout=output)

    assert "visits_visit: " in output.getvalue()
    assert "Restore drill passed" in output.getvalue()
    with connect("postgres") as server:  # the scratch database is gone
        scratch = f"{connection.settings_dict['NAME']}_drill_acme"
        assert server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [scratch]).fetchone() is None


@pytest.fixture
def login_that_owns_nothing() -> Iterator[str]:
    """A login as production's: NOINHERIT, no rights of its own, a member of the owner role (here postgres)."""
    login = f"{role_prefix()}__backup_login"
    with connect("postgres") as server:  # opened as the suite's login, before the test logs in as the new one
        server.execute(f'DROP ROLE IF EXISTS "{login}"')
        server.execute(f'CREATE ROLE "{login}" LOGIN NOINHERIT')
        server.execute(f'GRANT postgres TO "{login}"')
        yield login
        server.execute(f'DROP ROLE "{login}"')


def test_a_company_dump_by_a_login_that_owns_nothing_is_taken_as_the_owner_role(
    tmp_path, settings, monkeypatch, login_that_owns_nothing
):
    monkeypatch.setitem(connection.settings_dict, "USER", login_that_owns_nothing)  # what pg_dump logs in as
    settings.CHECKIN_DB_OWNER_ROLE = ""
    with pytest.raises(CommandError, match="permission denied"):  # the login's own rights: nothing to dump
        call_command("backup_company", "acme", str(tmp_path / "empty.dump"))

    settings.CHECKIN_DB_OWNER_ROLE = "postgres"
    dump = tmp_path / "acme.dump"
    call_command("backup_company", "acme", str(dump), stdout=StringIO())

    listing = subprocess.run([pg_binary("pg_restore"), "--list", str(dump)], capture_output=True, text=True, check=True)
    assert "TABLE DATA acme visits_visit" in listing.stdout


def test_an_unknown_company_is_named(tmp_path):
    with pytest.raises(CommandError, match="No company 'nobody'"):
        call_command("backup_company", "nobody", str(tmp_path / "x.dump"))
