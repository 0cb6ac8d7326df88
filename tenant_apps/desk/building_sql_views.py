"""The building-wide cross-tenant view: PostgreSQL views in a building's reception schema.

The desk reads two views, `desk_visits` and `desk_hosts`: a `UNION ALL` with one
branch per ACTIVE company schema of the building, every row tagged with its
company (slug, name). The reception schema holds no copy of visitor data: a
purge, an erasure or a company's removal is gone from the desk as soon as it
commits.

Only the columns the desk shows or filters on are selected: the board, the
evacuation list and its CSV, and the walk-in form's host list (`models.py`
lists them). Visitors' e-mail addresses and phone numbers, the visit's purpose,
consent details, languages and internal ids stay in the company schema: the
desk greets, badges and counts people, it does not contact them, and its
actions read the visit itself in the company's schema (`access.py`).

Why flat, rebuilt whole: PostgreSQL stores a view as its parsed query tree,
about 13 kB per company branch here, so rewriting a 100-company view costs tens
of milliseconds inside the provisioning transaction. Nesting (per-company or
per-group views under a top view) would let a change rewrite a small view only,
but every desk query would then plan 30 to 50% slower (measured at 171
companies), and the desk polls every few seconds while companies come and go
rarely. The rebuild is made cheap instead: one round trip, and the stored tree
compressed with lz4 rather than pglz where the server has it (faster to write,
and to read back into each connection's cache).

Every rebuild takes a transaction-level advisory lock on the building, then
reads the building's companies: two provisionings in one building queue there,
and the second one's views include the first one's company.

The views stay in place while `migrate_schemas` runs, so the desk and the
kiosk's code lookup keep answering during an upgrade; they are rebuilt at its
end (`shared_apps/provisioning/migration_executor.py`), each building in one
transaction, so a reader waits a moment for the new views and never finds
none. Views block `ALTER COLUMN TYPE` and `DROP COLUMN` on what they select:
only a company migration that hits this sets its company aside
(`building_sql_views_without`, used by `tenant_apps/desk/schema_migrate.py`).
A company's removal rebuilds its building's views (without it) before its
schema is dropped. The views are new objects after each rebuild, so the
rebuild grants them again to the building's desk role
(shared_apps/database/db_roles.py), in the same round trip.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from django.db import DatabaseError, connection, transaction

from shared_apps.database.db_roles import owner_privileges, views_grant_statements
from shared_apps.database.locks import LockKey, session_lock, transaction_lock
from shared_apps.tenancy.models import Building, Tenant

VISITS_VIEW = "desk_visits"
HOSTS_VIEW = "desk_hosts"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str  # every branch casts to it, so the empty view and any set of companies agree on types
    expression: str  # over aliases v (visit), p (visitor), h (host) of one company schema


@dataclass(frozen=True)
class DeskView:
    name: str
    columns: list[Column]
    source: Callable[[str], str]  # FROM ... [WHERE ...] over one company schema, given its quoted name


_COMPANY_COLUMNS = [
    Column("company_slug", "text", "{slug}"),
    Column("company_name", "text", "{name}"),
]

DESK_VISITS = DeskView(
    VISITS_VIEW,
    [
        Column("row_key", "text", "{tenant_id} || ':' || v.id"),
        *_COMPANY_COLUMNS,
        Column("visit_id", "bigint", "v.id"),
        Column("code_digest", "text", "v.code_digest"),
        Column("state", "text", "v.state"),
        Column("expected_start", "timestamptz", "v.expected_start"),
        Column("expected_end", "timestamptz", "v.expected_end"),
        Column("checked_in_at", "timestamptz", "v.checked_in_at"),
        Column("checked_out_at", "timestamptz", "v.checked_out_at"),
        Column("first_name", "text", "p.first_name"),
        Column("last_name", "text", "p.last_name"),
        Column("visitor_company", "text", "p.company_name"),
        Column("host_name", "text", "coalesce(h.name, '')"),
    ],
    # LEFT JOINs on primary keys: a query that needs no visitor or host column (the counts) drops the join.
    lambda schema: (
        f"FROM {schema}.visits_visit v "
        f"LEFT JOIN {schema}.visits_visitor p ON p.id = v.visitor_id "
        f"LEFT JOIN {schema}.visits_host h ON h.id = v.host_id"
    ),
)

DESK_HOSTS = DeskView(
    HOSTS_VIEW,
    [
        Column("row_key", "text", "{tenant_id} || ':' || h.id"),
        *_COMPANY_COLUMNS,
        Column("host_id", "bigint", "h.id"),
        Column("name", "text", "h.name"),
    ],
    lambda schema: f"FROM {schema}.visits_host h WHERE h.is_active",
)

DESK_VIEWS = (DESK_VISITS, DESK_HOSTS)


class ViewCompany(NamedTuple):
    """What a branch needs of a company: read as plain rows, since a building may hold hundreds."""

    pk: int
    schema_name: str
    slug: str
    name: str


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _branch(view: DeskView, company: ViewCompany) -> str:
    values = {"tenant_id": f"{int(company.pk)}::bigint", "slug": _literal(company.slug), "name": _literal(company.name)}
    columns = ", ".join(
        f"({column.expression.format(**values)})::{column.sql_type} AS {column.name}" for column in view.columns
    )
    return f"SELECT {columns} {view.source(_ident(company.schema_name))}"


def _empty_select(view: DeskView) -> str:
    return (
        "SELECT " + ", ".join(f"NULL::{column.sql_type} AS {column.name}" for column in view.columns) + " WHERE false"
    )


def view_statements(*, reception_schema: str, companies: list[ViewCompany]) -> list[str]:
    """The SQL that drops and recreates the building's views over `companies`."""
    schema = _ident(reception_schema)
    statements = building_sql_views_drop_statements(reception_schema=reception_schema)
    if _lz4_available():
        # Until the commit: other large values of this transaction get lz4 too, which is harmless.
        statements.append("SET LOCAL default_toast_compression = lz4")
    for view in DESK_VIEWS:
        body = " UNION ALL ".join(_branch(view, company) for company in companies) or _empty_select(view)
        statements.append(f"CREATE VIEW {schema}.{_ident(view.name)} AS {body}")
    return statements


def building_sql_views_drop_statements(*, reception_schema: str) -> list[str]:
    schema = _ident(reception_schema)
    return [f"DROP VIEW IF EXISTS {', '.join(f'{schema}.{_ident(view.name)}' for view in DESK_VIEWS)}"]


@cache
def _lz4_available() -> bool:
    """Whether the server was built with lz4 (PostgreSQL 14+ with --with-lz4, as Debian's packages are)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        row = cursor.fetchone()
    return bool(row and row[0])


@owner_privileges
@transaction.atomic
def building_sql_views_rebuild(*, building: Building, leaving_out: str = "") -> int:
    """(Re)create the building's views over its ACTIVE company schemas; returns how many companies they cover.

    Call it in the same transaction as any change to the building's set of
    active companies or to a company's name: provisioning, rename, suspension,
    removal (before the schema is dropped), and after company migrations. A
    building without companies gets empty views with the same columns.
    `leaving_out` names a company schema to keep out of them (see `building_sql_views_without`).
    """
    transaction_lock(LockKey.DESK_VIEWS, building.pk)
    with connection.cursor() as cursor:
        reception = (
            Tenant.objects.filter(building=building, type=Tenant.Type.RECEPTION)
            .values_list("schema_name", flat=True)
            .first()
        )
        if reception is None:
            return 0
        active = [
            ViewCompany(*row)
            for row in Tenant.objects.filter(building=building, type=Tenant.Type.COMPANY, status=Tenant.Status.ACTIVE)
            .values_list("pk", "schema_name", "slug", "name")
            .order_by("pk")
        ]
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [[reception, *(c.schema_name for c in active)]]
        )
        existing = {row[0] for row in cursor.fetchall()}
        if reception not in existing:
            return 0
        companies = [c for c in active if c.schema_name in existing and c.schema_name != leaving_out]
        statements = view_statements(reception_schema=reception, companies=companies)
        # Recreated views lost their grants: the building's desk role may read them, and nothing else.
        statements += views_grant_statements(reception, [view.name for view in DESK_VIEWS])
        cursor.execute(";\n".join(statements))
    return len(companies)


@owner_privileges
@transaction.atomic
def _building_sql_views_drop(*, building: Building) -> None:
    receptions = Tenant.objects.filter(building=building, type=Tenant.Type.RECEPTION)
    with connection.cursor() as cursor:
        for schema in receptions.values_list("schema_name", flat=True):
            cursor.execute(";\n".join(building_sql_views_drop_statements(reception_schema=schema)))


@contextmanager
def building_sql_views_without(schema_name: str) -> Iterator[None]:
    """The views of the company's building without that company while the block runs, then with it again.

    For a migration that the views block (a column they select changes type or
    goes): the building's other companies stay on the desk meanwhile. The
    building's advisory lock is held at session level throughout, so parallel
    migrations of one building set their companies aside in turn, never each
    other's back in. Anything but a company of a building passes through.
    """
    company = Tenant.objects.filter(schema_name=schema_name, type=Tenant.Type.COMPANY).exclude(building=None).first()
    if company is None or company.building is None:
        yield
        return
    building = company.building
    with session_lock(LockKey.DESK_VIEWS, building.pk, wait_seconds=None):
        try:
            building_sql_views_rebuild(building=building, leaving_out=schema_name)
        except DatabaseError:
            # This release's views may read a column other companies have not got yet: no views until
            # the rebuild that ends `migrate_schemas`, when every company has it.
            logger.warning("Views of building %s dropped until the migrations end.", building.slug, exc_info=True)
            _building_sql_views_drop(building=building)
        try:
            yield
        finally:
            try:
                building_sql_views_rebuild(building=building)
            except DatabaseError:
                logger.warning("Views of building %s wait for the migrations to end.", building.slug, exc_info=True)


def building_sql_views_rebuild_all() -> int:
    """Rebuild every building's views; returns how many buildings."""
    buildings = Building.objects.filter(tenants__type=Tenant.Type.RECEPTION).distinct()
    count = 0
    for building in buildings:
        building_sql_views_rebuild(building=building)
        count += 1
    return count
