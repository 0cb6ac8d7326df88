"""The building-wide cross-tenant view: PostgreSQL views in a building's reception schema.

Each view is a `UNION ALL` with one branch per ACTIVE company schema of the
building, every row tagged with its company (tenant id, slug, name). The
reception schema holds no copy of visitor data: a purge, an erasure or a
company's removal is gone from the desk as soon as it commits.

Only what the desk shows is selected. Visitors' e-mail addresses and phone
numbers are left out: the desk greets, badges and counts people, it does not
contact them (host notifications are sent by the company's own services).
The visit's purpose and the consent timestamps stay in the company schema too.

Views block `ALTER COLUMN TYPE` and `DROP COLUMN` on what they select, so
`migrate_schemas` drops them before company migrations and rebuilds them after
(see `tenant_apps/desk/migration_executor.py`), and a company's removal
rebuilds its building's views (without it) before its schema is dropped.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django_tenants.utils import schema_exists

from shared_apps.tenancy.db_roles import owner_privileges, views_grant_statements
from shared_apps.tenancy.models import Building, Tenant

VISITS_VIEW = "desk_visits"
HOSTS_VIEW = "desk_hosts"


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    expression: str  # over aliases v (visit), p (visitor), h (host) of one company schema


_COMPANY_COLUMNS = [
    Column("tenant_id", "bigint", "{tenant_id}"),
    Column("company_slug", "text", "{slug}"),
    Column("company_name", "text", "{name}"),
]

_VISIT_COLUMNS = [
    Column("row_key", "text", "{tenant_id} || ':' || v.id"),
    *_COMPANY_COLUMNS,
    Column("visit_id", "bigint", "v.id"),
    Column("code", "text", "v.code"),
    Column("state", "text", "v.state"),
    Column("expected_start", "timestamptz", "v.expected_start"),
    Column("expected_end", "timestamptz", "v.expected_end"),
    Column("checked_in_at", "timestamptz", "v.checked_in_at"),
    Column("checked_out_at", "timestamptz", "v.checked_out_at"),
    Column("consent_notice_version", "text", "v.consent_notice_version"),
    Column("visitor_id", "bigint", "p.id"),
    Column("first_name", "text", "p.first_name"),
    Column("last_name", "text", "p.last_name"),
    Column("visitor_company", "text", "p.company_name"),
    Column("language", "text", "p.language"),
    Column("host_id", "bigint", "h.id"),
    Column("host_name", "text", "coalesce(h.name, '')"),
]

_HOST_COLUMNS = [
    Column("row_key", "text", "{tenant_id} || ':' || h.id"),
    *_COMPANY_COLUMNS,
    Column("host_id", "bigint", "h.id"),
    Column("name", "text", "h.name"),
]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _select_list(columns: list[Column], company: Tenant) -> str:
    values = {"tenant_id": f"{int(company.pk)}::bigint", "slug": _literal(company.slug), "name": _literal(company.name)}
    return ", ".join(
        f"({column.expression.format(**values)})::{column.sql_type} AS {column.name}" for column in columns
    )


def _empty_select(columns: list[Column]) -> str:
    return "SELECT " + ", ".join(f"NULL::{column.sql_type} AS {column.name}" for column in columns) + " WHERE false"


def _visits_branch(company: Tenant) -> str:
    schema = _ident(company.schema_name)
    return (
        f"SELECT {_select_list(_VISIT_COLUMNS, company)} "
        f"FROM {schema}.visits_visit v "
        f"LEFT JOIN {schema}.visits_visitor p ON p.id = v.visitor_id "
        f"LEFT JOIN {schema}.visits_host h ON h.id = v.host_id"
    )


def _hosts_branch(company: Tenant) -> str:
    schema = _ident(company.schema_name)
    return f"SELECT {_select_list(_HOST_COLUMNS, company)} FROM {schema}.visits_host h WHERE h.is_active"


def view_statements(*, reception_schema: str, companies: list[Tenant]) -> list[str]:
    """The SQL that drops and recreates the building's views over `companies`."""
    schema = _ident(reception_schema)
    visits = " UNION ALL ".join(_visits_branch(c) for c in companies) or _empty_select(_VISIT_COLUMNS)
    hosts = " UNION ALL ".join(_hosts_branch(c) for c in companies) or _empty_select(_HOST_COLUMNS)
    return [
        *reception_views_drop_statements(reception_schema=reception_schema),
        f"CREATE VIEW {schema}.{VISITS_VIEW} AS {visits}",
        f"CREATE VIEW {schema}.{HOSTS_VIEW} AS {hosts}",
    ]


def reception_views_drop_statements(*, reception_schema: str) -> list[str]:
    schema = _ident(reception_schema)
    return [f"DROP VIEW IF EXISTS {schema}.{VISITS_VIEW}", f"DROP VIEW IF EXISTS {schema}.{HOSTS_VIEW}"]


def _reception_of(building: Building) -> Tenant | None:
    return Tenant.objects.filter(building=building, type=Tenant.Type.RECEPTION).first()


@owner_privileges
@transaction.atomic
def reception_views_rebuild(*, building: Building) -> int:
    """(Re)create the building's views over its ACTIVE company schemas; returns how many companies they cover.

    Call it in the same transaction as any change to the building's set of
    active companies: provisioning, suspension, removal (before the schema is
    dropped), and after company migrations. A building without companies gets
    empty views with the same columns.
    """
    reception = _reception_of(building)
    if reception is None or not schema_exists(reception.schema_name):
        return 0
    active = list(
        Tenant.objects.filter(building=building, type=Tenant.Type.COMPANY, status=Tenant.Status.ACTIVE).order_by("pk")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [[company.schema_name for company in active]]
        )
        existing = {row[0] for row in cursor.fetchall()}
        companies = [company for company in active if company.schema_name in existing]
        for statement in view_statements(reception_schema=reception.schema_name, companies=companies):
            cursor.execute(statement)
        # Recreated views lost their grants: the building's desk role may read them, and nothing else.
        for statement in views_grant_statements(reception.schema_name, [VISITS_VIEW, HOSTS_VIEW]):
            cursor.execute(statement)
    return len(companies)


@owner_privileges
@transaction.atomic
def reception_views_drop_all() -> None:
    """Drop every building's views, so that company migrations may alter what they select."""
    receptions = Tenant.objects.filter(type=Tenant.Type.RECEPTION).exclude(building=None)
    with connection.cursor() as cursor:
        for reception in receptions:
            for statement in reception_views_drop_statements(reception_schema=reception.schema_name):
                cursor.execute(statement)


def reception_views_rebuild_all() -> int:
    """Rebuild every building's views; returns how many buildings."""
    buildings = Building.objects.filter(tenants__type=Tenant.Type.RECEPTION).distinct()
    count = 0
    for building in buildings:
        reception_views_rebuild(building=building)
        count += 1
    return count
