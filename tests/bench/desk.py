"""Desk speed at a big building: the desk's read model against one shared table holding the same rows.

Creates a throw-away database with one building of COMPANIES companies holding VISITS visits in total over
the past year, TODAY of them today (generated with set-based SQL in each company schema: the companies'
triggers fill the building's read model as the rows go in, as they do in production), and the same rows in
single shared tables with a company column (the shared-table design). Then prints, side by side, median and
p95 milliseconds of:

- the desk's today board (rows and counts) and evacuation list, warm (a desk polling the same text on one
  connection), on a new connection, with a new search text each time, and after `DISCARD ALL` with
  prepared statements off (PgBouncer in transaction mode resets the server connection after each
  transaction: nothing stays planned);
- the kiosk's code lookup, a new code each time;
- relation locks held by one desk read, 32 concurrent desk and kiosk readers (errors counted), and the
  growth of a new connection's memory (its catalogue cache) after one board read;

against the same queries on the shared tables, with the goals, then drops the database.

    .venv/bin/python tests/bench/desk.py [--companies 500] [--visits 1000000] [--today 5000] [--runs 30]

Uses DATABASE_URL's server (the embedded PostgreSQL when unset, as dev.py does).
"""

import argparse
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkin.settings")

SHARED_TABLES = """
CREATE SCHEMA shared;
CREATE TABLE shared.host (company_id bigint NOT NULL, id bigint NOT NULL, name varchar(150) NOT NULL,
    is_active boolean NOT NULL, PRIMARY KEY (company_id, id));
CREATE TABLE shared.visitor (company_id bigint NOT NULL, id bigint NOT NULL, first_name varchar(100) NOT NULL,
    last_name varchar(100) NOT NULL, company_name varchar(150) NOT NULL, PRIMARY KEY (company_id, id));
CREATE TABLE shared.visit (company_id bigint NOT NULL, id bigint NOT NULL, visitor_id bigint NOT NULL,
    host_id bigint, expected_start timestamptz NOT NULL, expected_end timestamptz NOT NULL,
    state varchar(16) NOT NULL, checked_in_at timestamptz, checked_out_at timestamptz, code varchar(16) NOT NULL,
    PRIMARY KEY (company_id, id));
"""

# One company's rows copied into the shared tables, after COMPANY_ROWS (tests/bench/desk_reads.py) wrote them.
_SHARED_COPY = """
INSERT INTO shared.host SELECT {company}, id, name, is_active FROM {s}.visits_host;
INSERT INTO shared.visitor SELECT {company}, id, first_name, last_name, company_name FROM {s}.visits_visitor;
INSERT INTO shared.visit SELECT {company}, id, visitor_id, host_id, expected_start, expected_end, state,
    checked_in_at, checked_out_at, code_digest FROM {s}.visits_visit;
"""

# The shared design gets the read model's indexes.
_SHARED_INDEXES = """
CREATE INDEX ON shared.visit (expected_end);
CREATE INDEX ON shared.visit (state) WHERE state = 'on_site';
CREATE INDEX ON shared.visit (code);
"""

_SHARED_COLUMNS = """v.company_id, t.slug, t.name, v.id, v.code, v.state, v.expected_start, v.expected_end,
    v.checked_in_at, v.checked_out_at, p.first_name, p.last_name, p.company_name, h.name
FROM shared.visit v JOIN shared.visitor p ON p.company_id = v.company_id AND p.id = v.visitor_id
LEFT JOIN shared.host h ON h.company_id = v.company_id AND h.id = v.host_id
JOIN public.tenancy_tenant t ON t.id = v.company_id AND t.status = 'active'"""
_SHARED_BOARD = """SELECT {columns}
WHERE v.expected_start < '{end}' AND v.expected_end >= '{start}' AND v.state IN ('expected', 'on_site', 'left')
{search} ORDER BY v.expected_start, v.company_id, v.id LIMIT 500"""
_SHARED_COUNTS = """SELECT t.slug, v.state, count(*) FROM shared.visit v
JOIN public.tenancy_tenant t ON t.id = v.company_id AND t.status = 'active'
WHERE v.expected_start < '{end}' AND v.expected_end >= '{start}' AND v.state IN ('expected', 'on_site', 'left')
GROUP BY t.slug, v.state"""
_SHARED_EVACUATION = f"""SELECT {_SHARED_COLUMNS}
WHERE v.state = 'on_site' ORDER BY t.name, p.last_name, p.first_name, v.id"""
_SHARED_CODE = """SELECT v.company_id, v.id FROM shared.visit v
JOIN public.tenancy_tenant t ON t.id = v.company_id AND t.status = 'active' WHERE v.code = '{code}' LIMIT 1"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--companies", type=int, default=500)
    parser.add_argument("--visits", type=int, default=1_000_000, help="visits in total, over the past year")
    parser.add_argument("--today", type=int, default=5_000, help="of which today")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--readers", type=int, default=32, help="concurrent desk and kiosk readers")
    args = parser.parse_args()

    from django.conf import settings

    from tests.bench.throwaway import throwaway_database

    settings.CHECKIN_SPARE_SCHEMAS = 0  # each company cloned from the template, with no refill after each
    with throwaway_database():
        _run(args)


def _run(args: argparse.Namespace) -> None:
    from django.db import connection, connections, transaction
    from django_tenants.utils import schema_context

    from shared_apps.provisioning.buildings import building_create
    from shared_apps.provisioning.companies import company_create
    from shared_apps.provisioning.tenant_schemas import platform_ensure
    from shared_apps.tenancy.models import Tenant
    from tenant_apps.desk.selectors import (
        BoardFilters,
        building_day,
        desk_board,
        desk_on_site,
        visit_key_by_code_digests,
    )
    from tests.bench.desk_reads import (
        company_rows_load,
        discard_all,
        fresh_search,
        new_connection,
        p95,
        stored_code,
        timed,
    )

    platform_ensure()
    building = building_create(slug="bench", name="Bench")
    started = time.perf_counter()
    companies = [
        company_create(building=building, slug=f"co-{i:03d}", name=f"Company {i:03d}") for i in range(args.companies)
    ]
    print(f"provisioned {len(companies)} companies in {time.perf_counter() - started:.1f} s", flush=True)

    started = time.perf_counter()
    reception_schema = Tenant.objects.get(building=building, type=Tenant.Type.RECEPTION).schema_name
    day_start, day_end = building_day(building=building)
    per, today = args.visits // len(companies), args.today // len(companies)
    with connection.cursor() as cursor:
        cursor.execute(SHARED_TABLES)
        for company in companies:
            with transaction.atomic():
                company_rows_load(cursor, company, per=per, today=today, day=day_start)
                cursor.execute(_SHARED_COPY.format(s=f'"{company.schema_name}"', company=company.pk))
        cursor.execute(_SHARED_INDEXES)
        # The tables the two designs read (a database-wide VACUUM walks every company's tables: many minutes).
        read = [f'"{reception_schema}".readmodel_visit', f'"{reception_schema}".readmodel_host', "shared.visit",
                "shared.visitor", "shared.host", "public.tenancy_tenant"]  # fmt: skip
        cursor.execute(f"VACUUM ANALYZE {', '.join(read)}")
    total = per * len(companies)
    print(f"loaded {total} visits ({today * len(companies)} today) through the triggers, and the shared copy, "
          f"in {time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip

    reception = Tenant.objects.get(building=building, type=Tenant.Type.RECEPTION)
    everyone = BoardFilters()
    sample = random.Random(1).sample(companies, min(50, len(companies)))
    codes = [stored_code(company.pk, n) for company in sample for n in (1, per)]

    def shared_query(sql: str) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()

    def shared_board(search: str = "") -> None:
        where = ""
        if search:
            words = search.split()
            where = " ".join(
                f"AND (p.first_name ILIKE '%{w}%' OR p.last_name ILIKE '%{w}%')" for w in words
            )  # the bench's own words: no quoting needed
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_SHARED_BOARD.format(columns=_SHARED_COLUMNS, end=day_end, start=day_start, search=where))
            cursor.fetchall()
            cursor.execute(_SHARED_COUNTS.format(end=day_end, start=day_start))
            cursor.fetchall()

    def model_board(search: str = "") -> None:
        desk_board(reception=reception, filters=BoardFilters(q=search))

    def model_evacuation() -> None:
        desk_on_site(reception=reception)

    def model_code(n: int) -> None:  # in the reception schema, as the kiosk's request is
        assert visit_key_by_code_digests([codes[n % len(codes)]]) is not None  # stored as the "digest" here

    def shared_code(n: int) -> None:
        shared_query(_SHARED_CODE.format(code=codes[n % len(codes)]))

    connection.ensure_connection()
    raw_prepare = connection.connection.prepare_threshold
    rows: dict[str, tuple[list[float], list[float]]] = {}
    with schema_context(reception.schema_name):
        rows["board, warm"] = (timed(lambda n: model_board(), args.runs), timed(lambda n: shared_board(), args.runs))
        rows["board, new connection"] = (
            timed(lambda n: model_board(), args.runs, before=new_connection),
            timed(lambda n: shared_board(), args.runs, before=new_connection),
        )
        rows["board, new search text"] = (
            timed(lambda n: model_board(fresh_search(n)), args.runs),
            timed(lambda n: shared_board(fresh_search(n)), args.runs),
        )
        rows["evacuation, warm"] = (
            timed(lambda n: model_evacuation(), args.runs),
            timed(lambda n: shared_query(_SHARED_EVACUATION), args.runs),
        )
        rows["evacuation, new connection"] = (
            timed(lambda n: model_evacuation(), args.runs, before=new_connection),
            timed(lambda n: shared_query(_SHARED_EVACUATION), args.runs, before=new_connection),
        )
        # PgBouncer in transaction mode: CHECKIN_DB_PREPARE=0 and the server connection reset between transactions.
        connection.ensure_connection()
        connection.connection.prepare_threshold = None
        rows["board, DISCARD ALL"] = (
            timed(lambda n: model_board(), args.runs, before=discard_all),
            timed(lambda n: shared_board(), args.runs, before=discard_all),
        )
        rows["evacuation, DISCARD ALL"] = (
            timed(lambda n: model_evacuation(), args.runs, before=discard_all),
            timed(lambda n: shared_query(_SHARED_EVACUATION), args.runs, before=discard_all),
        )
        rows["kiosk code lookup, new code"] = (timed(model_code, args.runs), timed(shared_code, args.runs))
        connection.connection.prepare_threshold = raw_prepare

        on_site = len(desk_on_site(reception=reception))
        board_rows = len(desk_board(reception=reception, filters=everyone).visits)

        # Locks of one read, and a new connection's memory before and after one board read.
        new_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT sum(total_bytes) FROM pg_backend_memory_contexts")
            memory_before = cursor.fetchone()[0]
        with transaction.atomic():
            model_board()
            model_evacuation()
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation'")
                locks = cursor.fetchone()[0]
        with connection.cursor() as cursor:
            cursor.execute("SELECT sum(total_bytes) FROM pg_backend_memory_contexts")
            memory_growth = (cursor.fetchone()[0] - memory_before) / 1024 / 1024
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_locks_per_transaction")
            max_locks = cursor.fetchone()[0]

    errors: list[str] = []
    reads = [0]
    barrier = threading.Barrier(args.readers)

    def reader(number: int) -> None:
        try:
            with schema_context(reception.schema_name):
                barrier.wait()
                for n in range(5):
                    with transaction.atomic():  # each holds its locks while the others take theirs
                        if number % 2:
                            model_board()
                        else:
                            model_code(number * 5 + n)
                    reads[0] += 1
        except Exception as error:  # counted and printed
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(args.readers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    concurrent_seconds = time.perf_counter() - started

    print(
        f"\n{args.companies} companies, {total} visits, {board_rows} on today's board (limit 500), {on_site} on site; "
        f"{args.runs} runs each, milliseconds"
    )
    print(f"  {'query':30} {'model med':>9} {'p95':>7} {'shared med':>10} {'p95':>7} {'ratio':>6}  goal")
    for name, (model, shared) in rows.items():
        ratio = statistics.median(model) / statistics.median(shared)
        goal = "< 5 ms" if "code" in name else "< 50 ms, within 2x"
        ok = statistics.median(model) < (5 if "code" in name else 50) and ("code" in name or ratio <= 2)
        verdict = "met" if ok else "MISSED"
        print(f"  {name:30} {statistics.median(model):9.1f} {p95(model):7.1f} "
              f"{statistics.median(shared):10.1f} {p95(shared):7.1f} {ratio:5.2f}x  {goal} {verdict}")  # fmt: skip
    print(f"  relation locks held by one board + evacuation read: {locks} (max_locks_per_transaction {max_locks})")
    print(f"  {args.readers} concurrent desk and kiosk readers: {reads[0]} reads in {concurrent_seconds:.1f} s, "
          f"{len(errors)} errors{': ' + errors[0] if errors else ''}")  # fmt: skip
    print(f"  a new connection's memory growth after one board read: {memory_growth:.1f} MB (goal < 10 MB)")


if __name__ == "__main__":
    main()
