"""A big building on Citus: the desk's reads over two workers against one PostgreSQL server, and a schema move.

Starts a Citus cluster of a coordinator and two workers (tests/citus/cluster.py) and provisions the product there
through its own services (`platform_ensure`, `building_create`, `company_create`, each schema cloned from the
template into a distributed schema): one building of COMPANIES companies holding VISITS visits over the past year,
TODAY of them today, generated with set-based SQL in each company schema (tests/bench/desk_reads.py), the
companies' triggers filling the building's read model from their shards. The same building is made on one plain
PostgreSQL server, a throw-away one with the same binaries and settings as a node of the cluster, without Citus
(tests/postgres_server.py), or a new database on --single-url's server. Each side runs in a process of its own
(Django's settings are per process) and times, through the product's selectors, median and p95 milliseconds of:

- the desk's today board (rows and counts) and evacuation list: warm (a desk polling on one connection), on a new
  connection, with a new search text, and after `DISCARD ALL` with prepared statements off (PgBouncer);
- the kiosk's code lookup (`visit_by_code`: the read model, then the visit in its company's schema), a new code
  each time;

printed side by side with their ratios and the goals of issue #21 (board and evacuation under 100 ms and within
3x of the single server, code lookup under 20 ms), each met or NOT met. Then, on the cluster, one timed
`citus_schema_move` of the first company (VISITS / COMPANIES visits) to the other worker while check-ins run, as
tests/citus/test_product.py has them (rows inserted as each company's role, one transaction each), for that
company and one company on each worker; afterwards it counts the check-ins that committed against the rows
stored, in the company and on the desk: lost and extra (stored twice, or stored though it failed) must be 0.
Stops the cluster and the baseline's server (or drops the database made on --single-url's). Exits 0 whatever
the figures: they are the report.

    nice -n 10 .venv/bin/python tests/bench/scaleout.py [--companies 100] [--visits 200000] [--today 2000]
        [--runs 30] [--single-url postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkin.settings")

# The baseline's server: a node's settings (tests/citus/cluster.py) without Citus.
SINGLE_SETTINGS = "max_connections = 200\nshared_buffers = 32MB\n"
GOAL_READ_MS, GOAL_RATIO, GOAL_CODE_MS = 100, 3, 20
LATE_WAIT_SECONDS = 90  # how long a check-in missing from the desk after the move is waited for
SAMPLED_COMPANIES = 50  # companies whose visits get real codes for the kiosk's lookup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--companies", type=int, default=100)
    parser.add_argument("--visits", type=int, default=200_000, help="visits in total, over the past year")
    parser.add_argument("--today", type=int, default=2_000, help="of which today")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--single-url", default="", help="the baseline on this server instead (any database of it)")
    parser.add_argument("--move-seconds", type=float, default=1.0, help="check-ins before and after the move")
    parser.add_argument("--side", choices=["citus", "single"], help=argparse.SUPPRESS)  # a measuring process
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        _side(args)
        return

    from tests.citus.cluster import citus_cluster
    from tests.postgres_server import postgres_server

    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    if args.single_url:
        single = _measured(args, "single", args.single_url)
    else:  # the same PostgreSQL and settings as a node of the cluster, without Citus
        with postgres_server(SINGLE_SETTINGS) as server:
            single = _measured(args, "single", server.url())
    with citus_cluster(workers=2) as cluster:
        citus = _measured(args, "citus", cluster.url)
        move = _move(cluster, args, citus)
    _report(args, citus, single, move, load=(load_before, os.getloadavg()[0]), took=time.perf_counter() - started)


def _measured(args: argparse.Namespace, side: str, url: str) -> dict[str, Any]:
    """Run this script as one side's measuring process, the product's environment at `url`; what it measured."""
    from tests.citus.product import product_env

    env = product_env(url, kind="citus" if side == "citus" else "postgresql")  # companies cloned, no spares
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [sys.executable, __file__, "--side", side, "--out", out.name, "--companies", str(args.companies),
                   "--visits", str(args.visits), "--today", str(args.today), "--runs", str(args.runs)]  # fmt: skip
        if side == "single" and args.single_url:
            command.append("--single-url=" + args.single_url)
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        return dict(json.loads(Path(out.name).read_text()))


# --- one side, in its own process ------------------------------------------------------------------------------


def _side(args: argparse.Namespace) -> None:
    import django
    from django.conf import settings

    from tests.bench.throwaway import throwaway_database

    if args.single_url:  # a new database on that server, dropped with its roles afterwards
        with throwaway_database(prefix="zzscaleout"):
            settings.CHECKIN_SPARE_SCHEMAS = 0
            figures = _building_measure(args)
    else:  # the throw-away server's own database (on the cluster: made with Citus on every node)
        django.setup()
        from django.core.management import call_command

        call_command("migrate_schemas", interactive=False, verbosity=0)
        settings.CHECKIN_SPARE_SCHEMAS = 0
        figures = _building_measure(args)
    Path(args.out).write_text(json.dumps(figures))


def _building_measure(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection, transaction
    from django_tenants.utils import schema_context

    from shared_apps.operations.encryption import code_digests
    from shared_apps.provisioning.buildings import building_create
    from shared_apps.provisioning.companies import company_create
    from shared_apps.provisioning.tenant_schemas import platform_ensure
    from shared_apps.tenancy.models import Tenant
    from tenant_apps.desk.read_model import read_model_fill
    from tenant_apps.desk.selectors import BoardFilters, building_day, desk_board, desk_on_site
    from tenant_apps.kiosk.selectors import visit_by_code
    from tenant_apps.visits.models import new_visit_code
    from tests.bench.desk_reads import company_rows_load, discard_all, fresh_search, new_connection, timed

    side = args.side
    platform_ensure()
    building = building_create(slug="tower", name="Tower")
    started = time.perf_counter()
    companies = [
        company_create(building=building, slug=f"co-{i:03d}", name=f"Company {i:03d}") for i in range(args.companies)
    ]
    provision_s = time.perf_counter() - started
    print(f"{side}: provisioned {len(companies)} companies in {provision_s:.1f} s", flush=True)

    started = time.perf_counter()
    reception = Tenant.objects.get(building=building, type=Tenant.Type.RECEPTION)
    day_start, _ = building_day(building=building)
    per, today = args.visits // len(companies), args.today // len(companies)
    with connection.cursor() as cursor:
        for company in companies:
            with transaction.atomic():
                company_rows_load(cursor, company, per=per, today=today, day=day_start)
        cursor.execute(f'SELECT count(*) FROM "{reception.schema_name}".readmodel_visit')
        by_triggers = cursor.fetchone()[0]
    total = per * len(companies)
    if by_triggers != total:  # the triggers were passed over: copy the rows as a deployment's refill does
        read_model_fill(building=building, again=True)
    with connection.cursor() as cursor:
        read = [f'"{reception.schema_name}".readmodel_visit', f'"{reception.schema_name}".readmodel_host',
                "public.tenancy_tenant"]  # fmt: skip
        cursor.execute(f"VACUUM ANALYZE {', '.join(read)}")
    load_s = time.perf_counter() - started
    print(
        f"{side}: loaded {total} visits in {load_s:.1f} s, {by_triggers} desk rows written by the triggers", flush=True
    )

    # Real codes for the kiosk: one of today's visits of each sampled company gets a code's keyed digest.
    choose = random.Random(1)
    codes = []
    with connection.cursor() as cursor:
        for company in choose.sample(companies, min(SAMPLED_COMPANIES, len(companies))):
            code = new_visit_code()
            with transaction.atomic():
                cursor.execute(
                    f'UPDATE "{company.schema_name}".visits_visit SET code_digest = %s WHERE id = %s',
                    [code_digests(code)[0], choose.randint(1, max(1, today))],
                )
            codes.append(code)

    def board(search: str = "") -> None:
        desk_board(reception=reception, filters=BoardFilters(q=search))

    def evacuation() -> None:
        desk_on_site(reception=reception)

    def code_lookup(n: int) -> None:
        assert visit_by_code(building=building, code=codes[n % len(codes)]) is not None

    rows: dict[str, list[float]] = {}
    with schema_context(reception.schema_name):  # the desk's and the kiosk's pages are served on the building's host
        connection.ensure_connection()
        prepare = connection.connection.prepare_threshold
        rows["board, warm"] = timed(lambda n: board(), args.runs)
        rows["board, new connection"] = timed(lambda n: board(), args.runs, before=new_connection)
        rows["board, new search text"] = timed(lambda n: board(fresh_search(n)), args.runs)
        rows["evacuation, warm"] = timed(lambda n: evacuation(), args.runs)
        rows["evacuation, new connection"] = timed(lambda n: evacuation(), args.runs, before=new_connection)
        connection.ensure_connection()
        connection.connection.prepare_threshold = None  # CHECKIN_DB_PREPARE=0, as behind PgBouncer
        rows["board, DISCARD ALL"] = timed(lambda n: board(), args.runs, before=discard_all)
        rows["evacuation, DISCARD ALL"] = timed(lambda n: evacuation(), args.runs, before=discard_all)
        connection.connection.prepare_threshold = prepare
        rows["kiosk code lookup, new code"] = timed(code_lookup, args.runs)
        on_site = len(desk_on_site(reception=reception))
        board_rows = len(desk_board(reception=reception, filters=BoardFilters()).visits)
    return {
        "rows": rows,
        "provision_s": provision_s,
        "load_s": load_s,
        "total": total,
        "per": per,
        "desk_rows_by_triggers": by_triggers,
        "board_rows": board_rows,
        "on_site": on_site,
        "reception": reception.schema_name,
        "companies": [[company.schema_name, company.pk] for company in companies],
        "server": _server_version(),
    }


def _server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT split_part(version(), ' ', 2), EXISTS (SELECT FROM pg_extension WHERE extname = 'citus')"
        )
        postgres, citus = cursor.fetchone()
        if citus:
            cursor.execute("SELECT split_part(citus_version(), ' ', 2)")
            citus = cursor.fetchone()[0]
    return f"Citus {citus} on PostgreSQL {postgres}" if citus else f"PostgreSQL {postgres}"


# --- the schema move, on the cluster ---------------------------------------------------------------------------


def _move(cluster: Any, args: argparse.Namespace, citus: dict[str, Any]) -> dict[str, Any]:
    """Move the first company to the other worker while check-ins run for it and a company on each worker."""

    from tests.citus.moving import move_under_check_ins

    ids = {schema: pk for schema, pk in citus["companies"]}
    moved = citus["companies"][0][0]
    source = cluster.placement(moved)
    target = next(worker.port for worker in cluster.workers if worker.port != source)
    others = []
    for port in (source, target):
        other = next((s for s in ids if s != moved and s not in others and cluster.placement(s) == port), None)
        if other is not None:
            others.append(other)
    checking_in = [moved, *others]
    move = move_under_check_ins(cluster, schema=moved, target=target, checking_in=checking_in, settle=args.move_seconds)
    stored, failures, during, before, took = move.stored, move.failures, move.during, move.before, move.seconds

    counted: dict[str, dict[str, int]] = {}
    desk_missing: dict[str, set[int]] = {}
    with cluster.coordinator.connect() as conn:
        for schema, committed in stored.items():
            rows = [
                row[0]
                for row in conn.execute(
                    f"SELECT id FROM {schema}.visits_visit WHERE purpose = 'schema move'"
                ).fetchall()
            ]
            desk = _on_desk(conn, citus["reception"], ids[schema], set(rows) | set(committed))
            total = conn.execute(f"SELECT count(*) FROM {schema}.visits_visit").fetchone()[0]
            desk_missing[schema] = set(committed) - set(desk)
            counted[schema] = {
                "committed": len(committed),
                "during": during[schema],
                "failed": len(failures[schema]),
                "lost": len(set(committed) - set(rows)),
                "extra": len(rows) - len(set(rows) & set(committed)),
                "desk_lost": len(desk_missing[schema]),
                "desk_extra": len(desk) - len(set(desk) & set(committed)),
                "count_off": total - before[schema] - len(committed),
            }
    # A check-in missing from the desk: the desk's write from the worker (its own two-phase commit) may still be a
    # prepared transaction, which Citus's maintenance daemon commits later (citus.recover_2pc_interval, 1 min).
    prepared = {node.name: _prepared_count(node) for node in cluster.nodes}
    late_seconds, late_missing = 0.0, sum(len(m) for m in desk_missing.values())
    waited = time.perf_counter()
    while late_missing and time.perf_counter() - waited < LATE_WAIT_SECONDS:
        time.sleep(5)
        with cluster.coordinator.connect() as conn:
            late_missing = sum(
                len(missing - set(_on_desk(conn, citus["reception"], ids[schema], missing)))
                for schema, missing in desk_missing.items()
            )
        late_seconds = time.perf_counter() - waited
    first_failure = next((f[0] for f in failures.values() if f), "")
    return {
        "moved": moved,
        "visits": before[moved],
        "seconds": took,
        "arrived": cluster.placement(moved) == target,
        "same_worker": others[0] if others and cluster.placement(others[0]) == source else "",
        "counted": counted,
        "first_failure": first_failure,
        "missing_ids": {schema: sorted(missing) for schema, missing in desk_missing.items() if missing},
        "prepared": prepared,
        "late_seconds": late_seconds,
        "late_missing": late_missing,
    }


def _on_desk(conn: Any, reception: str, company_id: int, visit_ids: set[int]) -> list[int]:
    """Which of a company's visits are on its building's desk (the read model)."""
    return [
        row[0]
        for row in conn.execute(
            f"SELECT visit_id FROM {reception}.readmodel_visit WHERE company_id = %s AND visit_id = ANY(%s)",
            [company_id, sorted(visit_ids)],
        ).fetchall()
    ]


def _prepared_count(node: Any) -> int:
    """Prepared transactions waiting on a node (a two-phase commit's second phase not yet run)."""
    with node.connect() as conn:
        row = conn.execute("SELECT count(*) FROM pg_prepared_xacts").fetchone()
    return int(row[0]) if row else 0


# --- the report ---------------------------------------------------------------------------------------------------


def _report(
    args: argparse.Namespace,
    citus: dict[str, Any],
    single: dict[str, Any],
    move: dict[str, Any],
    *,
    load: tuple[float, float],
    took: float,
) -> None:
    from tests.bench.desk_reads import p95

    print(
        f"\n{args.companies} companies in one building, {citus['total']} visits ({args.today} today), "
        f"{citus['board_rows']} on today's board (limit 500), {citus['on_site']} on site; {args.runs} runs each, "
        f"milliseconds\ncluster: {citus['server']}, a coordinator and 2 workers; single: {single['server']}"
    )
    print(f"  {'query':30} {'citus med':>9} {'p95':>7} {'single med':>10} {'p95':>7} {'ratio':>6}  goal")
    for name, spread in citus["rows"].items():
        baseline = single["rows"][name]
        median, ratio = statistics.median(spread), statistics.median(spread) / statistics.median(baseline)
        if "code" in name:
            goal, met = f"< {GOAL_CODE_MS} ms", median < GOAL_CODE_MS
        else:
            goal, met = f"< {GOAL_READ_MS} ms, within {GOAL_RATIO}x", median < GOAL_READ_MS and ratio <= GOAL_RATIO
        print(f"  {name:30} {median:9.1f} {p95(spread):7.1f} {statistics.median(baseline):10.1f} "
              f"{p95(baseline):7.1f} {ratio:5.2f}x  {goal} {'met' if met else 'NOT met'}")  # fmt: skip
    print(f"  provisioning {args.companies} companies: {citus['provision_s']:.1f} s on the cluster, "
          f"{single['provision_s']:.1f} s on one server; loading the visits: {citus['load_s']:.1f} s and "
          f"{single['load_s']:.1f} s; desk rows written by the triggers: {citus['desk_rows_by_triggers']} and "
          f"{single['desk_rows_by_triggers']} of {citus['total']}")  # fmt: skip

    counted = move["counted"]
    mine = counted[move["moved"]]
    others = [schema for schema in counted if schema != move["moved"]]
    print(
        f"\ncitus_schema_move of {move['moved']} ({move['visits']} visits) to the other worker: {move['seconds']:.1f} s"
        f"{'' if move['arrived'] else ', NOT on the other worker afterwards'}"
    )
    print(f"  {'check-ins of':24} {'committed':>9} {'during':>7} {'failed':>6} {'lost':>5} {'extra':>5} "
          f"{'desk lost':>9} {'desk extra':>10}")  # fmt: skip
    for schema, c in counted.items():
        where = "moved" if schema == move["moved"] else ("same worker" if schema == move["same_worker"] else "other")
        print(f"  {f'{schema} ({where})':24} {c['committed']:9} {c['during']:7} {c['failed']:6} {c['lost']:5} "
              f"{c['extra']:5} {c['desk_lost']:9} {c['desk_extra']:10}")  # fmt: skip
    stored = sum(c["lost"] + c["extra"] + abs(c["count_off"]) for c in counted.values())
    on_desk = sum(c["desk_lost"] + c["desk_extra"] for c in counted.values())
    ran = mine["during"] > 0 and all(counted[s]["during"] > 0 for s in others)
    print(f"  every committed check-in stored once in its company: {'met' if stored == 0 else 'NOT met'}; "
          f"on the desk when the count ran: {'met' if on_desk == 0 else 'NOT met'}"
          f"{'' if ran else ' (but not every company checked in during the move)'}")  # fmt: skip
    if move["missing_ids"]:
        appeared = "all of them on the desk" if not move["late_missing"] else f"{move['late_missing']} still missing"
        print(f"  missing from the desk at once: {move['missing_ids']}; prepared transactions then: "
              f"{move['prepared']}; {move['late_seconds']:.0f} s later {appeared}")  # fmt: skip
    if move["first_failure"]:
        print(f"  first failed check-in: {move['first_failure']}")
    print(f"\nload average {load[0]:.2f} before, {load[1]:.2f} after; {took / 60:.1f} minutes in all")


if __name__ == "__main__":
    main()
