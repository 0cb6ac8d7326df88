"""privacy.resume_all: an export or a purge cut short by a lost worker is sent again within minutes.

"Cut short" is: not finished, and nobody holds its advisory lock (a live worker holds it while it works).
The tasks run in-process here; tests/reliability/test_worker_killed.py kills a real worker.
"""

import datetime as dt
from collections.abc import Iterator

import psycopg
import pytest
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.database.locks import LockKey
from tenant_apps.privacy.exports.lifecycle import lock_name
from tenant_apps.privacy.models import Export, PurgeRun
from tenant_apps.privacy.purge import company_purge
from tenant_apps.privacy.resume import exports_resume, purge_resume
from tenant_apps.privacy.tasks import resume_all_task
from tenant_apps.visits.models import Visit
from tests.deploy.processes import current_test_database_url
from tests.privacy.conftest import person, set_retention, visit
from tests.reliability.test_interrupted_purge import _fail_after

pytestmark = pytest.mark.usefixtures("eager", "export_folder")
DAY = dt.timedelta(days=1)


@pytest.fixture
def in_acme(acme) -> Iterator[None]:
    with tenant_context(acme):
        yield


def _left_running() -> Export:
    return Export.objects.create(status=Export.Status.RUNNING, attempts=1, started_at=timezone.now())


def test_an_export_left_running_by_a_dead_worker_is_written_again(in_acme):
    export = _left_running()
    assert exports_resume() == 1
    export.refresh_from_db()
    assert (export.status, export.attempts) == (Export.Status.READY, 2)
    assert exports_resume() == 0  # done: nothing more to resume


def test_an_export_a_live_worker_is_writing_is_left_alone(in_acme):
    export = _left_running()
    with psycopg.connect(current_test_database_url(), autocommit=True) as worker:
        worker.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [LockKey.EXPORT, lock_name(export.pk)])
        assert exports_resume() == 0
    export.refresh_from_db()
    assert (export.status, export.attempts) == (Export.Status.RUNNING, 1)


def test_a_pending_export_whose_message_was_lost_is_sent_again_after_two_minutes(in_acme):
    lost = Export.objects.create()
    Export.objects.filter(pk=lost.pk).update(created_at=timezone.now() - 3 * dt.timedelta(minutes=1))
    just_asked = Export.objects.create()
    assert exports_resume() == 1
    assert Export.objects.get(pk=lost.pk).status == Export.Status.READY
    assert Export.objects.get(pk=just_asked.pk).status == Export.Status.PENDING


def test_a_purge_cut_short_is_run_again_by_the_resume_task(acme, settings):
    settings.CHECKIN_PURGE_BATCH_SIZE = 1
    with tenant_context(acme):
        set_retention(30)
        someone = person()
        for days in (31, 32, 33):
            visit(someone, ended=timezone.now() - days * DAY)
        with connection.execute_wrapper(_fail_after(1)), pytest.raises(DatabaseError):
            company_purge()
        assert PurgeRun.objects.filter(finished_at=None).count() == 1
        assert Visit.objects.filter(visitor=someone).count() == 2

    assert resume_all_task.apply().get() >= 1  # every company schema, from the public one

    with tenant_context(acme):
        assert not Visit.objects.filter(visitor=someone).exists()
        assert not PurgeRun.objects.filter(finished_at=None).exists()
        assert purge_resume() is False  # finished: nothing to resume
