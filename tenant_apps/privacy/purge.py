"""The retention purge of one company schema.

Rule: hard-delete every visit whose end (check-out, else the planned end of a
visit that never happened) is older than the company's retention period, the
rows that hang off those visits, then visitors left without any visit, then
parcels collected (or, never collected, received) before the cutoff with their
label photos, then expired export files. The days of a multi-day visit go together, once the
series' last day is older than the retention (and series left without days).
It deletes in small keyset batches, each its own short transaction, and holds
a per-schema advisory lock so only one purge runs on a
schema at a time. Running it again deletes nothing more; a run cut off midway
keeps what its finished batches deleted, and the next run deletes the rest.
The audit log gets counts, never who.
"""

import datetime as dt
import logging
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from shared_apps.audit.services import audit_record
from shared_apps.database.connection import tenant_connection
from shared_apps.database.locks import LockKey, session_lock
from tenant_apps.parcels.models import Parcel
from tenant_apps.parcels.selectors import parcels_ending_before
from tenant_apps.parcels.services import label_photos_forget, label_photos_of
from tenant_apps.privacy.exports.lifecycle import exports_expire
from tenant_apps.privacy.models import PurgeRun
from tenant_apps.privacy.retention import retention_cutoff, visitors_left_without_visits, visits_ending_before
from tenant_apps.visits.models import Visit, Visitor, VisitSeries
from tenant_apps.visits.selectors import company_settings

logger = logging.getLogger(__name__)


@dataclass
class PurgeResult:
    schema: str
    cutoff: dt.datetime
    ran: bool = True  # False when another purge of this schema held the lock
    dry_run: bool = False
    deleted: dict[str, int] = field(default_factory=dict)  # model label -> rows
    exports: int = 0

    @property
    def visits(self) -> int:
        return self.deleted.get(Visit._meta.label_lower, 0)

    @property
    def visitors(self) -> int:
        return self.deleted.get(Visitor._meta.label_lower, 0)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _dependents_sql(model: type[models.Model], ids: str) -> tuple[list[str], list[str]]:
    """CTE parts that empty or detach the rows pointing at the `model` rows whose ids `ids` holds (an array
    expression), with their labels."""
    parts, labels = [], []
    for index, relation in enumerate(model._meta.related_objects):
        related = relation.related_model
        fk = relation.field
        if not isinstance(related, type) or related._meta.proxy or fk.many_to_many:
            continue
        table, column = _q(related._meta.db_table), _q(str(fk.column))
        where = f"{column} = ANY({ids})"
        if relation.on_delete is models.CASCADE:
            parts.append(f"dep{index} AS (DELETE FROM {table} WHERE {where} RETURNING 1)")
            labels.append(related._meta.label_lower)
        elif relation.on_delete is models.SET_NULL:
            parts.append(f"dep{index} AS (UPDATE {table} SET {column} = NULL WHERE {where} RETURNING 1)")
            labels.append("")
        elif relation.on_delete is not models.DO_NOTHING:
            raise RuntimeError(f"The purge cannot delete {model._meta.label} rows referenced by {related._meta.label}.")
    return parts, labels


def _delete_in_batches(model: type[models.Model], selection: str, params: list[Any], totals: dict[str, int]) -> None:
    """Delete `model` rows matched by `selection` (a WHERE over alias `x`), batch by batch in id order.

    Each batch commits on its own and adds its counts to `totals` at once, so an interrupted
    purge still knows what it deleted.
    """
    table = _q(model._meta.db_table)
    # The batch's ids as one array: `= ANY(array)` probes each table's index, where `IN (SELECT id FROM batch)`
    # is planned as a hash join over the whole table, every batch (quadratic over a large purge).
    ids = "ARRAY(SELECT id FROM batch)"
    dependents, labels = _dependents_sql(model, ids)
    names = [part.split(" AS ", 1)[0] for part in dependents]
    counts = ", ".join(f"(SELECT count(*) FROM {name})" for name in names)
    sql = (
        f"WITH batch AS (SELECT x.id FROM {table} x WHERE x.id > %s AND ({selection})"
        " ORDER BY x.id LIMIT %s FOR UPDATE)"
        + "".join(f", {part}" for part in dependents)
        + f", gone AS (DELETE FROM {table} WHERE id = ANY({ids}) RETURNING 1)"
        + f" SELECT (SELECT max(id) FROM batch), (SELECT count(*) FROM gone){', ' + counts if counts else ''}"
    )
    last_id = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [last_id, *params, settings.CHECKIN_PURGE_BATCH_SIZE])
            row = cursor.fetchone()
        if row is None or row[0] is None:
            return
        last_id = row[0]
        for label, count in zip([model._meta.label_lower, *labels], row[1:], strict=True):
            if label and count:
                totals[label] = totals.get(label, 0) + count


def company_purge(*, dry_run: bool = False, now: dt.datetime | None = None) -> PurgeResult:
    """Purge the current company schema (see the module docstring for the rule)."""
    schema = tenant_connection().schema_name
    retention_days = company_settings().retention_days
    cutoff = retention_cutoff(retention_days=retention_days, now=now)
    result = PurgeResult(schema=schema, cutoff=cutoff, dry_run=dry_run)
    if dry_run:
        result.deleted = {
            Visit._meta.label_lower: visits_ending_before(cutoff).count(),
            Visitor._meta.label_lower: visitors_left_without_visits(cutoff).count(),
            Parcel._meta.label_lower: parcels_ending_before(cutoff).count(),
        }
        return result
    with session_lock(LockKey.PURGE, schema) as acquired:
        if not acquired:
            result.ran = False
            logger.info("purge skipped: another purge holds the lock")
            return result
        run = PurgeRun.objects.create()  # unfinished until the end: privacy.resume_all runs it again if cut short
        try:
            visits = _q(Visit._meta.db_table)
            _delete_in_batches(
                Visit, "x.state <> %s AND COALESCE(x.checked_out_at, x.expected_end) < %s AND (x.series_id IS NULL "
                # A day of a series goes with its whole series: retention counts from the series' last day.
                f"OR NOT EXISTS (SELECT 1 FROM {visits} s WHERE s.series_id = x.series_id AND (s.state = %s "
                "OR COALESCE(s.checked_out_at, s.expected_end) >= %s)))",
                [Visit.State.ON_SITE, cutoff, Visit.State.ON_SITE, cutoff], result.deleted,
            )  # fmt: skip
            series_emptied = f"NOT EXISTS (SELECT 1 FROM {visits} v WHERE v.series_id = x.id OFFSET 0)"
            _delete_in_batches(VisitSeries, series_emptied, [], result.deleted)
            # OFFSET 0 keeps the check a per-row probe of the visitor_id index: as a join, PostgreSQL would hash
            # the whole visit table for every batch.
            orphans = f"NOT EXISTS (SELECT 1 FROM {_q(Visit._meta.db_table)} v WHERE v.visitor_id = x.id OFFSET 0)"
            _delete_in_batches(Visitor, orphans, [], result.deleted)
            # Parcels as visits: once collected (or, never collected, received) before the cutoff; their label
            # photos leave the storage once their rows are gone.
            photos = label_photos_of(parcels_ending_before(cutoff))
            _delete_in_batches(Parcel, "COALESCE(x.picked_up_at, x.received_at) < %s", [cutoff], result.deleted)
            label_photos_forget(photos)
            result.exports = exports_expire(now=now)
        except Exception:
            # The batches done so far are gone for good: record them; the next run deletes the rest.
            logger.warning("purge interrupted after deleting %s", result.deleted)
            with suppress(DatabaseError):  # with the database away, the log line above is all there can be
                _audit(result, retention_days, interrupted=True)
            raise
        # This run, and those cut short before it: it finished what they left.
        PurgeRun.objects.filter(finished_at=None, pk__lte=run.pk).update(finished_at=timezone.now())
    _audit(result, retention_days)
    logger.info("purge done: %s", {"deleted": result.deleted, "exports": result.exports})
    return result


def _audit(result: PurgeResult, retention_days: int, *, interrupted: bool = False) -> None:
    """Counts only, never who; tables that lost no row (e.g. deliveries of old visits) are left out."""
    if not any(result.deleted.values()) and not result.exports:
        return
    details: dict[str, Any] = {"retention_days": retention_days, "cutoff": result.cutoff.isoformat(),
                               "deleted": result.deleted, "exports": result.exports}  # fmt: skip
    if interrupted:
        details["interrupted"] = True
    audit_record(actor="system:purge", action="retention.purge", tenant_schema=result.schema, details=details)
