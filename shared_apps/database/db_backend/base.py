"""django-tenants' PostgreSQL backend, with the schema's role set at the start of every transaction.

django-tenants sets `search_path` once per connection with a session-level `SET`. Behind
a pooler in transaction mode (PgBouncer) a session-level setting stays on the server
connection and follows it into another client's transaction, and the next statement of
this client may land on a server connection that never saw it. So this backend sets
nothing per session: the first statement of every transaction (every statement, outside
`transaction.atomic`) is sent as one simple-protocol query that starts with

    SET LOCAL search_path = <schema>, public; SET LOCAL ROLE <role of the schema>;

which PostgreSQL scopes to that transaction and undoes at its end, rollback included.
The role follows `shared_apps.database.db_roles`: the schema's own role within a request
or task, the owner outside them.

On Citus (`CHECKIN_DATABASE_KIND=citus`) a DDL statement is sent after the preamble, not with it: Citus hands the
whole query text of a utility statement to the workers, and they refuse several commands in one prepared statement
("cannot insert multiple commands into a prepared statement"). Outside a transaction the preamble then uses `SET`
(as for CREATE DATABASE below) and the next statement sets its own again.

Limits: statements must go through Django's cursors (not the raw psycopg connection);
`COPY` needs `transaction.atomic` so the preamble can be sent first; server-side cursors
(`DISABLE_SERVER_SIDE_CURSORS`) and `server_side_binding` cannot be used, since a
`DECLARE` or a server-bound query cannot carry other statements.
"""

from __future__ import annotations

import re
import select
from typing import Any

import sqlparse
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.postgresql import base as django_postgresql
from django_tenants.postgresql_backend import base as tenants_base
from psycopg import sql
from psycopg.pq import TransactionStatus

from shared_apps.database import db_roles, login_guard

_PREAMBLE_RESULTS = 2  # SET LOCAL search_path; SET LOCAL ROLE
_NO_TRANSACTION_BLOCK = re.compile(
    r"\s*((CREATE|DROP|ALTER)\s+DATABASE|VACUUM|(CREATE|DROP)\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY|REINDEX|ALTER\s+SYSTEM"
    r"|(CREATE|DROP)\s+TABLESPACE)\b",
    re.IGNORECASE,
)
# Utility statements whose text Citus forwards to the workers as it came (a DO block runs its own statements).
_DDL = re.compile(r"\s*(CREATE|ALTER|DROP|GRANT|REVOKE|COMMENT|TRUNCATE|SECURITY\s+LABEL)\b", re.IGNORECASE)


DjangoCursor: Any = django_postgresql.Cursor  # psycopg's ClientCursor with Django's callproc; untyped in the stubs


class RoleCursor(DjangoCursor):
    """A client-side-binding cursor that prefixes the transaction's first statement with the preamble."""

    wrapper: DatabaseWrapper | None = None

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        preamble = self.wrapper.preamble_pending() if self.wrapper is not None else None
        apart = (
            self.wrapper is not None
            and self.wrapper.ddl_apart
            and isinstance(query, str | bytes)
            and bool(_DDL.match(_text(query)))
        )
        if preamble is None:
            if apart:
                return self._execute_one_by_one(query, params, **kwargs)
            return super().execute(query, params, **kwargs)
        if isinstance(query, str) and _NO_TRANSACTION_BLOCK.match(query):
            # CREATE DATABASE, VACUUM, CREATE INDEX CONCURRENTLY...: owner maintenance that cannot share a
            # transaction; they get the same settings for the session. Every later statement sets its own.
            super().execute(preamble.replace("SET LOCAL ", "SET "))
            return super().execute(query, params, **kwargs)
        if apart:
            in_transaction = not self.wrapper.connection.autocommit  # type: ignore[union-attr]
            super().execute(preamble if in_transaction else preamble.replace("SET LOCAL ", "SET "))
            self.wrapper.preamble_sent(preamble)  # type: ignore[union-attr]
            return self._execute_one_by_one(query, params, **kwargs)
        super().execute(_prefixed(preamble, query), params, **kwargs)
        for _ in range(_PREAMBLE_RESULTS):
            self.nextset()  # leave the cursor on the caller's own result
        self.wrapper.preamble_sent(preamble)  # type: ignore[union-attr]
        return self

    def _execute_one_by_one(self, query: str | bytes, params: Any, **kwargs: Any) -> Any:
        """Citus forwards a utility statement's whole query text to the workers: a migration's several statements
        in one string go one at a time (split as Django's `sqlmigrate` splits them)."""
        text = query if isinstance(query, str) else query.decode()
        parts = [part for part in sqlparse.split(text) if part.strip().rstrip(";").strip()] if not params else [text]
        for part in parts[:-1]:
            super().execute(part, **kwargs)
        return super().execute(parts[-1] if parts else text, params, **kwargs)

    def executemany(self, query: Any, params_seq: Any, **kwargs: Any) -> None:
        for params in params_seq:
            self.execute(query, params)

    def copy(self, statement: Any, params: Any = None, **kwargs: Any) -> Any:
        if self.wrapper is not None:
            self.wrapper.preamble_send_alone(self)
        return super().copy(statement, params, **kwargs)


def _text(query: str | bytes) -> str:
    return query if isinstance(query, str) else query[:64].decode(errors="replace")


def _prefixed(preamble: str, query: Any) -> Any:
    if isinstance(query, sql.Composable):
        return sql.SQL(preamble) + query
    if isinstance(query, bytes):
        return preamble.encode() + query
    return preamble + query


class SchemaEditor(tenants_base.DatabaseWrapper.SchemaEditorClass):
    """On Citus, a new column's CHECK (a positive integer field's) is added as a named constraint of its own: Citus
    refuses a column added with an unnamed constraint. Named as Django names a check that a field change adds."""

    def add_field(self, model: Any, field: Any) -> None:
        check = field.db_parameters(connection=self.connection)["check"]
        if not (getattr(self.connection, "ddl_apart", False) and check):
            return super().add_field(model, field)
        self.sql_check_constraint = ""  # the column without its check (an instance attribute, for this call)
        try:
            super().add_field(model, field)
        finally:
            del self.sql_check_constraint
        name = self._create_index_name(model._meta.db_table, [field.column], suffix="_check")
        self.execute(self._create_check_sql(model, name, check))
        return None


class DatabaseWrapper(tenants_base.DatabaseWrapper):
    SchemaEditorClass = SchemaEditor

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.settings_dict["OPTIONS"].get("server_side_binding"):
            raise ImproperlyConfigured("server_side_binding cannot carry the per-transaction role preamble.")
        self.role_scopes: list[db_roles.RoleScope | None] = []
        self._preamble_applied: str | None = None
        self._preambles: dict[tuple[str, bool, str | None], str] = {}
        self.ddl_apart = getattr(settings, "CHECKIN_DATABASE_KIND", "postgresql") == "citus"

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        new = super().get_new_connection(conn_params)
        try:
            login_guard.login_check(new)  # a superuser login is refused (production), asked once per process
        except BaseException:
            new.close()
            raise
        return new

    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        params["cursor_factory"] = RoleCursor
        return params

    def create_cursor(self, name: str | None = None) -> Any:
        if name:
            raise ImproperlyConfigured("Server-side cursors are off (DISABLE_SERVER_SIDE_CURSORS): see this module.")
        cursor = super().create_cursor(name)
        if isinstance(cursor, RoleCursor):
            cursor.wrapper = self
        return cursor

    def is_usable(self) -> bool:
        """Whether the kept connection still works, asked without a round trip when it can be.

        CONN_HEALTH_CHECKS asks this before each request reuses the connection. An idle connection has nothing
        to read unless the server closed it or is closing it (a restart first sends every session a FATAL
        message; a killed server leaves end-of-file): only then is it probed with a query, which says for sure.
        """
        if self.connection is None or self.connection.closed:
            return False
        if self.connection.info.transaction_status != TransactionStatus.IDLE:
            return bool(super().is_usable())
        poller = select.poll()
        poller.register(self.connection.fileno(), select.POLLIN)
        return bool(super().is_usable()) if poller.poll(0) else True

    def _handle_search_path(self, cursor: Any = None) -> None:
        """Nothing per session: the preamble sets schema and role per transaction."""

    def role_current(self) -> str | None:
        """The role statements of this connection run as now; None means the login itself."""
        scope = self.role_scopes[-1] if self.role_scopes else None
        if scope is None:
            return db_roles.owner_role()
        return scope.role_for(self.schema_name)

    def preamble(self) -> str:
        role = self.role_current()
        # Asked before every statement: built once per schema and role (the search path depends on nothing else).
        key = (self.schema_name, self.include_public_schema, role)
        built = self._preambles.get(key)
        if built is None:
            paths = ", ".join(tenants_base.quote_schema_name(s) for s in self._get_cursor_search_paths())
            # RESET: a login running as itself must not keep a role set earlier in the transaction.
            role_sql = f"SET LOCAL ROLE {db_roles.ident(role)}" if role else "SET LOCAL ROLE NONE"
            built = f"SET LOCAL search_path = {paths}; {role_sql}; "
            if len(self._preambles) >= 1000:  # schemas come and go in a long-lived process: stay bounded
                self._preambles.clear()
            self._preambles[key] = built
        return built

    def preamble_pending(self) -> str | None:
        """The preamble to send before the next statement, or None when this transaction already has it."""
        if self.connection is not None and self.connection.info.transaction_status == TransactionStatus.INERROR:
            return None  # only a rollback can run now, and it must not carry anything else
        wanted = self.preamble()  # may itself run a query (a scope's reachable schemas): compare after
        if self._in_transaction() and self._preamble_applied == wanted:
            return None
        return wanted

    def preamble_sent(self, preamble: str) -> None:
        self._preamble_applied = preamble if self._in_transaction() else None

    def preamble_send_alone(self, cursor: Any) -> None:
        """Send the preamble as a statement of its own (before a COPY or a raw psycopg cursor), in a transaction."""
        preamble = self.preamble_pending()
        if preamble is None:
            return
        if self.connection.autocommit:
            raise RuntimeError("COPY must run inside transaction.atomic(), after the schema's role is set.")
        DjangoCursor.execute(cursor, preamble)
        self.preamble_sent(preamble)

    def preamble_forget(self) -> None:
        """Call after running SQL that changes search_path or role itself."""
        self._preamble_applied = None

    def _in_transaction(self) -> bool:
        return self.connection is not None and self.connection.info.transaction_status == TransactionStatus.INTRANS

    def savepoint_rollback(self, sid: str) -> None:
        try:
            super().savepoint_rollback(sid)
        finally:
            self._preamble_applied = None  # ROLLBACK TO SAVEPOINT undoes a SET LOCAL sent after it

    def close(self) -> None:
        self._preamble_applied = None
        super().close()
