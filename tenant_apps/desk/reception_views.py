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

Layout. PostgreSQL stores a view as its parsed query tree, about 20 kB per
company branch here, compressed on write and parsed again on read: writing a
100-company view takes ~100 ms, too much to redo whenever one company is
provisioned. So the companies are spread over `GROUPS` group views by tenant id
(`desk_visits__g07` holds the companies whose id % GROUPS == 7), and
`desk_visits` is the `UNION ALL` of the groups. A change to one company rewrites
its group only, with `CREATE OR REPLACE VIEW` and the same columns, so
`desk_visits` itself (and any grant on it) stays. The planner flattens the
nesting: desk queries plan as over one flat `UNION ALL`. Privileges on the
groups and the company tables are checked as the views' owner, so a desk role
needs `SELECT` on `desk_visits` and `desk_hosts` only.

Every rebuild takes a transaction-level advisory lock on the building, then
reads the building's companies: two provisionings in one building queue there,
and the second sees the first's company.

Views block `ALTER COLUMN TYPE` and `DROP COLUMN` on what they select, so
`migrate_schemas` drops them before company migrations and rebuilds them after
(see `tenant_apps/desk/migration_executor.py`), and a company's removal
rewrites its group (without it) before its schema is dropped.
"""

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from shared_apps.tenancy.models import Building, Tenant

VISITS_VIEW = "desk_visits"
HOSTS_VIEW = "desk_hosts"
# Companies per group view is about N / GROUPS; a full rebuild creates 2 x GROUPS group views.
GROUPS = 16
# First key of the rebuild's pg_advisory_xact_lock(key, building id): "desk" in ASCII.
_LOCK_KEY = 0x6465736B


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str  # every branch casts to it, so that a group's columns never change with its members
    expression: str  # over aliases v (visit), p (visitor), h (host) of one company schema


@dataclass(frozen=True)
class DeskView:
    name: str
    columns: list[Column]
    source: Callable[[str], str]  # FROM ... [WHERE ...] over one company schema, given its quoted name

    def group(self, number: int) -> str:
        return f"{self.name}__g{number:02d}"


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
        Column("code", "text", "v.code"),
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


def _layout_signature() -> str:
    """Changes whenever this module would build different views: stored as the comment of each top view,
    so that a building built by other code is rebuilt whole rather than patched group by group."""
    described = [(view.name, view.columns, view.source('"s"')) for view in DESK_VIEWS]
    return "checkin desk views " + hashlib.sha256(repr((GROUPS, described)).encode()).hexdigest()[:16]


LAYOUT = _layout_signature()


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def group_of(company_pk: int) -> int:
    return company_pk % GROUPS


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


def group_statement(*, reception_schema: str, view: DeskView, number: int, companies: list[ViewCompany]) -> str:
    """(Re)write group `number` of `view` over those of `companies` that belong to it."""
    members = [company for company in companies if group_of(company.pk) == number]
    body = " UNION ALL ".join(_branch(view, company) for company in members) or _empty_select(view)
    return f"CREATE OR REPLACE VIEW {_ident(reception_schema)}.{_ident(view.group(number))} AS {body}"


def view_statements(*, reception_schema: str, companies: list[ViewCompany], existing: Sequence[str] = ()) -> list[str]:
    """The SQL that drops the views named in `existing` and builds the whole layout over `companies`."""
    schema = _ident(reception_schema)
    statements = (
        [f"DROP VIEW IF EXISTS {', '.join(f'{schema}.{_ident(name)}' for name in existing)}"] if existing else []
    )
    for view in DESK_VIEWS:
        statements += [
            group_statement(reception_schema=reception_schema, view=view, number=number, companies=companies)
            for number in range(GROUPS)
        ]
        groups = " UNION ALL ".join(f"SELECT * FROM {schema}.{_ident(view.group(number))}" for number in range(GROUPS))
        statements += [
            f"CREATE VIEW {schema}.{_ident(view.name)} AS {groups}",
            f"COMMENT ON VIEW {schema}.{_ident(view.name)} IS {_literal(LAYOUT)}",
        ]
    return statements


def _is_ours(name: str) -> bool:
    return any(name == view.name or name.startswith(f"{view.name}__g") for view in DESK_VIEWS)


def _desk_views_in(cursor: CursorWrapper, schemas: list[str]) -> dict[str, dict[str, str]]:
    """The desk's views in each of `schemas`, with their comments: {schema: {view: comment}}."""
    cursor.execute(
        "SELECT n.nspname, c.relname, coalesce(obj_description(c.oid, 'pg_class'), '') "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = ANY(%s) AND c.relkind = 'v' AND c.relname LIKE 'desk\\_%%'",
        [schemas],
    )
    found: dict[str, dict[str, str]] = {schema: {} for schema in schemas}
    for schema, name, comment in cursor.fetchall():
        if _is_ours(name):
            found[schema][name] = comment
    return found


def _layout_is_current(views: dict[str, str]) -> bool:
    return all(
        views.get(view.name) == LAYOUT and all(view.group(number) in views for number in range(GROUPS))
        for view in DESK_VIEWS
    )


@transaction.atomic
def reception_views_rebuild(*, building: Building, company: Tenant | None = None) -> int:
    """Bring the building's views in line with its ACTIVE company schemas; returns how many companies they cover.

    Call it in the same transaction as any change to the building's set of
    active companies or to a company's name, passing that `company`: only its
    group is rewritten. Without `company`, or when the reception schema does
    not hold this code's layout, every view of the building is dropped and
    built again. A building without companies gets empty views with the same
    columns.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_KEY, building.pk])
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
        existing_schemas = {row[0] for row in cursor.fetchall()}
        if reception not in existing_schemas:
            return 0
        companies = [company for company in active if company.schema_name in existing_schemas]
        views = _desk_views_in(cursor, [reception])[reception]
        if company is not None and _layout_is_current(views):
            number = group_of(company.pk)
            statements = [
                group_statement(reception_schema=reception, view=view, number=number, companies=companies)
                for view in DESK_VIEWS
            ]
        else:
            statements = view_statements(reception_schema=reception, companies=companies, existing=sorted(views))
        cursor.execute(";\n".join(statements))
    return len(companies)


@transaction.atomic
def reception_views_drop_all() -> None:
    """Drop every building's views, so that company migrations may alter what they select."""
    receptions = list(
        Tenant.objects.filter(type=Tenant.Type.RECEPTION).exclude(building=None).values_list("schema_name", flat=True)
    )
    with connection.cursor() as cursor:
        for schema, views in _desk_views_in(cursor, receptions).items():
            if views:
                names = ", ".join(f"{_ident(schema)}.{_ident(name)}" for name in sorted(views))
                cursor.execute(f"DROP VIEW IF EXISTS {names}")


def reception_views_rebuild_all() -> int:
    """Rebuild every building's views whole; returns how many buildings."""
    buildings = Building.objects.filter(tenants__type=Tenant.Type.RECEPTION).distinct()
    count = 0
    for building in buildings:
        reception_views_rebuild(building=building)
        count += 1
    return count
