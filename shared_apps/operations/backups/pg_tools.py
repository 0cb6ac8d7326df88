"""Running pg_dump and pg_restore against the application's database server."""

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import psycopg
from django.conf import settings
from django.db import connection

from shared_apps.database.db_roles import ident, owner_role


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why and what to check."""


def pg_binary(name: str) -> str:
    """`name` in CHECKIN_PG_BIN, else on PATH: its major version must be the server's or newer."""
    folder = getattr(settings, "CHECKIN_PG_BIN", "")
    found = str(Path(folder) / name) if folder else shutil.which(name)
    if not found or not os.access(found, os.X_OK):
        where = f"in CHECKIN_PG_BIN ({folder})" if folder else "on PATH"
        raise BackupError(f"{name} not found {where}: install the PostgreSQL client of the server's major version.")
    return found


def database_name() -> str:
    return str(connection.settings_dict["NAME"])


def libpq_env(database: str | None = None) -> dict[str, str]:
    """The environment that points PostgreSQL's tools at DATABASES' server (and `database`, else its database)."""
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": database or database_name(), "PGUSER": str(db["USER"])}
    if db["HOST"]:
        env["PGHOST"] = str(db["HOST"])
    if db["PORT"]:
        env["PGPORT"] = str(db["PORT"])
    if db["PASSWORD"]:
        env["PGPASSWORD"] = str(db["PASSWORD"])
    if sslmode := (db.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = str(sslmode)
    return env


def database_url(database: str) -> str:
    """DATABASES' server and login as a URL, on `database`: for a process of the application run there."""
    db = connection.settings_dict
    password = f":{quote(str(db['PASSWORD']), safe='')}" if db["PASSWORD"] else ""
    host = quote(str(db["HOST"] or "127.0.0.1"), safe="")
    return f"postgresql://{quote(str(db['USER']), safe='')}{password}@{host}:{db['PORT'] or 5432}/{database}"


def as_owner() -> list[str]:
    """pg_dump and pg_restore switch to the owner role after connecting, so they may read and create everything."""
    role = owner_role()
    return [f"--role={role}"] if role else []


def run(args: list[str], *, database: str | None = None) -> str:
    """Run a PostgreSQL tool; its output, or a BackupError with what it printed."""
    # A PostgreSQL tool found by pg_binary, with arguments built here.
    done = subprocess.run(args, env=libpq_env(database), capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return done.stdout


def connect(database: str) -> psycopg.Connection:
    """An autocommit session on `database` of DATABASES' server, as the owner role when there is one."""
    env = libpq_env(database)
    keys = {"PGHOST": "host", "PGPORT": "port", "PGUSER": "user", "PGPASSWORD": "password", "PGDATABASE": "dbname"}
    params = {name: env[key] for key, name in keys.items() if key in env}
    session = psycopg.connect(autocommit=True, **params)  # type: ignore[arg-type]
    if role := owner_role():
        session.execute(f"SET ROLE {ident(role)}")
    return session


def server_connection() -> psycopg.Connection:
    """A session on the server's maintenance database, for CREATE and DROP DATABASE."""
    return connect("postgres")
