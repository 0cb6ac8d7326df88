"""A company's schema moved to another worker while check-ins run for it and others: what each committed.

Shared by tests/citus/test_product.py and tests/bench/scaleout.py, which judge the counts each their own way.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import psycopg

from tests.citus.cluster import Cluster
from tests.citus.product import PREFIX

# A check-in as the kiosk stores it (state on_site, channel kiosk), as the company's role, in the caller's transaction:
# one INSERT ... VALUES, as the product's own writes are, which Citus runs whole on the schema's worker. Not an
# INSERT ... SELECT: Citus plans that on the coordinator and copies its rows to the worker, a path on which Citus
# 14.0.1 crashed a worker at commit once the desk's triggers had written the other worker (tests/bench/desk_reads.py;
# this test's move failed so once, "server closed the connection unexpectedly").
CHECK_IN = """
INSERT INTO visits_visit (expected_start, expected_end, purpose, state, checked_in_at, channel,
    consent_notice_version, consent_at, consent_channel, rules_version, auto_checked_out, created_at, updated_at,
    visitor_id, code_digest, licence_plate)
VALUES (now(), now() + interval '1 hour', 'schema move', 'on_site', now(), 'kiosk', '1', now(), 'kiosk', '', false,
    now(), now(), %s, md5(random()::text || clock_timestamp()::text), '')
RETURNING id
"""


def check_in(conn: psycopg.Connection) -> int:
    """Store one check-in of a visitor of the company whose schema and role the transaction has set; its id."""
    visitor = conn.execute("SELECT min(id) FROM visits_visitor").fetchone()
    assert visitor is not None and visitor[0] is not None, "the company has no visitor"
    row = conn.execute(CHECK_IN, [visitor[0]]).fetchone()
    assert row is not None
    return int(row[0])


@dataclass
class Move:
    stored: dict[str, list[int]]  # by schema: the ids of the check-ins that committed
    failures: dict[str, list[str]]  # by schema: the errors of those that did not
    # By schema: how many committed that began or ended while the move ran (the moving schema's wait for the
    # copy, which blocks its writes, and commit once the move is done: counted whatever the threads' timing).
    during: dict[str, int]
    before: dict[str, int]  # by schema: its visits before the check-ins began
    seconds: float  # the move's


def move_under_check_ins(cluster: Cluster, *, schema: str, target: int, checking_in: list[str], settle: float) -> Move:
    """Check visitors in, one transaction each as each company's role, for every schema of `checking_in`, while
    `schema` moves to the worker on port `target`, `settle` seconds after the check-ins begin and before they end.
    Writes blocked while the schema is copied, as deploy/README.md says to move: with the default mode (logical
    replication), check-ins written as INSERT ... VALUES (the product's writes) were lost, 6 and 7 of some 300
    committed in two runs; with block_writes none."""
    move = Move({s: [] for s in checking_in}, {s: [] for s in checking_in}, dict.fromkeys(checking_in, 0), {}, 0.0)
    moving, stop = threading.Event(), threading.Event()

    def check_ins(company: str) -> None:
        with psycopg.connect(cluster.url) as conn:
            while not stop.is_set():
                try:
                    began_moving = moving.is_set()
                    with conn.transaction():
                        conn.execute(f"SET LOCAL search_path = {company}, public")
                        conn.execute(f"SET LOCAL ROLE {PREFIX}_{company}")
                        visit_id = check_in(conn)
                    move.stored[company].append(visit_id)  # committed
                    if began_moving or moving.is_set():
                        move.during[company] += 1
                except psycopg.Error as error:  # not committed: must not be stored
                    move.failures[company].append(str(error).splitlines()[0])
                    time.sleep(0.05)

    with cluster.coordinator.connect() as conn:
        for company in checking_in:
            counted = conn.execute(f"SELECT count(*) FROM {company}.visits_visit").fetchone()
            move.before[company] = int(counted[0]) if counted else 0
    threads = [threading.Thread(target=check_ins, args=(company,)) for company in checking_in]
    for thread in threads:
        thread.start()
    try:
        time.sleep(settle)
        moving.set()
        with cluster.coordinator.connect() as conn:
            started = time.perf_counter()
            conn.execute(
                "SELECT citus_schema_move(%s, '127.0.0.1', %s, shard_transfer_mode => 'block_writes')", [schema, target]
            )
            move.seconds = time.perf_counter() - started
        moving.clear()
        time.sleep(settle)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    return move
