"""32 concurrent desk and kiosk reads on a server whose shared lock table is too small for the old design.

PostgreSQL's shared lock table holds `max_locks_per_transaction` x (`max_connections` + `max_prepared_transactions`
+ the server's background slots) locks, shared by every transaction; what does not fit fails with "out of shared
memory". The desk once read `UNION ALL` views over every company's tables: 16 relation locks per company per read,
8,003 at 500 companies, and with the default 64 x (100 + 36 background slots on PostgreSQL 18) = 8,704 the second
concurrent reader ran the table out. The read model (tenant_apps/desk/read_model.py) reads two tables of the
reception schema.

Here, the same bound on a smaller building, with the lock table lowered in proportion, on a throw-away server
(tests/postgres_server.py): `max_locks_per_transaction` = 16, `max_connections` = 40, no prepared transactions,
no huge pages (their rounding would leave spare shared memory the table could grow into). PostgreSQL 18 sizes the
table for 40 connections plus 36 background slots (16 autovacuum, 2 special, 8 worker processes, 10 WAL senders):
16 x 76 = 1,216 locks; each backend also keeps 16 weak relation locks in its own fast-path slots (one group of 16
for `max_locks_per_transaction` 16), outside the table.

- The old cost with 30 companies: 30 x 16 + about 15 = 495 relation locks per read; 32 concurrent readers hold
  15,840, of which 32 x 16 = 512 fit the fast-path slots: 15,328 for a table of 1,216 (12.6 times too many; the
  third concurrent reader already overflows it). `test_the_old_cost_overflows_this_lock_table` takes 16 locks per
  company in 32 concurrent transactions on this server and gets "out of shared memory".
- The read model: a desk read (board, search, evacuation list) holds at most DESK_READ_LOCKS (20) relation locks,
  the kiosk's code lookup the same plus the visit, visitor and host tables of the one company holding the code
  (20 with their indexes today): at most 24 x 20 + 8 x 40 = 800 for the 32 readers, of which at most 288 beyond
  their fast-path slots; within the 1,216, and within the documented 16 x 40 = 640 even with no fast-path slot.
  Measured in one run: desk reads 14 to 18, code lookups 38 (20 of them in the company); the 32 readers held
  652 relation locks at once, 182 of them in the shared table, and none failed. The control: 14 of its 32
  transactions ran out of shared memory.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from tests.citus.product import manage, product_env
from tests.desk.lock_table import BUILDING, DESK_READ_LOCKS
from tests.postgres_server import Node, postgres_server

COMPANIES = 30
VISITS = 3  # each company's visits today, the first on site
READERS = 32
OLD_LOCKS_PER_COMPANY = 16  # what a read of the views took per company
SMALL_LOCK_TABLE = (
    "max_locks_per_transaction = 16\nmax_connections = 40\nmax_prepared_transactions = 0\nhuge_pages = off\n"
)


@dataclass
class LockHall:
    server: Node
    env: dict[str, str]
    codes: list[str]  # the visits' codes, for the kiosk's lookups


@pytest.fixture(scope="module")
def lock_hall() -> Iterator[LockHall]:
    """The product on the small server: migrated, one building of COMPANIES companies provisioned by its services."""
    with postgres_server(SMALL_LOCK_TABLE) as server:
        env = product_env(server.url())
        manage(env, "migrate_schemas", "--noinput", "-v", "0")
        provision = f"from tests.desk.lock_table import provision; provision({COMPANIES}, {VISITS})"
        out = manage(env, "shell", "-c", provision)
        yield LockHall(server=server, env=env, codes=json.loads(out.strip().splitlines()[-1])["codes"])


def test_32_concurrent_desk_and_kiosk_reads_fit_the_small_lock_table(lock_hall: LockHall) -> None:
    with lock_hall.server.connect() as conn:
        assert conn.execute("SHOW max_locks_per_transaction").fetchone() == ("16",)
    code = f"from tests.desk.lock_table import read; read({READERS}, {lock_hall.codes!r})"
    readers = json.loads(manage(lock_hall.env, "shell", "-c", code).strip().splitlines()[-1])["readers"]
    assert [reader for reader in readers if "error" in reader] == []
    expected = {"board": COMPANIES * VISITS, "search": COMPANIES * VISITS, "evacuation": COMPANIES, "code": 1}
    assert all(reader["rows"] == expected[reader["kind"]] for reader in readers), readers
    for reader in readers:
        building = sum(n for schema, (n, _shared) in reader["locks"].items() if schema in (BUILDING, "public"))
        companies = {schema for schema in reader["locks"] if schema not in (BUILDING, "public")}
        assert building <= DESK_READ_LOCKS, reader
        # The desk reads no company; the kiosk reads the visit in the one company that holds the code.
        assert len(companies) == (1 if reader["kind"] == "code" else 0), reader


def _company_tables(server: Node) -> dict[str, list[str]]:
    """OLD_LOCKS_PER_COMPANY tables of each company of the building."""
    with server.connect() as conn:
        rows = conn.execute(
            "SELECT schemaname, array_agg(format('%I.%I', schemaname, tablename) ORDER BY tablename) "
            "FROM pg_tables WHERE schemaname LIKE 'tenant\\_%' GROUP BY 1"
        ).fetchall()
    return {schema: tables[:OLD_LOCKS_PER_COMPANY] for schema, tables in rows}


def test_the_old_cost_overflows_this_lock_table(lock_hall: LockHall) -> None:
    """The control: 32 concurrent transactions each taking the old design's 16 relation locks per company (in the
    mode a read takes them) run the same server out of shared memory, so the test above proves the bound."""
    tables = _company_tables(lock_hall.server)
    assert len(tables) == COMPANIES and all(len(t) == OLD_LOCKS_PER_COMPANY for t in tables.values())
    errors: list[str] = []
    held = threading.Barrier(READERS, timeout=60)

    def reader() -> None:
        try:
            with psycopg.connect(lock_hall.server.url()) as conn:  # one transaction, rolled back at the end
                for company in tables.values():
                    conn.execute(f"LOCK TABLE {', '.join(company)} IN ACCESS SHARE MODE")
                held.wait()
        except psycopg.errors.OutOfMemory as error:  # SQLSTATE 53200: "out of shared memory"
            errors.append(str(error))
            held.abort()
        except threading.BrokenBarrierError:
            pass

    threads = [threading.Thread(target=reader) for _ in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors and all("out of shared memory" in error for error in errors), errors
