"""Desk speed: the building's views over 100 company schemas against one shared table.

Creates a throw-away database with one building of COMPANIES companies holding
VISITS visits in total over the past year, TODAY of them today (bulk-loaded with
COPY in each company schema), and the same rows in single tables with a company
column (the shared-table design). Prints the median and p95 milliseconds of the
desk's today-board query (rows and counts) and of the evacuation list on both,
and their ratio, then drops the database.

    .venv/bin/python tests/bench/desk.py [--companies 100] [--visits 200000] [--today 2000] [--runs 50]

Uses DATABASE_URL's server (the embedded PostgreSQL when unset, as dev.py does).
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkin.settings")

HOSTS_PER_COMPANY = 10
FIRST = ["Marie", "Pieter", "Anna", "James", "Lena", "Tom", "Sophie", "Jan", "Eva", "Luc"]
LAST = ["Lambert", "De Smet", "Müller", "Carter", "Schmidt", "Janssens", "Dubois", "Peeters", "Maes", "Claes"]

SHARED_TABLES = """
CREATE SCHEMA shared;
CREATE TABLE shared.host (company_id bigint NOT NULL, id bigint NOT NULL, name varchar(150) NOT NULL,
    is_active boolean NOT NULL, PRIMARY KEY (company_id, id));
CREATE TABLE shared.visitor (company_id bigint NOT NULL, id bigint NOT NULL, first_name varchar(100) NOT NULL,
    last_name varchar(100) NOT NULL, email varchar(254) NOT NULL, phone varchar(20) NOT NULL,
    company_name varchar(150) NOT NULL, language varchar(2) NOT NULL, PRIMARY KEY (company_id, id));
CREATE TABLE shared.visit (company_id bigint NOT NULL, id bigint NOT NULL, visitor_id bigint NOT NULL,
    host_id bigint, expected_start timestamptz NOT NULL, expected_end timestamptz NOT NULL,
    state varchar(16) NOT NULL, checked_in_at timestamptz, checked_out_at timestamptz, code varchar(16) NOT NULL,
    consent_notice_version varchar(32) NOT NULL, PRIMARY KEY (company_id, id));
"""


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def _timed(run: Callable[[], object], runs: int) -> list[float]:
    run()  # warm the plan and the cache, as a desk polling every few seconds does
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--companies", type=int, default=100)
    parser.add_argument("--visits", type=int, default=200_000, help="visits in total, over the past year")
    parser.add_argument("--today", type=int, default=2_000, help="of which today")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    from tests.bench.throwaway import throwaway_database

    with throwaway_database():
        _run(args)


def _run(args: argparse.Namespace) -> None:
    from django.db import connection, transaction
    from django_tenants.utils import schema_context

    from shared_apps.provisioning.buildings import building_create
    from shared_apps.provisioning.companies import company_create
    from shared_apps.provisioning.tenant_schemas import platform_ensure
    from shared_apps.tenancy.models import Tenant
    from tenant_apps.desk.building_sql_views import building_sql_views_rebuild
    from tenant_apps.desk.selectors import BoardFilters, building_day, desk_board, desk_on_site

    platform_ensure()
    building = building_create(slug="bench", name="Bench")
    started = time.perf_counter()
    companies = [
        company_create(building=building, slug=f"co-{i:03d}", name=f"Company {i:03d}") for i in range(args.companies)
    ]
    print(f"provisioned {len(companies)} companies in {time.perf_counter() - started:.1f} s")
    rebuilds = _timed(lambda: building_sql_views_rebuild(building=building), 10)
    print(f"rebuild the building's views over {len(companies)} companies: median {statistics.median(rebuilds):.1f} ms")

    started = time.perf_counter()
    _load(connection, companies, building, args.visits, args.today)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"loaded {args.visits} visits ({args.today} today) in {time.perf_counter() - started:.1f} s")

    reception = Tenant.objects.get(building=building, type=Tenant.Type.RECEPTION)
    start, end = building_day(building=building)
    everyone = BoardFilters()

    def board_views() -> None:
        desk_board(reception=reception, filters=everyone, companies=companies)

    def evacuation_views() -> None:
        desk_on_site(reception=reception)

    def board_shared() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_SAME_SETTINGS)
            cursor.execute(_SHARED_BOARD, {"start": start, "end": end})
            cursor.fetchall()
            cursor.execute(_SHARED_COUNTS, {"start": start, "end": end})
            cursor.fetchall()

    def evacuation_shared() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_SAME_SETTINGS)
            cursor.execute(_SHARED_EVACUATION)
            cursor.fetchall()

    with schema_context(reception.schema_name):
        rows = {
            "today board (rows + counts)": (_timed(board_views, args.runs), _timed(board_shared, args.runs)),
            "evacuation list": (_timed(evacuation_views, args.runs), _timed(evacuation_shared, args.runs)),
        }
        on_site = len(desk_on_site(reception=reception))
        today = len(desk_board(reception=reception, filters=everyone, companies=companies).visits)
    print(f"{args.companies} companies, {args.visits} visits, {today} on today's board, {on_site} on site; "
          f"{args.runs} runs each, milliseconds")  # fmt: skip
    print(f"  {'query':30} {'views med':>9} {'p95':>7} {'shared med':>10} {'p95':>7} {'ratio':>6}")
    for name, (views, shared) in rows.items():
        ratio = statistics.median(views) / statistics.median(shared)
        print(f"  {name:30} {statistics.median(views):9.1f} {_p95(views):7.1f} "
              f"{statistics.median(shared):10.1f} {_p95(shared):7.1f} {ratio:5.2f}x")  # fmt: skip


# The same planner settings as the desk's selectors.
_SAME_SETTINGS = "SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off; SET LOCAL random_page_cost = 1.1"
_SHARED_COLUMNS = """v.company_id, t.slug, t.name, v.id, v.code, v.state, v.expected_start, v.expected_end,
    v.checked_in_at, v.checked_out_at, v.consent_notice_version, p.id, p.first_name, p.last_name, p.company_name,
    p.language, h.id, h.name
FROM shared.visit v JOIN shared.visitor p ON p.company_id = v.company_id AND p.id = v.visitor_id
LEFT JOIN shared.host h ON h.company_id = v.company_id AND h.id = v.host_id
JOIN public.tenancy_tenant t ON t.id = v.company_id"""
_SHARED_BOARD = f"""SELECT {_SHARED_COLUMNS}
WHERE v.expected_start < %(end)s AND v.expected_end >= %(start)s AND v.state IN ('expected', 'on_site', 'left')
ORDER BY v.expected_start, v.company_id, v.id LIMIT 500"""
_SHARED_COUNTS = """SELECT company_id, state, count(*) FROM shared.visit
WHERE expected_start < %(end)s AND expected_end >= %(start)s AND state IN ('expected', 'on_site', 'left')
GROUP BY company_id, state"""
_SHARED_EVACUATION = f"""SELECT {_SHARED_COLUMNS}
WHERE v.state = 'on_site' ORDER BY t.name, p.last_name, p.first_name"""


def _load(connection, companies, building, total: int, today: int) -> None:
    """COPY hosts, visitors and visits into each company schema, and the same rows into the shared tables."""
    from tenant_apps.desk.selectors import building_day

    rng = random.Random(2026)
    day_start, _ = building_day(building=building)
    now = dt.datetime.now(dt.UTC)
    per_company, today_per_company = total // len(companies), today // len(companies)
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor:
        cursor.execute(SHARED_TABLES)
        cursor.execute("SET search_path = public")
        for company in companies:
            schema = f'"{company.schema_name}"'
            hosts: list[tuple[object, ...]] = [
                (n, f"Host {n} {company.slug}", True) for n in range(1, HOSTS_PER_COMPANY + 1)
            ]
            visitors: list[tuple[object, ...]] = []
            visits: list[tuple[object, ...]] = []
            for n in range(1, per_company + 1):
                first, last = rng.choice(FIRST), rng.choice(LAST)
                visitors.append(
                    (n, first, last, f"{first.lower()}@example.org", "", "Org", rng.choice(["fr", "nl", "en", "de"]))
                )
                if n <= today_per_company:
                    start = day_start + dt.timedelta(hours=8, minutes=rng.randrange(0, 600))
                    state = rng.choice(["expected", "on_site", "left"])
                else:
                    start = day_start - dt.timedelta(days=rng.randrange(1, 365), minutes=rng.randrange(0, 600))
                    state = rng.choice(["left"] * 8 + ["cancelled", "no_show"])
                end = start + dt.timedelta(hours=2)
                checked_in = start if state in ("on_site", "left") else None
                checked_out = end if state == "left" else None
                visits.append((n, n, rng.randrange(1, HOSTS_PER_COMPANY + 1), start, end, state, checked_in,
                               checked_out, f"{company.pk:03d}{n:05d}"))  # fmt: skip
            with cursor.copy(
                f"COPY {schema}.visits_host (id, name, is_active, email, phone, notify_by) FROM STDIN"
            ) as copy:
                for row in hosts:
                    copy.write_row((*row, "", "", "email"))
            with cursor.copy(f"COPY {schema}.visits_visitor (id, first_name, last_name, email, phone, company_name, "
                             "language) FROM STDIN") as copy:  # fmt: skip
                for row in visitors:
                    copy.write_row(row)
            with cursor.copy(f"COPY {schema}.visits_visit (id, visitor_id, host_id, expected_start, expected_end, "
                             "state, checked_in_at, checked_out_at, code_digest, purpose, channel, consent_notice_version, "
                             "consent_channel, rules_version, auto_checked_out, created_at, updated_at) FROM STDIN"
                             ) as copy:  # fmt: skip
                for row in visits:
                    copy.write_row((*row, "", "invitation", "", "", "", False, now, now))
            with cursor.copy("COPY shared.host (company_id, id, name, is_active) FROM STDIN") as copy:
                for row in hosts:
                    copy.write_row((company.pk, *row))
            with cursor.copy("COPY shared.visitor (company_id, id, first_name, last_name, email, phone, company_name, "
                             "language) FROM STDIN") as copy:  # fmt: skip
                for row in visitors:
                    copy.write_row((company.pk, *row))
            with cursor.copy("COPY shared.visit (company_id, id, visitor_id, host_id, expected_start, expected_end, "
                             "state, checked_in_at, checked_out_at, code, consent_notice_version) FROM STDIN"
                             ) as copy:  # fmt: skip
                for row in visits:
                    copy.write_row((company.pk, *row, ""))
        # The shared design gets the same indexes as a company's visit table.
        cursor.execute("CREATE INDEX ON shared.visit (expected_start)")
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND tablename = 'visits_visit' "
            "AND indexname NOT LIKE '%%pkey' AND indexdef NOT LIKE '%%(code_digest)%%' AND indexdef NOT LIKE '%%_id)%%' "
            "AND indexdef NOT LIKE '%%(expected_start)%%'",
            [companies[0].schema_name],
        )
        for (definition,) in cursor.fetchall():
            columns = definition[definition.index(" USING btree ") + len(" USING btree ") :]
            cursor.execute(f"CREATE INDEX ON shared.visit {columns}")
    raw.commit() if not raw.autocommit else None


if __name__ == "__main__":
    main()
