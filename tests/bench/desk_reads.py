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
COMPANY_ROWS = """
INSERT INTO {s}.visits_host (id, name, is_active, email, phone, notify_by)
SELECT n, 'Host ' || n || ' {slug}', true, '', '', 'email' FROM generate_series(1, {hosts}) n;
INSERT INTO {s}.visits_visitor (id, first_name, last_name, email, phone, company_name, language)
SELECT n, (ARRAY['Marie','Pieter','Anna','James','Lena','Tom','Sophie','Jan','Eva','Luc'])[1 + (n * 7) % 10],
       (ARRAY['Lambert','De Smet','Müller','Carter','Schmidt','Janssens','Dubois','Peeters','Maes','Claes'])
           [1 + (n * 13) % 10],
       '', '', 'Org', 'en'
FROM generate_series(1, {per}) n;
INSERT INTO {s}.visits_visit (id, visitor_id, host_id, expected_start, expected_end, state, checked_in_at,
    checked_out_at, code_digest, purpose, channel, consent_notice_version, consent_channel, rules_version,
    auto_checked_out, created_at, updated_at, licence_plate)
SELECT n, n, 1 + n % {hosts}, st, st + interval '2 hours', state,
       CASE WHEN state IN ('on_site', 'left') THEN st END, CASE WHEN state = 'left' THEN st + interval '2 hours' END,
       lpad({company}::text, 4, '0') || lpad(n::text, 6, '0'), '', 'invitation', '', '', '', false, now(), now(), ''
FROM (SELECT n,
        CASE WHEN n <= {today} THEN %(day)s::timestamptz + interval '8 hours' + (n * 37 % 600) * interval '1 minute'
             ELSE %(day)s::timestamptz - (1 + n % 364) * interval '1 day' - (n % 600) * interval '1 minute' END AS st,
        CASE WHEN n <= {today} THEN (ARRAY['expected','on_site','left'])[1 + n % 3]
             ELSE (ARRAY['left','left','left','left','left','left','left','left','cancelled','no_show'])[1 + n % 10]
        END AS state
      FROM generate_series(1, {per}) n) g;
SELECT setval(pg_get_serial_sequence('{s}.visits_visit', 'id'), {per} + 1, false);
SELECT setval(pg_get_serial_sequence('{s}.visits_visitor', 'id'), {per} + 1, false);
SELECT setval(pg_get_serial_sequence('{s}.visits_host', 'id'), {hosts} + 1, false);
""".replace(" % ", " %% ")


def company_rows_sql(company: Any, *, per: int, today: int) -> str:
    """COMPANY_ROWS for one company (a Tenant), to run with {"day": the building's day start}."""
    return COMPANY_ROWS.format(
        s=f'"{company.schema_name}"', slug=company.slug, company=company.pk, hosts=HOSTS_PER_COMPANY, per=per,
        today=today,
    )  # fmt: skip


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
