"""An export whose worker is killed mid-way is written again, or marked failed: never served half-written.

In the first test a real Celery worker (prefork, one pool process) of the test's own takes the
export from a redis-server of the test's own. The test holds a lock on the
visitors table, so the export stops there (on one or both of its database
sessions), and kills the pool process there with SIGKILL, as the kernel's OOM
killer would.
"""

import datetime as dt
import hashlib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.database.locks import LockKey
from shared_apps.operations.broker import schema_headers
from tenant_apps.privacy.exports import lifecycle
from tenant_apps.privacy.exports.lifecycle import export_generate, exports_expire
from tenant_apps.privacy.models import Export
from tenant_apps.privacy.tasks import export_generate_task
from tests.deploy.processes import current_test_database_url, production_env
from tests.reliability.services import CeleryWorker, RedisServer, wait_for

pytestmark = pytest.mark.django_db


def _database(*, autocommit: bool = True) -> psycopg.Connection:
    return psycopg.connect(current_test_database_url(), autocommit=autocommit)


def _export(pk: int) -> dict[str, object]:
    with _database() as db, db.cursor(row_factory=psycopg.rows.dict_row) as cursor:
        row = cursor.execute("SELECT * FROM acme.privacy_export WHERE id = %s", [pk]).fetchone()
    assert row is not None
    return row


def _files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


@pytest.fixture
def folders(tmp_path: Path, settings) -> tuple[Path, Path]:
    """Export storage (shared by the worker and the test's downloads) and the worker's temporary folder."""
    exports, scratch = tmp_path / "exports", tmp_path / "tmp"
    exports.mkdir()
    scratch.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(exports)}},
    }
    return exports, scratch


@pytest.fixture
def worker(broker: RedisServer, folders: tuple[Path, Path], tmp_path: Path) -> Iterator[CeleryWorker]:
    exports, scratch = folders
    env = production_env(
        database_url=current_test_database_url(), REDIS_URL=broker.url, CHECKIN_EXPORT_ROOT=str(exports),
        TMPDIR=str(scratch), LOG_LEVEL="INFO",
    )  # fmt: skip
    process = CeleryWorker(env=env, log=tmp_path / "worker.log")
    process.start()
    try:
        yield process
    finally:
        process.stop()


def _copy_waits_for_a_lock() -> bool:
    with _database() as db:
        row = db.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND query LIKE 'COPY%%'"
        ).fetchone()
    return row is not None and row[0] >= 1  # the export's two sessions may both reach the visitors


def test_an_export_whose_worker_is_killed_is_written_again_and_never_served_half_written(
    acme_admin, committed_export, worker, folders
):
    exports, scratch = folders
    download = f"/privacy/exports/{committed_export}/download/"
    with _database(autocommit=False) as blocker:
        blocker.execute("LOCK TABLE acme.visits_visitor IN ACCESS EXCLUSIVE MODE")
        export_generate_task.apply_async((committed_export,), headers=schema_headers("acme"))
        wait_for(_copy_waits_for_a_lock, "the export to wait for the visitors")

        # Half-way: being prepared, nothing in export storage, nothing to download.
        assert (_export(committed_export)["status"], _export(committed_export)["attempts"]) == ("running", 1)
        assert _files(exports) == []
        assert acme_admin.get(download).status_code == 404

        worker.kill_pool_child()
        blocker.rollback()

    wait_for(lambda: _export(committed_export)["status"] == "ready", "the export to be written again", timeout=25)
    export = _export(committed_export)
    assert export["attempts"] == 2
    # One file, the complete one; the killed attempt left nothing behind, not even a temporary file.
    assert _files(exports) == [exports / str(export["storage_name"])]
    assert _files(scratch) == []
    with zipfile.ZipFile(exports / str(export["storage_name"])) as archive:
        assert archive.testzip() is None
        assert "README.txt" in archive.namelist()

    response = acme_admin.get(download)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert (len(body), hashlib.sha256(body).hexdigest()) == (export["size"], export["sha256"])
    assert "WorkerLostError" in worker.output()  # the kill was seen, and the message went back to the queue


def _left_running(*, attempts: int, started_ago: dt.timedelta) -> Export:
    """An export as a dead worker leaves it: running, with the start of a ZIP under its recorded name."""
    export = Export.objects.create(status=Export.Status.RUNNING, attempts=attempts,
                                   started_at=timezone.now() - started_ago)  # fmt: skip
    export.storage_name = storages["exports"].save(f"acme/{export.pk}-partial.zip", ContentFile(b"PK\x03\x04half"))
    export.save()
    return export


@pytest.fixture
def other_session() -> Iterator[psycopg.Connection]:
    """Another database session: a worker that is alive and writing an export holds its lock."""
    with _database() as db:
        yield db


def _hold_lock(session: psycopg.Connection, export: Export) -> None:
    session.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [LockKey.EXPORT, f"acme:{export.pk}"])


def test_an_export_past_its_last_attempt_is_marked_failed_and_its_partial_file_deleted(acme, folders, settings):
    exports, _ = folders
    with tenant_context(acme):
        export = _left_running(attempts=settings.CHECKIN_EXPORT_MAX_ATTEMPTS, started_ago=dt.timedelta(minutes=1))
        assert export_generate(export_id=export.pk).status == Export.Status.FAILED
        export.refresh_from_db()
        assert (export.status, export.storage_name, export.attempts) == ("failed", "", 3)
    assert _files(exports) == []


def test_the_clean_up_fails_exports_a_dead_worker_left_running_and_no_other(acme, folders, other_session):
    exports, _ = folders
    with tenant_context(acme):
        dead = _left_running(attempts=1, started_ago=dt.timedelta(minutes=31))
        recent = _left_running(attempts=1, started_ago=dt.timedelta(minutes=5))  # may be back in the queue
        alive = _left_running(attempts=1, started_ago=dt.timedelta(minutes=31))  # a long export, still written
        _hold_lock(other_session, alive)
        exports_expire()
        statuses = dict(Export.objects.values_list("pk", "status"))
        assert statuses == {dead.pk: "failed", recent.pk: "running", alive.pk: "running"}
        assert sorted(_files(exports)) == sorted(exports / e.storage_name for e in (recent, alive))


def test_a_second_delivery_leaves_the_export_to_the_worker_writing_it(acme, folders, other_session, monkeypatch):
    monkeypatch.setattr(lifecycle, "EXPORT_LOCK_WAIT", 0.3)
    with tenant_context(acme):
        export = Export.objects.create()
        _hold_lock(other_session, export)
        assert export_generate(export_id=export.pk).status == Export.Status.PENDING
        export.refresh_from_db()
        assert (export.attempts, export.storage_name) == (0, "")
