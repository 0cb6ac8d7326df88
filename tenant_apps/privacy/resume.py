"""Resuming exports and purges cut short by a lost worker, within minutes rather than the next day.

Run every minute by `privacy.resume_all` in each company schema. Both jobs hold a
session-level advisory lock while they work (shared_apps/database/locks.py), so "not finished and nobody
holds its lock" means the worker that ran it is gone (killed, its node lost, its
database connection dropped): the job is sent to the broker again. Running either
again is safe: an export starts a new attempt (at most CHECKIN_EXPORT_MAX_ATTEMPTS),
a purge deletes what is left.
"""

import datetime as dt
import logging

from django.utils import timezone

from shared_apps.database.connection import tenant_connection
from shared_apps.database.locks import LockKey, nobody_holds
from shared_apps.operations.broker import publish_in_schema
from tenant_apps.privacy.exports.lifecycle import lock_name
from tenant_apps.privacy.models import Export, PurgeRun

logger = logging.getLogger(__name__)

# A pending export whose task has not started this long after it was asked for lost its message (Redis was
# away when it was sent, or the message went down with a worker before it started).
PENDING_GRACE = dt.timedelta(minutes=2)


def exports_resume(*, now: dt.datetime | None = None) -> int:
    """Send again the exports left running by a dead worker, or pending with their message lost; how many."""
    from tenant_apps.privacy.tasks import export_generate_task

    now = now or timezone.now()
    running = Export.objects.filter(status=Export.Status.RUNNING)
    lost = Export.objects.filter(status=Export.Status.PENDING, created_at__lt=now - PENDING_GRACE)
    schema = tenant_connection().schema_name
    sent = 0
    for export_id in (running | lost).values_list("pk", flat=True):
        if nobody_holds(LockKey.EXPORT, lock_name(export_id)):
            logger.warning("export %s was cut short or never started: sending it again", export_id)
            sent += publish_in_schema(export_generate_task, schema, export_id)
    return sent


def purge_resume() -> bool:
    """Run again a purge that was cut short (a run left unfinished, nobody holding the lock); whether one went."""
    from tenant_apps.privacy.tasks import purge_company_task

    schema = tenant_connection().schema_name
    if not PurgeRun.objects.filter(finished_at=None).exists():
        return False
    if not nobody_holds(LockKey.PURGE, schema):
        return False
    logger.warning("the purge of %s was cut short: running it again", schema)
    return publish_in_schema(purge_company_task, schema)
