"""An export's life: requested by an admin, written by a Celery task, downloaded, then deleted on expiry."""

import datetime as dt
import hashlib
import logging
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from shared_apps.database.connection import tenant_connection
from shared_apps.database.db_roles import citus
from shared_apps.database.locks import LockKey, session_lock
from shared_apps.operations.broker import publish_in_schema
from tenant_apps.privacy.exports.archive import archive_write
from tenant_apps.privacy.exports.tables import ExportRange
from tenant_apps.privacy.models import Export

logger = logging.getLogger(__name__)

EXPORT_LOCK_WAIT = 30.0  # seconds a run waits for a lock that a killed worker's connection may still hold


def export_storage() -> Storage:
    """Where export files live: a private folder or bucket, never a public URL (settings.STORAGES["exports"])."""
    return storages["exports"]


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def export_range(export: Export) -> ExportRange:
    return ExportRange(
        start=_day_start(export.date_from) if export.date_from else None,
        end=_day_start(export.date_to + dt.timedelta(days=1)) if export.date_to else None,
    )


def schedule_generation(export: Export) -> None:
    """Have a worker write the export once the current transaction commits, in the current schema."""
    from tenant_apps.privacy.tasks import export_generate_task

    # The schema is fixed now: the commit may happen after the caller has left this tenant's context.
    schema = tenant_connection().schema_name
    # Published within a second or not at all: with Redis away the export stays pending, and the resume task
    # (privacy.resume_all, every minute) hands it over once Redis is back.
    transaction.on_commit(lambda: publish_in_schema(export_generate_task, schema, export.pk))


@transaction.atomic
def export_request(
    *, user: User, date_from: dt.date | None = None, date_to: dt.date | None = None, request: HttpRequest | None = None
) -> Export:
    """Queue an export of the company's data for a date range (either end open) or all time; audited."""
    if date_from and date_to and date_from > date_to:
        raise ValidationError({"date_to": _("The end date must be on or after the start date.")})
    export = Export.objects.create(date_from=date_from, date_to=date_to, requested_by=user)
    audit_record(actor=user.email, action="export.request", request=request, object_ids={"export": [export.pk]})
    schedule_generation(export)
    return export


@contextmanager
def _snapshot() -> Iterator[bool]:
    """One consistent snapshot for every table of the export (REPEATABLE READ when we own the transaction).

    Yields whether a second database session may share it: only when the transaction is ours. An outer
    transaction (a caller's, or a test's) may hold rows it has not committed, which another session cannot
    see: the export would silently miss them, so it then runs on this connection alone.
    """
    owned = not connection.in_atomic_block
    with transaction.atomic():
        if owned:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield owned


def _sha256_and_size(handle: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    handle.seek(0)
    while block := handle.read(1 << 20):
        digest.update(block)
        size += len(block)
    handle.seek(0)
    return digest.hexdigest(), size


def lock_name(export_id: int) -> str:
    return f"{tenant_connection().schema_name}:{export_id}"


def _file_forget(export: Export) -> None:
    """Delete the export's file, complete or not, if there is one, and forget its name."""
    if export.storage_name:
        export_storage().delete(export.storage_name)
        export.storage_name = ""


def _fail(export: Export) -> Export:
    _file_forget(export)
    export.status = Export.Status.FAILED
    export.save(update_fields=["status", "storage_name"])
    return export


@transaction.atomic
def _attempt_begin(export_id: int, now: dt.datetime) -> Export:
    """Start the next attempt (RUNNING, a fresh file name) or, past the last one, give up (FAILED).

    The file name is recorded before anything is written, so a file left by an attempt
    that died is found and deleted, by the next attempt or by the stale-export sweep.
    """
    export = Export.objects.select_for_update().get(pk=export_id)
    if export.status not in (Export.Status.PENDING, Export.Status.RUNNING):
        return export
    if export.attempts >= settings.CHECKIN_EXPORT_MAX_ATTEMPTS:
        logger.error("export %s failed: given up after %s attempts", export.pk, export.attempts)
        return _fail(export)
    _file_forget(export)
    export.attempts += 1
    export.status, export.started_at = Export.Status.RUNNING, now
    export.storage_name = f"{tenant_connection().schema_name}/{export.pk}-{secrets.token_hex(16)}.zip"
    export.save(update_fields=["attempts", "status", "started_at", "storage_name"])
    return export


def _write(export: Export, generated_at: dt.datetime) -> Export:
    """Write the ZIP to an unnamed temporary file (gone with the process, whatever kills it), then store it."""
    tenant = tenant_connection().tenant
    with tempfile.TemporaryFile() as handle:
        with _snapshot() as shareable:
            # On Citus a second session would share the coordinator's snapshot, not the worker's that holds the
            # company: there every file is read on this session, whose one REPEATABLE READ transaction on that
            # worker makes them agree (deploy/README.md, "Citus").
            parallel = shareable and not citus()
            counts = archive_write(
                handle, company=tenant.name, span=export_range(export), generated_at=generated_at, parallel=parallel
            )
        sha256, size = _sha256_and_size(handle)
        name = export_storage().save(export.storage_name, File(handle, name=export.storage_name))
    export.status = Export.Status.READY
    export.storage_name, export.size, export.sha256, export.row_counts = name, size, sha256, counts
    export.finished_at = generated_at
    export.expires_at = generated_at + dt.timedelta(days=settings.CHECKIN_EXPORT_EXPIRY_DAYS)
    export.save()
    return export


def export_generate(*, export_id: int, now: dt.datetime | None = None) -> Export:
    """Write the export's ZIP to export storage; record size, SHA-256 and expiry. Safe to run again.

    Only the holder of the export's lock writes it; a run that finds it taken waits a little (the
    connection of a worker killed a moment ago may still hold it) and leaves it to the holder. An
    export is downloadable only once READY, so a file cut short by a killed worker is never served.
    """
    with session_lock(LockKey.EXPORT, lock_name(export_id), wait_seconds=EXPORT_LOCK_WAIT) as acquired:
        if not acquired:
            return Export.objects.get(pk=export_id)
        generated_at = now or timezone.now()
        export = _attempt_begin(export_id, generated_at)
        if export.status != Export.Status.RUNNING:
            return export
        try:
            return _write(export, generated_at)
        except Exception as error:
            _fail(export)
            logger.error("export %s failed: %s", export.pk, type(error).__name__)
            raise


def exports_fail_stale(*, now: dt.datetime | None = None) -> int:
    """Mark failed every export left RUNNING by a worker that died, and delete its file; return how many.

    An export is stale when it started more than CHECKIN_EXPORT_STALE_MINUTES ago and nobody holds its lock.
    """
    started_before = (now or timezone.now()) - dt.timedelta(minutes=settings.CHECKIN_EXPORT_STALE_MINUTES)
    stale = Export.objects.filter(status=Export.Status.RUNNING, started_at__lt=started_before)
    failed = 0
    for export_id in stale.values_list("pk", flat=True):
        with session_lock(LockKey.EXPORT, lock_name(export_id)) as nobody_writes_it:
            if not nobody_writes_it:
                continue
            with transaction.atomic():
                export = Export.objects.select_for_update().get(pk=export_id)
                if export.status == Export.Status.RUNNING:
                    logger.error("export %s failed: its worker stopped during attempt %s", export.pk, export.attempts)
                    _fail(export)
                    failed += 1
    return failed


def export_file_delete(export: Export) -> None:
    """Remove the export's file from storage (if it is still there) and mark the export expired."""
    _file_forget(export)
    export.status = Export.Status.EXPIRED
    export.save(update_fields=["status", "storage_name"])


def exports_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the files of every export past its expiry (and of failed ones); return how many went.

    Exports a dead worker left running are marked failed first, so their files go too.
    """
    exports_fail_stale(now=now)
    due = Export.objects.filter(expires_at__lte=now or timezone.now()).exclude(status=Export.Status.EXPIRED)
    failed = Export.objects.filter(status=Export.Status.FAILED).exclude(storage_name="")
    gone = 0
    for export in (due | failed).distinct():
        export_file_delete(export)
        gone += 1
    return gone


def exports_delete_all(*, reason: str) -> int:
    """Delete every export file of the company now (after an erasure, or before its schema is dropped)."""
    gone = 0
    for export in Export.objects.exclude(status=Export.Status.EXPIRED):
        export_file_delete(export)
        gone += 1
    if gone:
        audit_record(actor="system:privacy", action="export.delete_all", details={"exports": gone, "reason": reason})
    return gone


def export_download_name(export: Export) -> str:
    """The file name the browser saves: chosen by the server, never from user input."""
    slug = tenant_connection().tenant.slug
    return f"checkin-{slug}-export-{export.pk}-{timezone.localtime(export.created_at):%Y%m%d}.zip"


def export_download(*, export: Export, user: User, request: HttpRequest | None = None) -> File:
    """Open the export's file for one download; every download is audited."""
    audit_record(actor=user.email, action="export.download", request=request, object_ids={"export": [export.pk]})
    return export_storage().open(export.storage_name, "rb")
