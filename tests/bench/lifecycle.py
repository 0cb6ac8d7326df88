"""Purge and export speed of one large company, against raw PostgreSQL on the same machine.

Creates a throw-away database with one company holding VISITS visits (half of
them past retention, one timeline event each, four visits per visitor),
bulk-loaded with COPY, then measures:

  (a) the retention purge deleting half of the visits  vs  one raw DELETE statement of the same rows
      (its deferred foreign-key checks run, as at a commit, then rolled back)
  (b) a full export (ZIP of CSV + JSON)                  vs  COPY ... TO STDOUT of the same rows
      (in a transaction of its own, as in a Celery worker, so on two database sessions sharing one snapshot)

and prints rows per second, peak memory (resident set growth during the step,
sampled every 5 ms) and the ratios. Goals: purge within 3x of the raw DELETE,
export within 3x of COPY, export memory under 150 MB. The database is dropped
at the end.

    .venv/bin/python tests/bench/lifecycle.py [--visits 1000000]
"""

import argparse
import datetime as dt
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkin.settings")

VISITS_PER_VISITOR = 4


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@dataclass
class Measure:
    seconds: float = 0.0
    peak_bytes: int = 0


@contextmanager
def measured() -> Iterator[Measure]:
    """Wall time and the peak growth of resident memory while the block runs."""
    result, stop = Measure(), threading.Event()
    base = _rss_bytes()

    def sample() -> None:
        while not stop.is_set():
            result.peak_bytes = max(result.peak_bytes, _rss_bytes() - base)
            stop.wait(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    try:
        yield result
    finally:
        result.seconds = time.perf_counter() - start
        stop.set()
        sampler.join()
        result.peak_bytes = max(result.peak_bytes, _rss_bytes() - base)


def _load(cursor, visits: int, now: dt.datetime) -> None:
    """Bulk-load hosts, visitors, visits and events with COPY; the first half of the visits is past retention."""
    half, visitors = visits // 2, max(visits // VISITS_PER_VISITOR, 2)
    old, recent = now - dt.timedelta(days=800), now - dt.timedelta(days=30)
    with cursor.copy("COPY visits_host (name, email, phone, notify_by, is_active) FROM STDIN") as copy:
        for i in range(10):
            copy.write_row((f"Host {i}", f"host{i}@bench.example", "", "email", True))
    columns = "first_name, last_name, email, phone, company_name, language"
    with cursor.copy(f"COPY visits_visitor ({columns}) FROM STDIN") as copy:
        for i in range(visitors):
            copy.write_row((f"First{i}", f"Last{i}", f"v{i}@bench.example", "+32470000000", "Bench SA", "en"))
    cursor.execute("SELECT min(id) FROM visits_visitor")
    first_visitor = cursor.fetchone()[0]
    cursor.execute("SELECT min(id) FROM visits_host")
    first_host = cursor.fetchone()[0]
    columns = (
        "visitor_id, host_id, expected_start, expected_end, purpose, state, checked_in_at, checked_out_at, channel, "
        "code, consent_notice_version, consent_at, consent_channel, rules_version, auto_checked_out, created_at, "
        "updated_at"
    )
    with cursor.copy(f"COPY visits_visit ({columns}) FROM STDIN") as copy:
        for i in range(visits):
            # Old visits belong to the first half of the visitors, recent ones to the second half.
            visitor = first_visitor + (i % (visitors // 2)) + (0 if i < half else visitors // 2)
            start = (old if i < half else recent) + dt.timedelta(minutes=i % 10000)
            end = start + dt.timedelta(hours=1)
            copy.write_row((
                visitor, first_host + i % 10, start, end, "Meeting", "left", start, end, "kiosk",
                f"B{i:09d}", "2026-01", start, "kiosk", "", False, start, end,
            ))  # fmt: skip
    cursor.execute("SELECT min(id) FROM visits_visit")
    first_visit = cursor.fetchone()[0]
    with cursor.copy("COPY visits_visitevent (visit_id, at, kind, actor, note) FROM STDIN") as copy:
        for i in range(visits):
            copy.write_row((first_visit + i, old, "checked_in", "kiosk:bench:1", ""))
    cursor.execute("ANALYZE")


def _report(label: str, rows: int, ours: Measure, raw: Measure, goal: float) -> None:
    ratio = ours.seconds / raw.seconds if raw.seconds else float("inf")
    print(f"\n{label}")
    for name, step in (("Check-in", ours), ("raw SQL ", raw)):
        rate = rows / step.seconds
        print(f"  {name} : {step.seconds:8.2f} s  {rate:12,.0f} rows/s  peak +{step.peak_bytes / 2**20:7.1f} MB")
    print(f"  ratio    : {ratio:8.2f}x  (goal: within {goal:g}x) -> {'met' if ratio <= goal else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visits", type=int, default=1_000_000, help="visits in the company (default 1,000,000)")
    args = parser.parse_args()

    from django.conf import settings

    from tests.bench.throwaway import throwaway_database

    export_root = tempfile.mkdtemp(prefix="checkin-bench-exports-")
    settings.STORAGES = {**settings.STORAGES, "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": export_root}}}  # fmt: skip
    try:
        with throwaway_database():
            _run(args.visits)
    finally:
        for path in Path(export_root).rglob("*"):
            if path.is_file():
                path.unlink()


def _run(visits: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from shared_apps.provisioning.buildings import building_create
    from shared_apps.provisioning.companies import company_create
    from shared_apps.provisioning.tenant_schemas import platform_ensure
    from tenant_apps.privacy.exports.lifecycle import export_generate
    from tenant_apps.privacy.exports.tables import TABLES, ExportRange
    from tenant_apps.privacy.models import Export
    from tenant_apps.privacy.purge import company_purge

    platform_ensure()
    company = company_create(building=building_create(slug="bench", name="Bench"), slug="big", name="Big")
    now = timezone.now()
    with tenant_context(company):
        start = time.perf_counter()
        # COPY runs inside a transaction, where the backend has set the schema's search_path and role.
        with transaction.atomic(), connection.cursor() as cursor:
            _load(cursor.cursor, visits, now)
        print(f"Loaded {visits:,} visits with COPY in {time.perf_counter() - start:.1f} s")

        # (b) export against COPY ... TO STDOUT of the same rows
        span = ExportRange()
        rows = 0
        with measured() as raw_copy, transaction.atomic(), connection.cursor() as cursor:
            for table in TABLES:
                inner, params = table.queryset(span).query.sql_with_params()
                sql = f"COPY ({inner}) TO STDOUT WITH (FORMAT csv, HEADER true)"
                with cursor.cursor.copy(sql, params) as copy:
                    for _chunk in copy:
                        rows += 1
        rows -= len(TABLES)  # header lines
        export = Export.objects.create()
        with measured() as ours_export:
            export = export_generate(export_id=export.pk)
        assert sum(export.row_counts.values()) == rows, (export.row_counts, rows)
        _report(f"(b) full export: {rows:,} rows, ZIP of {(export.size or 0) / 2**20:.1f} MB",
                rows, ours_export, raw_copy, 3)  # fmt: skip

        # (a) purge against one DELETE statement of the same rows (rolled back)
        cutoff = now - dt.timedelta(days=365)
        due = "state <> 'on_site' AND COALESCE(checked_out_at, expected_end) < %s"
        with measured() as raw_delete, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"WITH due AS (SELECT id FROM visits_visit WHERE {due}),"
                " events AS (DELETE FROM visits_visitevent WHERE visit_id IN (SELECT id FROM due)),"
                " visits AS (DELETE FROM visits_visit WHERE id IN (SELECT id FROM due) RETURNING id)"
                " SELECT count(*) FROM visits", [cutoff],
            )  # fmt: skip
            raw_rows = cursor.fetchone()[0]
            cursor.execute(
                "DELETE FROM visits_visitor v WHERE NOT EXISTS (SELECT 1 FROM visits_visit x WHERE x.visitor_id = v.id)"
            )
            # Django's foreign keys are checked at commit (DEFERRABLE INITIALLY DEFERRED): run those checks now,
            # as a committed DELETE would, before rolling back to keep the rows for the purge.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            transaction.set_rollback(True)
        with measured() as ours_purge:
            result = company_purge(now=now)
        assert result.visits == raw_rows == visits // 2, (result.deleted, raw_rows)
        _report(
            f"(a) purge: {result.visits:,} visits, {result.deleted.get('visits.visitevent', 0):,} events and "
            f"{result.visitors:,} visitors deleted (raw: one DELETE of visits + events, one of orphan visitors)",
            result.visits, ours_purge, raw_delete, 3,
        )  # fmt: skip
        print(f"\nExport peak memory: {ours_export.peak_bytes / 2**20:.1f} MB (goal: under 150 MB) -> "
              f"{'met' if ours_export.peak_bytes < 150 * 2**20 else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    main()
