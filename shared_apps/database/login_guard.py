"""A PostgreSQL superuser login, refused by every production process by itself, once per process.

A superuser may `RESET ROLE` inside a request's transaction and read every company: the per-schema roles
(`db_roles`) would protect nothing. `manage.py check --deploy` reports it (checkin.E001), but only the image's
entrypoint runs that; gunicorn, a Celery worker or beat, or a management command started any other way (a
Kubernetes command override, a shell) asks here instead:

- the database backend asks at the first connection of each process (`login_check`), and refuses that
  connection and every later one while the answer is "superuser";
- web, worker and beat open that connection at their start (`exit_if_superuser_login`) and exit non-zero with
  one line; `manage.py` turns a refusal into the same line (`command_run`).

On when `settings.CHECKIN_DB_REFUSE_SUPERUSER` is (the production settings). Operator commands run by hand
(`OPERATOR_COMMANDS`) are let through: they serve no request, and `check` reports the login itself with E001.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection

# session_user: the login itself, whatever role a transaction has taken since.
LOGIN_QUERY = "SELECT session_user, rolsuper FROM pg_roles WHERE rolname = session_user"
# The guide's operator commands (deploy/README.md: Backups, Restore drill, Database roles) and `check`, which
# reports a superuser login as checkin.E001 with its hint.
OPERATOR_COMMANDS = frozenset(
    {"check", "dbshell", "backup_all", "backup_company", "restore_backup", "restore_drill", "sync_db_roles"}
)

_allowed_in_pid: int | None = None  # the process whose login was found not to be a superuser
_operator_command = False


class SuperuserLoginRefused(ImproperlyConfigured):
    pass


def superuser_login(cursor: Any) -> str | None:
    """The login's name when it is a PostgreSQL superuser, else None."""
    cursor.execute(LOGIN_QUERY)
    login, superuser = cursor.fetchone()
    return str(login) if superuser else None


def refusal_line(login: str) -> str:
    return (
        f"DATABASE_URL logs in as {login}, a PostgreSQL superuser that can read every company: set it to the "
        "guide's login (NOSUPERUSER NOINHERIT, member of the owner role; deploy/README.md, Database roles)."
    )


def login_check(raw_connection: Any) -> None:
    """Called by the backend with each new psycopg connection; asks the database once per process.

    Leaves the connection as it found it (idle, no transaction). Raises SuperuserLoginRefused.
    """
    global _allowed_in_pid
    if _allowed_in_pid == os.getpid() or _operator_command or not settings.CHECKIN_DB_REFUSE_SUPERUSER:
        return
    with raw_connection.cursor() as cursor:  # the backend's cursor without its wrapper: no role preamble
        login = superuser_login(cursor)
    if not raw_connection.autocommit:
        raw_connection.rollback()
    if login is not None:
        raise SuperuserLoginRefused(refusal_line(login))
    _allowed_in_pid = os.getpid()  # forked children (gunicorn workers, Celery pool processes) ask again


def exit_if_superuser_login() -> None:
    """At a server process's start (web, worker, beat): exit non-zero with one line on a superuser login.

    A database that does not answer now is left to the first connection that needs it, which asks then.
    """
    if not settings.CHECKIN_DB_REFUSE_SUPERUSER:
        return
    try:
        connection.ensure_connection()
    except SuperuserLoginRefused as refused:
        raise SystemExit(str(refused)) from None
    except DatabaseError:
        return
    finally:
        connection.close()  # the process forks its workers next: none may share this connection


def command_run(argv: Sequence[str]) -> None:
    """`manage.py`: run the command; a refused login ends it with one line and exit status 1."""
    from django.core.management import execute_from_command_line

    global _operator_command
    _operator_command = len(argv) > 1 and argv[1] in OPERATOR_COMMANDS
    try:
        execute_from_command_line(list(argv))
    except SuperuserLoginRefused as refused:
        sys.exit(str(refused))
