"""An export in a transaction of its own runs its COPYs on two database sessions: same ZIP, same rights.

The two-session path reads committed rows only, as a Celery worker does. pytest-django's
`transaction=True` would flush every table after the test, the session's committed personas
(tenants, domains) included, so these tests run the export in a thread of their own instead:
a connection of its own, in autocommit, outside the test's transaction. What they commit they
delete again.
"""

import datetime as dt
import io
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from shared_apps.database import db_roles
from shared_apps.tenancy.models import Tenant
from tenant_apps.privacy.exports import archive, lifecycle, parallel
from tenant_apps.privacy.exports.archive import archive_write
from tenant_apps.privacy.exports.lifecycle import export_generate
from tenant_apps.privacy.exports.tables import TABLES, ExportRange
from tenant_apps.privacy.models import Export
from tenant_apps.visits.models import Host, Visit, VisitEvent, Visitor
from tests.committed import outside_the_test_transaction
from tests.deploy.processes import current_test_database_url

GENERATED_AT = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
TWIN_THREAD = "export-twin-session"


@contextmanager
def _as_task_of(company: Tenant) -> Iterator[None]:
    """The schema and role a Celery task sent from the company's host runs with."""
    with tenant_context(company):
        db_roles.scope_push(db_roles.scope_for_schema(company.schema_name))
        try:
            yield
        finally:
            db_roles.scope_pop()


@contextmanager
def _committed_rows() -> Iterator[None]:
    """A few committed rows with awkward text (formulas, quotes, line breaks, accents); deleted afterwards."""
    start = GENERATED_AT - dt.timedelta(days=3)
    host = Host.objects.create(name="@host Person", email="h@acme.example")
    visitors = [
        Visitor.objects.create(first_name='=HYPERLINK("x")', last_name='D\'Été, "quoted"', company_name="+32 Ltd"),
        Visitor.objects.create(first_name="Ann", last_name="Smith\r\nJr", email="ann@example.org"),
    ]
    try:
        for visitor in visitors:
            visit = Visit.objects.create(
                visitor=visitor, host=host, expected_start=start, expected_end=start + dt.timedelta(hours=1),
                purpose="-2+3\nsecond line \\ backslash", channel=Visit.Channel.DESK,
            )  # fmt: skip
            VisitEvent.objects.create(visit=visit, kind=VisitEvent.Kind.NOTE, actor="desk", note='{"not": "json"}')
        yield
    finally:
        for visitor in visitors:
            visitor.delete()  # its visits and their events go with it
        host.delete()


@pytest.fixture
def member_threads(monkeypatch) -> list[tuple[str, str]]:
    """(thread, member) for every member copied; this thread pauses after each, so the twin surely takes some."""
    copied: list[tuple[str, str]] = []
    member_copy = archive.member_copy

    def spied(out: Any, member: archive.Member, cursor: Any) -> int:
        rows = member_copy(out, member, cursor)
        copied.append((threading.current_thread().name, member.name))
        if threading.current_thread().name != TWIN_THREAD:
            threading.Event().wait(0.05)
        return rows

    monkeypatch.setattr(archive, "member_copy", spied)
    return copied


def _zip(*, parallel: bool) -> bytes:
    target = io.BytesIO()
    with lifecycle._snapshot() as shareable:
        assert shareable, "the export's own transaction"
        archive_write(target, company="Acme", span=ExportRange(), generated_at=GENERATED_AT, parallel=parallel)
    return target.getvalue()


def _members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        assert opened.testzip() is None
        return [(name, opened.read(name)) for name in opened.namelist()]


def test_the_two_session_zip_equals_the_one_session_zip(acme, member_threads):
    def both() -> tuple[bytes, bytes]:
        with _as_task_of(acme), _committed_rows():
            return _zip(parallel=False), _zip(parallel=True)

    one_session, two_sessions = outside_the_test_transaction(both)

    assert _members(two_sessions) == _members(one_session)  # same names, same order, same bytes
    names = [name for name, _ in _members(one_session)]
    assert names[-1] == "README.txt" and len(names) == 2 * len(TABLES) + 1  # each table as CSV and JSON
    assert b"'=HYPERLINK" in dict(_members(two_sessions))["visitors.csv"]
    threads = {thread for thread, _ in member_threads}
    assert TWIN_THREAD in threads and len(threads) == 2, "the second session took part of the work"


def _insert_visitor_elsewhere() -> None:
    with psycopg.connect(current_test_database_url(), autocommit=True) as other:
        other.execute("INSERT INTO acme.visits_visitor (first_name, last_name, email, phone, company_name, language)"
                      " VALUES ('Late', 'Comer', '', '', '', 'en')")  # fmt: skip


def test_the_second_session_sees_the_same_snapshot_as_the_company_role_and_nothing_else(acme, globex):
    def look() -> dict[str, Any]:
        query = "SELECT current_user, current_setting('search_path'), count(*) FROM visits_visitor"
        with _as_task_of(acme), lifecycle._snapshot():
            with connection.cursor() as cursor:
                cursor.execute(query)
                first = cursor.fetchone()
            _insert_visitor_elsewhere()  # committed after the first session's snapshot, before the second begins
            with parallel.twin_session() as twin:
                assert twin is not None
                second = twin.execute(query).fetchone()
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    twin.execute("SELECT count(*) FROM globex.visits_visit")
            return {"first": first, "second": second, "twin": twin}

    try:
        seen = outside_the_test_transaction(look)
    finally:
        with psycopg.connect(current_test_database_url(), autocommit=True) as other:
            other.execute("DELETE FROM acme.visits_visitor WHERE first_name = 'Late' AND last_name = 'Comer'")

    assert seen["second"] == seen["first"]  # same role, same search_path, and not the visitor added meanwhile
    assert seen["first"][0] == db_roles.schema_role("acme")
    assert seen["first"][1] == "acme, public"
    assert seen["twin"].closed, "the second session is closed on the way out"


def _files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


@pytest.fixture
def twins(monkeypatch) -> list[psycopg.Connection[Any] | None]:
    """Every second session the export opens."""
    opened: list[psycopg.Connection[Any] | None] = []
    twin_session = parallel.twin_session

    @contextmanager
    def recorded() -> Iterator[psycopg.Connection[Any] | None]:
        with twin_session() as twin:
            opened.append(twin)
            yield twin

    monkeypatch.setattr(parallel, "twin_session", recorded)
    return opened


def _export_failing_with(company: Tenant, message: str) -> Export:
    """Run an export that raises `message`; the export as it is left."""

    def run() -> Export:
        with _as_task_of(company):
            export = Export.objects.create()
            try:
                with pytest.raises(RuntimeError, match=message):
                    export_generate(export_id=export.pk)
                export.refresh_from_db()
                return export
            finally:
                Export.objects.filter(pk=export.pk).delete()

    return outside_the_test_transaction(run)


def test_a_failure_in_the_second_session_fails_the_export_and_leaves_no_file(acme, twins, monkeypatch, tmp_path):
    member_copy = archive.member_copy

    def failing(out: Any, member: archive.Member, cursor: Any) -> int:
        if threading.current_thread().name == TWIN_THREAD:
            raise RuntimeError("the second session broke")
        threading.Event().wait(0.05)  # leave the second session time to take a member
        return member_copy(out, member, cursor)

    monkeypatch.setattr(archive, "member_copy", failing)
    export = _export_failing_with(acme, "the second session broke")

    assert (export.status, export.storage_name, export.attempts) == (Export.Status.FAILED, "", 1)
    assert _files(tmp_path) == []
    assert len(twins) == 1 and twins[0] is not None and twins[0].closed


def test_a_failure_in_the_first_session_stops_the_second_one_at_once(acme, twins, monkeypatch, tmp_path):
    twin_busy, twin_stopped_by = threading.Event(), []

    def long_or_failing(out: Any, member: archive.Member, cursor: Any) -> int:
        if threading.current_thread().name == TWIN_THREAD:
            twin_busy.set()
            threading.Event().wait(0.2)  # not in a statement yet: a first cancel is lost
            try:
                cursor.execute("SELECT pg_sleep(60)")  # a long COPY
            except psycopg.Error as error:
                twin_stopped_by.append(type(error))
                raise
            return 0
        twin_busy.wait(10)
        raise RuntimeError("the first session broke")

    monkeypatch.setattr(archive, "member_copy", long_or_failing)
    export = _export_failing_with(acme, "the first session broke")

    assert twin_stopped_by == [psycopg.errors.QueryCanceled]  # cancelled, not waited for
    assert (export.status, export.storage_name) == (Export.Status.FAILED, "")
    assert _files(tmp_path) == []
    assert len(twins) == 1 and twins[0] is not None and twins[0].closed


def test_without_a_second_session_the_export_is_written_on_one(acme, twins, member_threads):
    def both() -> tuple[bytes, bytes]:
        with _as_task_of(acme):
            one_session = _zip(parallel=False)
            get_params = connection.get_connection_params
            connection.get_connection_params = lambda: {**get_params(), "port": 1}  # type: ignore[method-assign]
            try:
                return one_session, _zip(parallel=True)
            finally:
                del connection.get_connection_params

    one_session, two_sessions_asked = outside_the_test_transaction(both)

    assert twins == [None]
    assert TWIN_THREAD not in {thread for thread, _ in member_threads}
    assert _members(two_sessions_asked) == _members(one_session)


def test_inside_an_outer_transaction_the_export_runs_on_one_connection_and_sees_its_rows(acme, monkeypatch):
    def no_second_session(*args: object) -> None:
        raise AssertionError("a second session cannot see the outer transaction's rows")

    monkeypatch.setattr(archive, "run_on_two_sessions", no_second_session)
    with tenant_context(acme):
        Visitor.objects.create(first_name="Not", last_name="Committed")
        export = export_generate(export_id=Export.objects.create().pk)
        assert export.status == Export.Status.READY
        with lifecycle.export_storage().open(export.storage_name, "rb") as handle:
            visitors = zipfile.ZipFile(io.BytesIO(handle.read())).read("visitors.csv")
    assert b'"Not","Committed"' in visitors
