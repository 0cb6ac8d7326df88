"""An export's life: requested by an admin, written by a Celery task, downloaded, then deleted on expiry."""

import datetime as dt
import hashlib
import logging
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connection, transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from shared_apps.tenancy.connection import tenant_connection
from tenant_apps.privacy.exports.archive import archive_write
from tenant_apps.privacy.exports.tables import ExportRange
from tenant_apps.privacy.models import Export

logger = logging.getLogger(__name__)


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
    headers = {"_schema_name": tenant_connection().schema_name}
    transaction.on_commit(lambda: export_generate_task.apply_async((export.pk,), headers=headers))


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
def _snapshot() -> Iterator[None]:
    """One consistent snapshot for every table of the export (REPEATABLE READ when we own the transaction)."""
    owned = not connection.in_atomic_block
    with transaction.atomic():
        if owned:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _sha256_and_size(handle: tempfile._TemporaryFileWrapper) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    handle.seek(0)
    while block := handle.read(1 << 20):
        digest.update(block)
        size += len(block)
    handle.seek(0)
    return digest.hexdigest(), size


def export_generate(*, export_id: int, now: dt.datetime | None = None) -> Export:
    """Write the export's ZIP to a temporary file, then to export storage; record size, SHA-256 and expiry."""
    export = Export.objects.get(pk=export_id)
    if export.status not in (Export.Status.PENDING, Export.Status.RUNNING):
        return export
    export.status = Export.Status.RUNNING
    export.save(update_fields=["status"])
    tenant = tenant_connection().tenant
    generated_at = now or timezone.now()
    try:
        with tempfile.NamedTemporaryFile(suffix=".zip") as handle:
            with _snapshot():
                counts = archive_write(
                    handle, company=tenant.name, span=export_range(export), generated_at=generated_at
                )
            sha256, size = _sha256_and_size(handle)
            name = export_storage().save(f"{tenant.schema_name}/{export.pk}-{secrets.token_hex(16)}.zip", File(handle))
    except Exception as error:
        export.status = Export.Status.FAILED
        export.save(update_fields=["status"])
        logger.error("export %s failed: %s", export.pk, type(error).__name__)
        raise
    export.status = Export.Status.READY
    export.storage_name, export.size, export.sha256, export.row_counts = name, size, sha256, counts
    export.finished_at = generated_at
    export.expires_at = generated_at + dt.timedelta(days=settings.CHECKIN_EXPORT_EXPIRY_DAYS)
    export.save()
    return export


def export_file_delete(export: Export) -> None:
    """Remove the export's file from storage (if it is still there) and mark the export expired."""
    if export.storage_name:
        export_storage().delete(export.storage_name)
    export.status = Export.Status.EXPIRED
    export.storage_name = ""
    export.save(update_fields=["status", "storage_name"])


def exports_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the files of every export past its expiry (and of failed ones); return how many went."""
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


def access_export(*, user: User, export_id: int) -> Export:
    """A ready export of this company for one of its admins; 404 when missing, not ready or not allowed."""
    if not user.is_authenticated or user.role != User.Role.ADMIN:
        raise Http404
    export = Export.objects.filter(pk=export_id, status=Export.Status.READY).exclude(storage_name="").first()
    if export is None or (export.expires_at and export.expires_at <= timezone.now()):
        raise Http404
    return export


def export_download_name(export: Export) -> str:
    """The file name the browser saves: chosen by the server, never from user input."""
    slug = tenant_connection().tenant.slug
    return f"checkin-{slug}-export-{export.pk}-{timezone.localtime(export.created_at):%Y%m%d}.zip"


def export_download(*, export: Export, user: User, request: HttpRequest | None = None) -> File:
    """Open the export's file for one download; every download is audited."""
    audit_record(actor=user.email, action="export.download", request=request, object_ids={"export": [export.pk]})
    return export_storage().open(export.storage_name, "rb")
