"""Restoring a dump into a new database of the same server, with its roles and grants made afresh."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
from django.db import connection

from shared_apps.database.db_roles import ident, owner_role
from shared_apps.operations.backups.pg_tools import (
    BackupError,
    as_owner,
    database_url,
    pg_binary,
    run,
    server_connection,
)


def database_create(name: str) -> None:
    """A new, empty database `name` owned by the owner role; refused if it exists (a restore never overwrites)."""
    if name == connection.settings_dict["NAME"]:
        raise BackupError("A restore goes into a new database, never into the one in use.")
    owner = owner_role()
    with server_connection() as server:
        if server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            raise BackupError(f"Database {name} exists: restore into a new one, or drop it first.")
        try:
            server.execute(f"CREATE DATABASE {ident(name)}" + (f" OWNER {ident(owner)}" if owner else ""))
        except psycopg.errors.InsufficientPrivilege as error:
            raise BackupError(
                f"This login may not create databases: create {name} (owned by {owner or 'the owner role'}) first, "
                "then restore into it with --existing."
            ) from error


def dump_restore(*, file: Path, database: str) -> None:
    """Restore `file` into `database` as the owner, without the dump's owners and grants.

    Owners and grants name roles of the cluster the dump came from, which may not
    exist here ("role does not exist"): the restored objects belong to the owner
    role, and `roles_sync` then gives every schema its role and grants.
    """
    if not file.is_file() or file.stat().st_size == 0:
        raise BackupError(f"{file} is missing or empty.")
    restore = [pg_binary("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", *as_owner()]
    run([*restore, f"--dbname={database}", str(file)], database=database)


def roles_sync(database: str) -> None:
    """`sync_db_roles` on `database`, in a process of its own (the roles' names follow its database's name)."""
    env = {**os.environ, "DATABASE_URL": database_url(database), "PYTHONPATH": os.pathsep.join(filter(None, sys.path))}
    done = subprocess.run(
        [sys.executable, "-m", "django", "sync_db_roles"], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"sync_db_roles on {database} failed: {done.stderr.strip()[-2000:]}")
