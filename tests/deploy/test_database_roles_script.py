"""deploy/postgres/init-roles.sh gives the application the guide's roles on the real PostgreSQL.

A throw-away database is made for it, the script runs as the superuser (as PostgreSQL's image runs it on
first start), then the migration step and provisioning run as its login, SET ROLE to its owner as the guide
says, and the login is checked to reach no company's rows by itself.
"""

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.conf import settings

from tests.deploy.processes import ROOT
from tests.server_tools import url_host

PASSWORD = "init-roles-test-password"


def _server() -> dict[str, Any]:
    db: dict[str, Any] = settings.DATABASES["default"]
    return {"host": db["HOST"] or "127.0.0.1", "port": int(db["PORT"] or 5432), "user": db["USER"]}


def _superuser(dbname: str) -> psycopg.Connection[Any]:
    server = _server()
    return psycopg.connect(dbname=dbname, autocommit=True, **server)


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A new database (its name is also the role prefix), dropped with every role named for it."""
    name = f"ck_roles_{uuid.uuid4().hex[:8]}"
    with _superuser("postgres") as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with _superuser("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            roles = admin.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s", [rf"{name}\_%"]).fetchall()
            if roles:  # in one statement: since PostgreSQL 16 a role that granted memberships goes only with them
                admin.execute("DROP ROLE " + ", ".join(f'"{role}"' for (role,) in roles))


def _run_script(database: str) -> None:
    server = _server()
    env = {
        "PATH": os.environ["PATH"],
        "PGHOST": server["host"],
        "PGPORT": str(server["port"]),
        "POSTGRES_USER": server["user"],
        "POSTGRES_DB": database,
        "CHECKIN_DB_PASSWORD": PASSWORD,
    }
    script = ROOT / "deploy" / "postgres" / "init-roles.sh"
    subprocess.run(["sh", str(script)], env=env, check=True, capture_output=True, timeout=60)


def _manage(database: str, *args: str) -> None:
    server = _server()
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "CHECKIN_DB_ROLE_PREFIX"}}
    env.update(
        PYTHONPATH=f"{ROOT / 'platform'}:{ROOT}",
        DJANGO_SETTINGS_MODULE="checkin.settings",
        DATABASE_URL=f"postgresql://{database}__login:{PASSWORD}@{url_host(server['host'])}:{server['port']}/{database}",
        CHECKIN_DB_OWNER_ROLE=f"{database}__owner",
        CHECKIN_SPARE_SCHEMAS="0",
    )
    done = subprocess.run(
        [sys.executable, "platform/manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}"


@pytest.fixture(scope="module")
def migrated(database: str) -> str:
    _run_script(database)
    _run_script(database)  # a second run (by hand, on an existing cluster) changes nothing but the password
    _manage(database, "migrate_schemas", "--noinput")
    _manage(database, "ensure_platform")
    _manage(database, "create_building", "tower", "--name", "Tower")
    for company in ("acme", "globex"):
        _manage(database, "create_company", company, "--building", "tower", "--name", company.title())
    return database


def _login(database: str) -> psycopg.Connection[Any]:
    server = _server()
    return psycopg.connect(
        dbname=database, host=server["host"], port=server["port"], user=f"{database}__login", password=PASSWORD
    )


def test_the_login_is_no_superuser_and_the_owner_cannot_log_in(migrated):
    with _superuser(migrated) as admin:
        rows = admin.execute(
            "SELECT rolname, rolsuper, rolinherit, rolcanlogin, rolcreaterole, rolcreatedb FROM pg_roles "
            "WHERE rolname IN (%s, %s)",
            [f"{migrated}__login", f"{migrated}__owner"],
        ).fetchall()
        roles = {row[0]: tuple(row[1:]) for row in rows}
        owner_of_database = admin.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [migrated]
        ).fetchone()
        owned_by_login = admin.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = %s",
            [f"{migrated}__login"],
        ).fetchone()
    assert roles[f"{migrated}__login"] == (False, False, True, False, False)
    assert roles[f"{migrated}__owner"] == (False, True, False, True, False)
    assert owner_of_database == (f"{migrated}__owner",)
    assert owned_by_login == (0,)  # the migrations ran as the owner: the login owns no table


def test_the_migrations_made_every_schema_the_owners(migrated):
    with _superuser(migrated) as admin:
        owners = admin.execute(
            "SELECT DISTINCT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname IN ('acme', 'globex', 'tower')"
        ).fetchall()
    assert owners == [(f"{migrated}__owner",)]


def test_the_login_cannot_reset_its_role_into_another_companys_rows(migrated):
    with _login(migrated) as login:
        login.execute(f'SET ROLE "{migrated}_acme"')  # as a request on acme's host runs
        assert login.execute("SELECT count(*) FROM acme.visits_host").fetchone() is not None
        login.commit()
        login.execute("RESET ROLE")  # what an injected statement would try: back to the login itself
        assert login.execute("SELECT current_user, session_user").fetchone() == (
            f"{migrated}__login", f"{migrated}__login",
        )  # fmt: skip
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            login.execute("SELECT count(*) FROM globex.visits_visit")
        login.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            login.execute(f'SET ROLE "{_server()["user"]}"')  # nor become the superuser


def test_the_daily_drop_of_a_removed_companys_schema_runs_as_the_owner(migrated):
    """The owner role is no member of a company's role: dropping that role must still work (the daily job)."""
    _manage(migrated, "create_company", "initech", "--building", "tower", "--name", "Initech")
    _manage(migrated, "shell", "-c", (
        "import datetime as dt\n"
        "from django.utils import timezone\n"
        "from shared_apps.provisioning.companies import company_remove\n"
        "from shared_apps.tenancy.models import Tenant\n"
        "company_remove(company=Tenant.objects.get(slug='initech'), actor='test',"
        " now=timezone.now() - dt.timedelta(days=400))\n"
    ))  # fmt: skip
    _manage(migrated, "drop_removed_companies")
    with _superuser(migrated) as admin:
        assert admin.execute("SELECT 1 FROM pg_namespace WHERE nspname = 'initech'").fetchone() is None
        assert admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [f"{migrated}_initech"]).fetchone() is None


def test_the_script_refuses_to_run_without_a_password(database):
    script = ROOT / "deploy" / "postgres" / "init-roles.sh"
    env = {"PATH": os.environ["PATH"], "POSTGRES_DB": database}
    done = subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode != 0 and "CHECKIN_DB_PASSWORD" in done.stderr
