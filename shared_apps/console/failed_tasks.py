"""Failed background work, for the maintenance page: counts per kind and per schema, never a row's content.

What counts as a failed task, over the last FAILURE_WINDOW_DAYS days:
- a delivery (e-mail or webhook about a visit) that failed for good, after all
  its tries (notifications `Delivery`, status failed);
- an export that failed (privacy `Export`, status failed), final exports of
  removed companies included, as long as the company's schema exists;
- a purge run that raised (`task.failed` audit entries of the purge task);
- any other Celery task that raised with no retry left (`task.failed` audit
  entries; see shared_apps/operations/task_failures.py), except the export task,
  whose export row already says it failed.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.audit.models import AuditEntry
from shared_apps.console.selectors import companies_all, rows_in_each_schema
from shared_apps.operations.task_failures import TASK_FAILED
from shared_apps.tenancy.models import Building, Tenant
from tenant_apps.notifications.models import Delivery
from tenant_apps.privacy.models import Export

FAILURE_WINDOW_DAYS = 7
PURGE_TASK = "privacy.purge_company"
EXPORT_TASK = "privacy.export_generate"

_COMPANY_FAILURES = (
    "d.n, d.last, e.n, e.final, e.last FROM "
    "(SELECT count(*) n, max(updated_at) last FROM {schema}.notifications_delivery"
    " WHERE status = %s AND created_at >= %s) d, "
    "(SELECT count(*) n, count(*) FILTER (WHERE kind = %s) final, max(created_at) last FROM {schema}.privacy_export"
    " WHERE status = %s AND created_at >= %s) e"
)


@dataclass
class FailureCounts:
    deliveries: int = 0
    exports: int = 0
    final_exports: int = 0  # of `exports`
    purges: int = 0
    other_tasks: int = 0
    latest: datetime.datetime | None = None

    @property
    def total(self) -> int:
        return self.deliveries + self.exports + self.purges + self.other_tasks

    def seen(self, at: datetime.datetime | None) -> None:
        if at is not None and (self.latest is None or at > self.latest):
            self.latest = at


@dataclass
class FailedTasksRow:
    """The failures of one schema: a company's, a building's reception, or the platform's (public)."""

    schema: str
    label: str
    company: Tenant | None = None
    building: Building | None = None
    counts: FailureCounts = field(default_factory=FailureCounts)


@dataclass(frozen=True)
class FailedTasks:
    since: datetime.datetime
    days: int
    totals: FailureCounts
    rows: list[FailedTasksRow]  # schemas with at least one failure, most failures first


def failed_tasks(*, now: datetime.datetime | None = None) -> FailedTasks:
    """Failed deliveries, exports, purges and other tasks of the last FAILURE_WINDOW_DAYS days, per schema."""
    since = (now or timezone.now()) - datetime.timedelta(days=FAILURE_WINDOW_DAYS)
    companies = {company.schema_name: company for company in companies_all()}
    rows: dict[str, FailedTasksRow] = {}

    def row(schema: str) -> FailedTasksRow:
        if schema not in rows:
            rows[schema] = _row_for(schema, companies.get(schema))
        return rows[schema]

    in_schemas = rows_in_each_schema(
        list(companies), table=Delivery._meta.db_table, select=_COMPANY_FAILURES,
        params=[Delivery.Status.FAILED, since, Export.Kind.FINAL, Export.Status.FAILED, since],
    )  # fmt: skip
    for schema, (deliveries, delivery_last, exports, final, export_last) in in_schemas.items():
        if deliveries or exports:
            counts = row(schema).counts
            counts.deliveries, counts.exports, counts.final_exports = deliveries, exports, final
            counts.seen(delivery_last)
            counts.seen(export_last)

    entries = (
        AuditEntry.objects.filter(action=TASK_FAILED, at__gte=since)
        .exclude(details__task=EXPORT_TASK)
        .values("tenant_schema", "details__task")
        .annotate(n=Count("id"), last=Max("at"))
        .order_by()
    )
    for entry in entries:
        counts = row(entry["tenant_schema"]).counts
        if entry["details__task"] == PURGE_TASK:
            counts.purges += entry["n"]
        else:
            counts.other_tasks += entry["n"]
        counts.seen(entry["last"])

    totals = FailureCounts()
    for item in rows.values():
        for name in ("deliveries", "exports", "final_exports", "purges", "other_tasks"):
            setattr(totals, name, getattr(totals, name) + getattr(item.counts, name))
        totals.seen(item.counts.latest)
    ordered = sorted(rows.values(), key=lambda item: (-item.counts.total, item.label.lower()))
    return FailedTasks(since=since, days=FAILURE_WINDOW_DAYS, totals=totals, rows=ordered)


def _row_for(schema: str, company: Tenant | None) -> FailedTasksRow:
    if company is not None:
        return FailedTasksRow(schema=schema, label=company.name, company=company, building=company.building)
    if not schema:
        return FailedTasksRow(schema=schema, label=_("Platform"))
    reception = Tenant.objects.filter(schema_name=schema).select_related("building").first()
    if reception is not None and reception.building is not None:
        return FailedTasksRow(schema=schema, label=reception.building.name, building=reception.building)
    return FailedTasksRow(schema=schema, label=schema)
