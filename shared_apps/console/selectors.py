"""Reads for the IT console: audit search, fleet figures, visitor documents, support grants."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django_tenants.utils import quote_schema_name

from shared_apps.accounts.models import User
from shared_apps.audit.models import AuditEntry
from shared_apps.console.models import SupportGrant
from shared_apps.database.db_roles import owner_privileges
from shared_apps.database.spare_schemas import spares_ready
from shared_apps.tenancy.models import Building, BuildingDocument, Tenant

SCHEMA_BATCH = 50
KIOSK_LANGUAGE_ORDER = ["fr", "nl", "en", "de"]


def audit_entries(
    *,
    tenant_schema: str = "",
    action: str = "",
    actor: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    """Audit entries, newest first, narrowed by each filter that is set (text filters match a part)."""
    entries = AuditEntry.objects.all()
    if tenant_schema:
        entries = entries.filter(tenant_schema__icontains=tenant_schema)
    if action:
        entries = entries.filter(action__icontains=action)
    if actor:
        entries = entries.filter(actor__icontains=actor)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries


def companies_all() -> QuerySet[Tenant]:
    """Every company that is or was on the platform (not the template schema)."""
    return (
        Tenant.objects.filter(type=Tenant.Type.COMPANY)
        .exclude(status=Tenant.Status.TEMPLATE)
        .select_related("building")
        .prefetch_related("domains")
    )


def companies_live() -> QuerySet[Tenant]:
    """Companies whose schema can be looked into: active or suspended."""
    return companies_all().filter(status__in=[Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED])


def buildings_all() -> QuerySet[Building]:
    return Building.objects.all()


def building_documents_current(*, building: Building) -> list[BuildingDocument]:
    """The latest version of each building-wide document, per kind and language."""
    latest: dict[tuple[str, str], BuildingDocument] = {}
    for document in building.documents.filter(company=None).order_by("-created_at", "-id"):
        latest.setdefault((document.kind, document.language), document)
    return sorted(
        latest.values(),
        key=lambda document: (document.kind, KIOSK_LANGUAGE_ORDER.index(document.language)
                              if document.language in KIOSK_LANGUAGE_ORDER else 99),
    )  # fmt: skip


def building_document_history(*, building: Building) -> QuerySet[BuildingDocument]:
    return building.documents.filter(company=None).order_by("kind", "language", "-created_at")


def support_grant_active(*, user: User, grant_id: int) -> SupportGrant | None:
    """The user's own grant if it is still running; expired, ended or someone else's grants are None."""
    return (
        SupportGrant.objects.select_related("company")
        .filter(pk=grant_id, user=user, ended_at=None, expires_at__gt=timezone.now())
        .filter(company__status__in=[Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED])
        .first()
    )


def support_grants_of(*, user: User) -> QuerySet[SupportGrant]:
    return SupportGrant.objects.select_related("company").filter(user=user)[:20]


@dataclass(frozen=True)
class CompanyFigures:
    company: Tenant
    visits_today: int | None
    last_purge: AuditEntry | None


@dataclass(frozen=True)
class FleetOverview:
    buildings: int
    buildings_archived: int
    companies_by_status: dict[str, int]
    schemas: int
    spare_schemas: int
    companies: list[CompanyFigures]


@owner_privileges  # one query across company schemas, which the root host's own role cannot read
def rows_in_each_schema(
    schemas: list[str], *, table: str, select: str, params: list[object]
) -> dict[str, tuple[Any, ...]]:
    """One row per schema of `schemas` that has `table`: `SELECT <select>` with `{schema}` standing for the
    quoted schema name and `params` for its placeholders, SCHEMA_BATCH schemas per query."""
    rows: dict[str, tuple[Any, ...]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = %s AND table_schema = ANY(%s)",
            [table, schemas],
        )
        present = [row[0] for row in cursor.fetchall()]
        for offset in range(0, len(present), SCHEMA_BATCH):
            batch = present[offset : offset + SCHEMA_BATCH]
            sql = " UNION ALL ".join(f"SELECT %s, {select.format(schema=quote_schema_name(s))}" for s in batch)
            cursor.execute(sql, [value for schema in batch for value in (schema, *params)])
            rows.update({row[0]: tuple(row[1:]) for row in cursor.fetchall()})
    return rows


def _visits_today(schemas: list[str], day: datetime.date) -> dict[str, int]:
    """Count today's visits of each schema; counts only, never a row."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    rows = rows_in_each_schema(
        schemas,
        table="visits_visit",
        select="count(*) FROM {schema}.visits_visit WHERE expected_start < %s AND expected_end >= %s",
        params=[end, start],
    )
    return {schema: int(row[0]) for schema, row in rows.items()}


def fleet_overview(*, day: datetime.date | None = None) -> FleetOverview:
    """Figures for the maintenance page: buildings, companies, schemas, visits today and last purge per company."""
    day = day or timezone.localdate()
    companies = list(companies_live().order_by("building__name", "name"))
    counts = _visits_today([company.schema_name for company in companies], day)
    purges: dict[str, AuditEntry] = {}
    for entry in (
        AuditEntry.objects.filter(
            action="retention.purge", tenant_schema__in=[company.schema_name for company in companies]
        )
        .order_by("tenant_schema", "-at", "-id")
        .distinct("tenant_schema")
    ):
        purges[entry.tenant_schema] = entry
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%%' AND nspname <> 'information_schema'"
        )
        row = cursor.fetchone()
        schemas = row[0] if row else 0
    by_status: dict[str, int] = {}
    for status in Tenant.objects.filter(type=Tenant.Type.COMPANY).values_list("status", flat=True):
        by_status[status] = by_status.get(status, 0) + 1
    return FleetOverview(
        buildings=Building.objects.filter(archived_at=None).count(),
        buildings_archived=Building.objects.exclude(archived_at=None).count(),
        companies_by_status=by_status,
        schemas=schemas,
        spare_schemas=spares_ready(),
        companies=[
            CompanyFigures(company=c, visits_today=counts.get(c.schema_name), last_purge=purges.get(c.schema_name))
            for c in companies
        ],
    )


def audit_actions() -> list[str]:
    return list(AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct())
