"""PostgreSQL roles that make the database itself keep companies and buildings apart.

Every schema gets its own `NOLOGIN` role:

- a company schema's role may use that schema's tables and nothing of any other company;
- a building's reception schema's role may use its own tables (desk accounts, kiosks) and only
  `SELECT` its read-model tables (`readmodel_*`, written by triggers running as the owner:
  tenant_apps/desk/read_model.py), but no company table; a company's role has no right on it;
- the public schema's role (the root host: IT and provisioning API) may use the public tables.

All of them inherit `<prefix>_shared`: read access to the tenancy tables (hosts, buildings)
and insert-only access to the audit log. The login the application uses is a member of
`<prefix>_app`, which may `SET ROLE` to each of them but inherits none of their rights.

Which role a statement runs as is chosen by the connection (see
`shared_apps/database/db_backend/base.py`) from the schema it serves and the *scope* of the
work: a request is scoped to its host, a Celery task to the schema it was sent from. Inside a
scope, switching to a schema the scope may not reach keeps the scope's own role, so a bug
that points the search path at another company's schema gets permission errors, not rows.
Outside any scope (migrations, management commands, provisioning) statements run as the
owner: `CHECKIN_DB_OWNER_ROLE` when set, else the login itself.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import connection, transaction

from shared_apps.database.brief_memory import BriefMemory

_NAME = re.compile(r"^[a-z0-9_]+$")
_MAX_PREFIX = 21  # prefix + "_" + a 40-character schema name fits PostgreSQL's 63-byte identifiers

PUBLIC_SCHEMA = "public"
SHARED_TABLES_READ = ["tenancy_building", "tenancy_buildingdocument", "tenancy_domain", "tenancy_tenant"]
AUDIT_TABLE = "audit_auditentry"
# Written from every host: failed sign-ins and rate limits count across subdomains (shared_apps/login_throttle);
# every request reads, and every change to what web processes remember bumps, the memories' generations.
SHARED_TABLES_WRITE = ["login_throttle", "rate_counter", "tenancy_memorygeneration"]
# In every schema: its accounts' sign-ins (shared_apps/accounts/signin_records.py). Request roles may add rows,
# never change or remove one; only the log maintainer (below) truncates an old address or deletes an old row.
SIGNIN_TABLE = "accounts_signinrecord"
# Who may pseudonymise and delete old rows of the logs, and nothing else: NOLOGIN, no member but the owner, its
# rights used through one SECURITY DEFINER function that only the owner may execute. Its name holds a character no
# schema role's can ("-"): the append-only trigger of the audit log lets it, and only it, through.
LOG_MAINTAINER_SUFFIX = "__log-maintainer"
DESK_ROUTE_TABLE = "checkin_desk_route"  # Citus only: which reception a company's shard writes to
LOG_MAINTAIN_FUNCTION = "public.checkin_log_maintain(name, name, timestamptz, timestamptz)"
# Tables of a schema that its own role may only read (a reception schema's desk read model).
READ_MODEL_PREFIX = "readmodel\\_"


def role_prefix() -> str:
    """`CHECKIN_DB_ROLE_PREFIX`, else the database name: roles are per cluster, schemas per database."""
    return _prefix_of(getattr(settings, "CHECKIN_DB_ROLE_PREFIX", "") or str(connection.settings_dict["NAME"]))


@functools.lru_cache(maxsize=16)
def _prefix_of(configured: str) -> str:
    """Asked for every statement's role (shared_apps/database/db_backend): computed once per configured value."""
    prefix = configured.lower()
    if len(prefix) > _MAX_PREFIX or not _NAME.match(prefix):
        prefix = "ck_" + hashlib.sha256(configured.encode()).hexdigest()[:12]
    return prefix


def schema_role(schema: str) -> str:
    if not _NAME.match(schema):
        raise ValueError(f"{schema!r} is not a schema name this application creates.")
    return f"{role_prefix()}_{schema}"


def shared_role() -> str:
    return f"{role_prefix()}__shared"


def app_role() -> str:
    return f"{role_prefix()}__app"


def log_maintainer_role() -> str:
    return f"{role_prefix()}{LOG_MAINTAINER_SUFFIX}"


def owner_role() -> str | None:
    return getattr(settings, "CHECKIN_DB_OWNER_ROLE", "") or None


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- Scopes: what a request or task may reach ---------------------------------


@dataclass
class RoleScope:
    """The schema a request or task serves, and which other schemas' roles it may take.

    `reachable` is None for the platform (root host, platform-wide tasks: IT has full
    access), else a callable saying whether this scope may switch to another schema
    (for a building's reception: its companies, where the desk and kiosk write through
    the companies' own services). It is asked once per schema, when first needed. Any
    other schema keeps the home role, whose rights stop at its own schema.
    """

    home: str
    reachable: Callable[[str], bool] | None = None
    home_role: str = ""
    _answers: dict[str, bool] = field(default_factory=dict, init=False, repr=False)

    def role_for(self, schema: str) -> str:
        home_role = self.home_role or schema_role(self.home)
        if schema == self.home:
            return home_role
        if self.reachable is None:
            return schema_role(schema)
        allowed = self._answers.get(schema)
        if allowed is None:
            self._answers[schema] = False  # the lookup below runs a query as the home role: no recursion
            allowed = self._answers[schema] = self.reachable(schema)
        return schema_role(schema) if allowed else home_role


def routing_scope() -> RoleScope:
    """Before the host is known: only the shared tables (the host lookup) are readable."""
    return RoleScope(home=PUBLIC_SCHEMA, reachable=_nothing, home_role=shared_role())


def scope_for_schema(schema: str) -> RoleScope:
    """The scope of work that serves `schema`: a host's request or a task sent from it."""
    if schema == PUBLIC_SCHEMA:
        return RoleScope(home=schema)
    return RoleScope(home=schema, reachable=functools.partial(_building_company, schema))


def _nothing(schema: str) -> bool:
    return False


# A building's company schemas only ever grow: tenant rows are never deleted, a company never changes building and
# a schema name is never reused. A remembered set that holds a schema is right; one that lacks it is read again.
_companies_of: BriefMemory[frozenset[str]] = BriefMemory(forget_on=("tenancy.Tenant",))


def _building_company(reception_schema: str, schema: str) -> bool:
    """Whether `schema` is a company of the building whose reception schema this is (never, for a company)."""
    load = functools.partial(_building_companies, reception_schema)
    return schema in _companies_of.recall(reception_schema, load, unless=lambda companies: schema not in companies)


def _building_companies(reception_schema: str) -> frozenset[str]:
    """The company schemas of the building whose reception schema this is (none for a company)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.schema_name FROM public.tenancy_tenant c JOIN public.tenancy_tenant r "
            "ON r.building_id = c.building_id WHERE r.schema_name = %s AND r.type = 'reception' "
            "AND c.type = 'company'",
            [reception_schema],
        )
        return frozenset(row[0] for row in cursor.fetchall())


def _scopes() -> list[RoleScope | None]:
    stack: list[RoleScope | None] = connection.role_scopes  # type: ignore[attr-defined]
    return stack


def scope_reset(scope: RoleScope | None) -> None:
    """Start a request: forget whatever the previous one left, begin with `scope`."""
    stack = _scopes()
    stack.clear()
    if scope is not None:
        stack.append(scope)


def scope_replace(scope: RoleScope) -> None:
    """The host is known: the request's scope becomes the host's."""
    stack = _scopes()
    if stack:
        stack[-1] = scope
    else:
        stack.append(scope)


def scope_push(scope: RoleScope | None) -> None:
    _scopes().append(scope)


def scope_pop() -> None:
    stack = _scopes()
    if stack:
        stack.pop()


F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def _owner() -> Iterator[None]:
    scope_push(None)
    try:
        yield
    finally:
        scope_pop()


def owner_privileges(func: F | None = None) -> Any:
    """Run as the owner role: for provisioning and schema changes started from a request.

    Usable as `with owner_privileges():` or as a decorator. Only code that creates or
    drops schemas, roles or views needs it.
    """
    if func is None:
        return _owner()

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _owner():
            return func(*args, **kwargs)

    return cast(F, wrapper)


# --- Roles and grants (run as the owner) -----------------------------------


def citus() -> bool:
    """Whether DATABASE_URL is a Citus coordinator (settings.CHECKIN_DATABASE_KIND)."""
    return getattr(settings, "CHECKIN_DATABASE_KIND", "postgresql") == "citus"


def _role_create_sql(role: str, *, inherit: bool = True, login: bool = False) -> str:
    """A role that can log in only where it must: on Citus the coordinator opens its connections to the workers as
    the role a statement runs as, so a schema's role needs LOGIN (and the workers must authenticate the coordinator:
    deploy/README.md, "Citus"). A role made before the switch to Citus gets LOGIN when its schema's rights are
    ensured again (`manage.py sync_db_roles`)."""
    attributes = ("LOGIN" if login else "NOLOGIN") + ("" if inherit else " NOINHERIT")
    existing = f"ALTER ROLE {ident(role)} LOGIN" if login else "NULL"
    create = f"CREATE ROLE {ident(role)} {attributes}"
    return f"DO $$ BEGIN {create}; EXCEPTION WHEN duplicate_object THEN {existing}; END $$"


def _execute(statements: Iterable[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(";\n".join(statements))


def roles_bootstrap_statements() -> list[str]:
    shared, app = shared_role(), app_role()
    public = schema_role(PUBLIC_SCHEMA)
    tables = ", ".join(f"public.{ident(t)}" for t in SHARED_TABLES_READ)
    return [
        _role_create_sql(shared),
        _role_create_sql(app, inherit=False),
        _role_create_sql(public, login=citus()),
        f"GRANT {ident(shared)} TO {ident(public)}",
        f"GRANT {ident(public)}, {ident(shared)} TO {ident(app)}",
        f"GRANT {ident(app)} TO SESSION_USER",
        f"GRANT USAGE ON SCHEMA public TO {ident(shared)}",
        f"GRANT SELECT ON {tables} TO {ident(shared)}",
        f"GRANT SELECT, INSERT ON public.{AUDIT_TABLE} TO {ident(shared)}",
        *(f"GRANT SELECT, INSERT, UPDATE, DELETE ON public.{ident(t)} TO {ident(shared)}" for t in SHARED_TABLES_WRITE),
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {ident(shared)}",
        # The root host's role: every public table, but the audit log stays append-only.
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {ident(public)}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON public.{AUDIT_TABLE} FROM {ident(public)}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {ident(public)}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON public.{SIGNIN_TABLE} FROM {ident(public)}",
        # On Citus only: the desk read model's route, written by its own trigger (tenancy migration 0011).
        f"DO $$ BEGIN IF to_regclass('public.{DESK_ROUTE_TABLE}') IS NOT NULL THEN "
        f"REVOKE ALL ON public.{DESK_ROUTE_TABLE} FROM {ident(public)}; END IF; END $$",
        *log_maintainer_statements(),
    ]


# Deletes rows older than `delete_before` and truncates the client address of rows older than
# `pseudonymise_before` to its /24 (IPv4) or /48 (IPv6) network, in one of the two logs it knows, and says how many
# rows each step touched. It runs as the log maintainer: the only role the audit log's trigger lets delete.
_LOG_MAINTAIN_SQL = f"""
CREATE OR REPLACE FUNCTION {LOG_MAINTAIN_FUNCTION.split("(")[0]}(
    target_schema name, target_table name, pseudonymise_before timestamptz, delete_before timestamptz
) RETURNS TABLE (pseudonymised bigint, deleted bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    relation regclass := to_regclass(format('%I.%I', target_schema, target_table));
BEGIN
    IF target_table NOT IN ('{AUDIT_TABLE}', '{SIGNIN_TABLE}') OR relation IS NULL THEN
        RAISE EXCEPTION 'checkin_log_maintain looks after no table %.%', target_schema, target_table;
    END IF;
    IF pseudonymise_before > now() OR delete_before > now() THEN
        RAISE EXCEPTION 'checkin_log_maintain: only rows of the past are due';
    END IF;
    EXECUTE format('DELETE FROM %s WHERE at < $1', relation) USING delete_before;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    EXECUTE format(
        'UPDATE %s SET ip = host(network(set_masklen(ip, CASE family(ip) WHEN 4 THEN 24 ELSE 48 END)))::inet '
        'WHERE at < $1 AND ip IS NOT NULL '
        'AND ip <> host(network(set_masklen(ip, CASE family(ip) WHEN 4 THEN 24 ELSE 48 END)))::inet',
        relation
    ) USING pseudonymise_before;
    GET DIAGNOSTICS pseudonymised = ROW_COUNT;
    RETURN NEXT;
END;
$fn$
"""


def log_maintainer_statements() -> list[str]:
    """The log maintainer role, its rights on the public logs, and the one function that uses them."""
    maintainer = ident(log_maintainer_role())
    return [
        _role_create_sql(log_maintainer_role(), inherit=False),
        f"GRANT {maintainer} TO CURRENT_USER",  # for a moment: the owner may give it the function only as a member
        f"GRANT USAGE ON SCHEMA public TO {maintainer}",
        f"GRANT SELECT, DELETE, UPDATE (ip) ON public.{AUDIT_TABLE}, public.{SIGNIN_TABLE} TO {maintainer}",
        _LOG_MAINTAIN_SQL,
        # A new owner needs CREATE on the function's schema (a superuser skips the check; the guide's owner does not).
        f"GRANT CREATE ON SCHEMA public TO {maintainer}",
        f"ALTER FUNCTION {LOG_MAINTAIN_FUNCTION} OWNER TO {maintainer}",
        f"REVOKE CREATE ON SCHEMA public FROM {maintainer}",
        f"REVOKE ALL ON FUNCTION {LOG_MAINTAIN_FUNCTION} FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION {LOG_MAINTAIN_FUNCTION} TO CURRENT_USER",
        f"REVOKE {maintainer} FROM CURRENT_USER",  # no one may SET ROLE to it: its rights serve the function only
    ]


def _if_table(schema: str, table: str, statement: str) -> str:
    """`statement` run only when the table exists (a schema role may be made before its migrations)."""
    return (
        f"DO $$ BEGIN IF to_regclass({_literal(f'{ident(schema)}.{ident(table)}')}) IS NOT NULL THEN "
        f"EXECUTE {_literal(statement)}; END IF; END $$"
    )


# The schema's relations found through their dependency on the schema (pg_depend's index on the referenced object),
# each one's kind read by its oid: `GRANT ... ON ALL TABLES IN SCHEMA` finds them by reading the whole of pg_class
# instead, five times (once per kind of table) and once more for the sequences, so provisioning a company took
# longer with every company of the platform (over 100 ms of its time at 500 companies). Same rights on the same
# relations: tables, views, materialized, foreign and partitioned tables; sequences.
_RELATIONS_GRANT_SQL = """DO $$ DECLARE tables text; sequences text; BEGIN
SELECT string_agg(format('%I.%I', {schema}, r.relname), ', ' ORDER BY r.relname)
           FILTER (WHERE r.relkind IN ('r', 'v', 'm', 'f', 'p')),
       string_agg(format('%I.%I', {schema}, r.relname), ', ' ORDER BY r.relname) FILTER (WHERE r.relkind = 'S')
INTO tables, sequences
FROM pg_depend d, LATERAL (SELECT c.relname, c.relkind FROM pg_class c WHERE c.oid = d.objid) r
WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = {namespace}::regnamespace
  AND d.refobjsubid = 0 AND d.classid = 'pg_class'::regclass AND d.deptype = 'n';
IF tables IS NOT NULL THEN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %s TO %I', tables, {role});
END IF;
IF sequences IS NOT NULL THEN
    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON SEQUENCE %s TO %I', sequences, {role});
END IF;
END $$"""


def _relations_grant_sql(schema: str) -> str:
    """Give the schema's role SELECT, INSERT, UPDATE, DELETE on every table and use of every sequence of it."""
    return _RELATIONS_GRANT_SQL.format(
        schema=_literal(schema), namespace=_literal(ident(schema)), role=_literal(schema_role(schema))
    )


def schema_role_statements(schema: str, *, extra_grants: Iterable[str] = ()) -> list[str]:
    """Create the schema's role if missing and give it every table and sequence of its schema."""
    role = ident(schema_role(schema))
    target = ident(schema)
    return [
        _role_create_sql(schema_role(schema), login=citus()),
        f"GRANT {ident(shared_role())} TO {role}",
        f"GRANT {role} TO {ident(app_role())}",
        f"GRANT USAGE ON SCHEMA {target} TO {role}",
        _relations_grant_sql(schema),
        # Tables that later migrations add (created by the owner) get the same rights.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {target} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {target} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role}",
        # Sign-in records: added by requests, changed or removed by the log maintainer only.
        _if_table(schema, SIGNIN_TABLE, f"REVOKE UPDATE, DELETE, TRUNCATE ON {target}.{SIGNIN_TABLE} FROM {role}"),
        f"GRANT USAGE ON SCHEMA {target} TO {ident(log_maintainer_role())}",
        _if_table(
            schema,
            SIGNIN_TABLE,
            f"GRANT SELECT, DELETE, UPDATE (ip) ON {target}.{SIGNIN_TABLE} TO {ident(log_maintainer_role())}",
        ),
        # A read model is written only by the owner's trigger functions: its schema's role reads it.
        # (By name prefix first: pg_class's (relname, relnamespace) index, whatever the number of schemas.)
        "DO $$ DECLARE t text; BEGIN FOR t IN SELECT relname FROM pg_class "
        f"WHERE relname LIKE {_literal(READ_MODEL_PREFIX + '%')} AND relkind = 'r' "
        f"AND relnamespace = {_literal(ident(schema))}::regnamespace LOOP "
        f"EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON %I.%I FROM %I', {_literal(schema)}, t, "
        f"{_literal(schema_role(schema))}); END LOOP; END $$",
        *extra_grants,
    ]


def roles_bootstrap() -> None:
    """The group roles and the public schema's grants. Idempotent."""
    _execute(roles_bootstrap_statements())


def schema_role_ensure(schema: str) -> None:
    """Give a new (or newly migrated) schema its role. Idempotent; part of provisioning's transaction."""
    _execute(schema_role_statements(schema))
    if citus():
        # The workers' copies of the schema's sequences (Citus draws a company table's ids there) do not get the
        # coordinator's grants: give them on every worker once the schema is committed, where they can see it.
        transaction.on_commit(functools.partial(_workers_sequences_grant, schema))


def _workers_sequences_grant(schema: str) -> None:
    grant = f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {ident(schema)} TO {ident(schema_role(schema))}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT nodename, nodeport, result FROM run_command_on_workers(%s) WHERE NOT success", [grant])
        failed = cursor.fetchall()
    if failed:
        raise RuntimeError(f"Granting the sequences of {schema} on the Citus workers failed: {failed}")


def schema_role_drop_statements(schema: str) -> list[str]:
    """Drop the role of a dropped schema (its grants went with the schema).

    DROP OWNED BY needs the privileges of the role dropped: the owner role, which made it with CREATEROLE, is
    no member of it (only the app role is), so it first grants the role to itself; the grant goes with the role.
    """
    role = ident(schema_role(schema))
    return [
        f"DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {_literal(schema_role(schema))}) THEN "
        f"GRANT {role} TO CURRENT_USER; DROP OWNED BY {role}; DROP ROLE {role}; END IF; END $$"
    ]


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def roles_sync(schemas: Iterable[str]) -> int:
    """Bootstrap, then ensure each of these tenant schemas that exists has its role and grants; returns how many.

    The caller names the schemas (shared_apps/tenancy/schema_roles.py: every live tenant's), so that this
    package knows no model.
    """
    roles_bootstrap()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [list(schemas)])
        existing = [row[0] for row in cursor.fetchall()]
    for schema in existing:
        schema_role_ensure(schema)
    return len(existing)


def roles_drop_with_prefix(prefix: str) -> None:
    """Drop every role named for a database about to be dropped (test and benchmark databases).

    Run on that database: `DROP OWNED BY` takes the roles' grants in it with them.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s", [prefix.replace("_", r"\_") + r"\_%"])
        roles = [row[0] for row in cursor.fetchall()]
        for role in roles:
            cursor.execute(f"DROP OWNED BY {ident(role)}")
            cursor.execute(f"DROP ROLE {ident(role)}")


# --- Where scopes begin and end ------------------------------------------------


def on_request_started(**kwargs: Any) -> None:
    scope_reset(routing_scope())


def on_request_finished(**kwargs: Any) -> None:
    scope_reset(None)


def on_task_prerun(**kwargs: Any) -> None:
    # Connected after tenant-schemas-celery's receiver, which has already moved to the task's schema.
    scope_push(scope_for_schema(connection.schema_name))  # type: ignore[attr-defined]


def on_task_postrun(**kwargs: Any) -> None:
    scope_pop()
