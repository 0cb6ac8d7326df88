"""The building's desk read model: the desk's columns of every visit and active host of its companies.

Why a read model and not views: the desk used to read `UNION ALL` views with one branch per company schema.
At 500 companies a read took 16 locks per company (8,003: the second concurrent reader ran PostgreSQL's
default lock table out of shared memory), spent most of its time planning (150 to 800 ms whenever no plan
was cached, as behind PgBouncer's `DISCARD ALL`), grew each connection's catalogue cache by tens of
megabytes, and every provisioning rewrote the views. Reading two tables of the reception schema takes the
same few locks, plans in well under a millisecond and touches the same catalogue entries whatever the
number of companies; provisioning a company writes nothing here.

Parcels (tenant_apps/parcels) have their table here too, `readmodel_parcel`, written the same way by their own
function, `public.checkin_desk_parcels()` (shared_apps/tenancy/migrations/0013), fired by the triggers of
tenant_apps/parcels/migrations/0002: the carrier, reference, items, recipient's name and times, no photo.

What keeps the rules of ../shared/DESIGN.md:

- Written in the company's own transaction. Statement-level triggers on the company's `visits_visit`,
  `visits_visitor` and `visits_host` (tenant_apps/visits/migrations/0006) call
  `public.checkin_desk_read_model()` (shared_apps/tenancy/migrations/0004), which upserts or deletes the
  rows the statement touched. A purge, an erasure, a correction, a cancellation is on the desk, or gone
  from it, when that statement's transaction commits, whatever wrote it (ORM, bulk delete, raw SQL).
  A company's removal deletes its rows in the removal's transaction (`read_model_company_forget`).
  On Citus the triggers fire on the company's shard, on a worker: the function then finds the company and its
  reception schema in a reference table kept by a trigger on the tenants, and writes the reception's rows from
  the worker, still in the company's transaction (shared_apps/tenancy/migrations/0012, tests/citus/test_desk.py).
- No company reads another, enforced by PostgreSQL. The function runs as its owner (SECURITY DEFINER)
  and takes the company from the schema of the table that fired, never from the caller: a company's
  role holds no right at all on the reception schema, so it can neither read the read model nor write
  a row of another company (tests/security/test_database_roles.py). The building's desk role may only
  SELECT these tables (`readmodel_*` tables are read-only for their schema's role:
  shared_apps/database/db_roles.py).
- Only the desk's columns: names, the visitor's organisation, the host's name, times, state and code, and two
  marks the board shows (a walk-in nobody was told of; a person whose processing is restricted, GDPR art. 18).
  E-mail addresses, phone numbers, purposes, consent and languages stay in the company schema; the
  company's name and slug come from `public.tenancy_tenant`, so a rename or a suspension rewrites nothing.
- Exports, company pages and the API read the company schema only; nothing outside tenant_apps/desk
  (and the kiosk's code lookup registered by it) reads these tables (tests/architecture checks the imports).

Filling: the tables start empty when the migration that creates them runs. Once every schema has migrated
(the triggers are in place), `read_model_fill_all` copies each company's existing rows, company by company,
while holding a SHARE lock on that company's three tables (writers of that one company wait a moment, no
write is lost or doubled), then marks the building filled. A building made afterwards is marked filled when
it is made: its companies' triggers are there from their first row.
"""

from django.db import connection, transaction

from shared_apps.database.db_roles import ident, owner_privileges
from shared_apps.database.locks import LockKey, transaction_lock
from shared_apps.tenancy.models import Building, Tenant
from tenant_apps.desk.models import HOSTS_TABLE, PARCELS_TABLE, VISITS_TABLE, ReadModelFilled

# The statuses whose rows the read model keeps (the desk shows the active ones; a suspended company's rows
# stay, hidden, until it is reactivated). The same list is in public.checkin_desk_read_model().
KEPT_STATUSES = (Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED)


def _reception_schema(building: Building) -> str | None:
    return (
        Tenant.objects.filter(building=building, type=Tenant.Type.RECEPTION)
        .values_list("schema_name", flat=True)
        .first()
    )


def _schemas_existing(names: list[str]) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [names])
        return {row[0] for row in cursor.fetchall()}


def _company_rows_delete(cursor, reception: str, company_id: int) -> None:  # type: ignore[no-untyped-def]
    for table in (VISITS_TABLE, HOSTS_TABLE, PARCELS_TABLE):
        cursor.execute(f"DELETE FROM {ident(reception)}.{table} WHERE company_id = %s", [company_id])


def _company_rows_copy(cursor, reception: str, company: Tenant) -> None:  # type: ignore[no-untyped-def]
    own, desk = ident(company.schema_name), ident(reception)
    # Writers of this company wait until the copy commits: none is lost between the copy and the triggers.
    cursor.execute(
        f"LOCK TABLE {own}.visits_visit, {own}.visits_visitor, {own}.visits_host, {own}.parcels_parcel IN SHARE MODE"
    )
    _company_rows_delete(cursor, reception, company.pk)
    cursor.execute(
        f"INSERT INTO {desk}.{VISITS_TABLE} (company_id, visit_id, code, state, expected_start, expected_end, "
        "checked_in_at, checked_out_at, first_name, last_name, visitor_company, host_name, unannounced, restricted) "
        # The code column as the company stores it: `code_digest` once codes are kept as keyed digests.
        "SELECT %s, v.id, coalesce(to_jsonb(v) ->> 'code_digest', to_jsonb(v) ->> 'code'), v.state, "
        "v.expected_start, v.expected_end, v.checked_in_at, v.checked_out_at, "
        "p.first_name, p.last_name, p.company_name, coalesce(h.name, ''), "
        "coalesce((to_jsonb(v) ->> 'arrival_unannounced')::boolean, false), p.restricted_at IS NOT NULL "
        f"FROM {own}.visits_visit v JOIN {own}.visits_visitor p ON p.id = v.visitor_id "
        f"LEFT JOIN {own}.visits_host h ON h.id = v.host_id",
        [company.pk],
    )
    cursor.execute(
        f"INSERT INTO {desk}.{HOSTS_TABLE} (company_id, host_id, name) "
        f"SELECT %s, h.id, h.name FROM {own}.visits_host h WHERE h.is_active",
        [company.pk],
    )
    cursor.execute(
        f"INSERT INTO {desk}.{PARCELS_TABLE} (company_id, parcel_id, host_name, carrier, tracking_reference, items, "
        "received_at, picked_up_at) SELECT %s, p.id, h.name, p.carrier, p.tracking_reference, p.items, "
        f"p.received_at, p.picked_up_at FROM {own}.parcels_parcel p JOIN {own}.visits_host h ON h.id = p.host_id",
        [company.pk],
    )


@owner_privileges
@transaction.atomic
def read_model_company_refill(*, company: Tenant) -> bool:
    """Copy one company's desk rows into its building's read model again; False when there is nowhere to."""
    if company.building is None or company.status not in KEPT_STATUSES:
        return False
    reception = _reception_schema(company.building)
    if reception is None or _schemas_existing([reception, company.schema_name]) != {reception, company.schema_name}:
        return False
    with connection.cursor() as cursor:
        _company_rows_copy(cursor, reception, company)
    return True


@owner_privileges
def read_model_company_forget(*, company: Tenant) -> None:
    """Delete a company's rows from its building's read model, in the caller's transaction (its removal)."""
    if company.building is None:
        return
    reception = _reception_schema(company.building)
    if reception is None or not _schemas_existing([reception]):
        return
    with connection.cursor() as cursor:
        _company_rows_delete(cursor, reception, company.pk)


@owner_privileges
@transaction.atomic
def read_model_mark_filled(*, building: Building) -> None:
    """A new building: its companies' triggers write every row from the first, nothing to copy later."""
    reception = Tenant.objects.filter(building=building, type=Tenant.Type.RECEPTION).first()
    if reception is None or not _schemas_existing([reception.schema_name]):
        return
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {ident(reception.schema_name)}.readmodel_filled (filled_at) VALUES (now())")


@owner_privileges
def read_model_fill(*, building: Building, again: bool = False) -> int | None:
    """Copy the building's companies' rows unless it is filled already (or `again`); returns how many companies,
    None when it was filled. One transaction per company, then the mark."""
    reception = _reception_schema(building)
    if reception is None or not _schemas_existing([reception]):
        return None
    table = f"{ident(reception)}.{ReadModelFilled._meta.db_table}"
    with transaction.atomic(), connection.cursor() as cursor:
        transaction_lock(LockKey.DESK_READ_MODEL, building.pk)
        cursor.execute(f"SELECT EXISTS (SELECT FROM {table})")
        if cursor.fetchone()[0] and not again:
            return None
    companies = Tenant.objects.filter(building=building, type=Tenant.Type.COMPANY, status__in=KEPT_STATUSES)
    count = 0
    for company in companies.order_by("pk"):
        count += read_model_company_refill(company=company)
    with transaction.atomic(), connection.cursor() as cursor:
        transaction_lock(LockKey.DESK_READ_MODEL, building.pk)
        cursor.execute(f"INSERT INTO {table} (filled_at) SELECT now() WHERE NOT EXISTS (SELECT FROM {table})")
    return count


def read_model_fill_all(*, again: bool = False) -> int:
    """`read_model_fill` for every building; returns how many buildings were filled now."""
    buildings = Building.objects.filter(tenants__type=Tenant.Type.RECEPTION).distinct().order_by("pk")
    return sum(read_model_fill(building=building, again=again) is not None for building in buildings)
