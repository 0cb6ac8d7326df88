"""A big building's rows and the timing of the desk's reads, shared by tests/bench/desk.py and scaleout.py.

The rows are generated with set-based SQL in each company schema, so the companies' triggers fill the building's
read model as the rows go in, as they do in production. Django must be set up before the functions run.
"""

import time
from collections.abc import Callable
from typing import Any

HOSTS_PER_COMPANY = 10
# First names and last names the generated visitors get; a desk's search texts start with them.
NAMES = ["Marie", "Pieter", "Anna", "James", "Lena", "Tom", "Sophie", "Jan", "Eva", "Luc", "Lambert", "Claes"]

# One company's rows, generated in its schema: {per} visits, the first {today} of them today. The code column
# holds `lpad(company id, 4) || lpad(visit id, 6)` in place of a digest, which the desk's lookup matches as is.
# Each table's rows are made by SQL (a SELECT of generate_series) as a VALUES list, then inserted by one
# INSERT ... VALUES: on Citus that statement runs whole on the schema's worker, as a company's own writes do, and
# the desk's triggers fire there. An INSERT ... SELECT does not: generated on the coordinator, its rows reached
# the worker by COPY, and committing that, once the triggers had written the reception schema on the other
# worker, crashed the worker (signal 11); pushed down to the worker (reading a table of the schema), Citus 14.0.1
# sent it with `WHERE ( IS NOT NULL)` appended, a syntax error (seen with tests/bench/scaleout.py).
_HOST = ("visits_host", "{hosts}", {
    "id": "n", "name": "'Host ' || n || ' {slug}'", "is_active": "true", "email": "''", "phone": "''",
    "notify_by": "'email'",
})  # fmt: skip
_VISITOR = ("visits_visitor", "{per}", {
    "id": "n",
    "first_name": "(ARRAY['Marie','Pieter','Anna','James','Lena','Tom','Sophie','Jan','Eva','Luc'])[1 + (n * 7) % 10]",
    "last_name": "(ARRAY['Lambert','De Smet','Müller','Carter','Schmidt','Janssens','Dubois','Peeters','Maes',"
                 "'Claes'])[1 + (n * 13) % 10]",
    "email": "''", "phone": "''", "company_name": "'Org'", "language": "'en'",
})  # fmt: skip
# A visit's start and state, from its number n: the first {today} today, the others over the past year.
_START = """(CASE WHEN n <= {today} THEN {day}::timestamptz + interval '8 hours' + (n * 37 % 600) * interval '1 minute'
     ELSE {day}::timestamptz - (1 + n % 364) * interval '1 day' - (n % 600) * interval '1 minute' END)"""
_STATE = """(CASE WHEN n <= {today} THEN (ARRAY['expected','on_site','left'])[1 + n % 3]
     ELSE (ARRAY['left','left','left','left','left','left','left','left','cancelled','no_show'])[1 + n % 10] END)"""
_VISIT = ("visits_visit", "{per}", {
    "id": "n", "visitor_id": "n", "host_id": "1 + n % {hosts}", "expected_start": _START,
    "expected_end": f"{_START} + interval '2 hours'", "state": _STATE,
    "checked_in_at": f"CASE WHEN {_STATE} IN ('on_site', 'left') THEN {_START} END",
    "checked_out_at": f"CASE WHEN {_STATE} = 'left' THEN {_START} + interval '2 hours' END",
    "code_digest": "lpad({company}::text, 4, '0') || lpad(n::text, 6, '0')", "purpose": "''",
    "channel": "'invitation'", "consent_notice_version": "''", "consent_channel": "''", "rules_version": "''",
    "auto_checked_out": "false", "created_at": "now()", "updated_at": "now()", "licence_plate": "''",
})  # fmt: skip
_SEQUENCES = """
SELECT setval(pg_get_serial_sequence('{s}.visits_visit', 'id'), {per} + 1, false);
SELECT setval(pg_get_serial_sequence('{s}.visits_visitor', 'id'), {per} + 1, false);
SELECT setval(pg_get_serial_sequence('{s}.visits_host', 'id'), {hosts} + 1, false);
"""


def company_rows_load(cursor: Any, company: Any, *, per: int, today: int, day: Any) -> None:
    """Write one company's rows (a Tenant's) into its schema, `day` being the building's day start."""
    values = {"s": f'"{company.schema_name}"', "slug": company.slug, "company": company.pk,
              "hosts": HOSTS_PER_COMPANY, "per": per, "today": today}  # fmt: skip
    for table, count, columns in (_HOST, _VISITOR, _VISIT):
        rows = ", ".join(["%L"] * len(columns))
        select = f"SELECT string_agg(format('({rows})', {', '.join(columns.values())}), ', ') "
        select += f"FROM generate_series(1, {count}) n"
        cursor.execute(select.replace("%", "%%").format(**values, day="%(day)s"), {"day": day})
        listed = cursor.fetchone()[0]
        cursor.execute(f"INSERT INTO {values['s']}.{table} ({', '.join(columns)}) VALUES {listed}")
    cursor.execute(_SEQUENCES.format(**values))


def stored_code(company_id: int, visit_id: int) -> str:
    """What COMPANY_ROWS stores in a visit's code column."""
    return f"{company_id:04d}{visit_id:06d}"


def fresh_search(n: int) -> str:
    """A search text the desk has not typed before (run n; "warm" for the warm-up run)."""
    return f"{NAMES[n % len(NAMES)][: 3 + n % 3]} {n}" if n >= 0 else "warm"


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def timed(run: Callable[[int], object], runs: int, before: Callable[[], object] | None = None) -> list[float]:
    """Milliseconds of `runs` calls of run(n), after one untimed call (a desk polling every few seconds)."""
    run(-1)
    times = []
    for n in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        run(n)
        times.append((time.perf_counter() - start) * 1000)
    return times


def new_connection() -> None:
    """A new server connection, its catalogue cache empty: the read that follows is timed, not the connect."""
    from django.db import connection, connections

    connections["default"].close()
    connection.ensure_connection()


def discard_all() -> None:
    """What PgBouncer in transaction mode sends between transactions: nothing stays planned or set."""
    from django.db import connection

    from shared_apps.database.connection import tenant_connection

    connection.ensure_connection()
    connection.connection.execute("DISCARD ALL")  # alone, outside a transaction, as PgBouncer sends it
    tenant_connection().preamble_forget()
