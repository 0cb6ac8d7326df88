"""The one advisory-lock helper: two connections contend for the same pair of keys."""

import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
from django.db import connection, transaction

from shared_apps.database.locks import LockKey, nobody_holds, session_lock, transaction_lock
from tests.committed import outside_the_test_transaction
from tests.deploy.processes import current_test_database_url


@pytest.fixture
def other(db: None) -> Iterator[psycopg.Connection]:
    """Another process's session on the test database."""
    with psycopg.connect(current_test_database_url(), autocommit=True) as session:
        yield session


def _other_holds(other: psycopg.Connection, key: LockKey, name: str) -> bool:
    """Whether `other` can not take the lock now (it takes it and gives it back when it can)."""
    (free,) = other.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", [key, name]).fetchone()  # type: ignore[misc]
    if free:
        other.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", [key, name])
    return not free


def test_a_session_lock_is_refused_while_another_session_holds_it_and_given_once_it_lets_go(other):
    other.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [LockKey.PURGE, "acme"])
    with session_lock(LockKey.PURGE, "acme") as acquired:
        assert not acquired
    assert not nobody_holds(LockKey.PURGE, "acme")
    with session_lock(LockKey.PURGE, "globex") as acquired:  # another name is another lock
        assert acquired
    other.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", [LockKey.PURGE, "acme"])
    with session_lock(LockKey.PURGE, "acme") as acquired:
        assert acquired
        assert _other_holds(other, LockKey.PURGE, "acme")
    assert not _other_holds(other, LockKey.PURGE, "acme")  # released at the end of the block
    assert nobody_holds(LockKey.PURGE, "acme")


def test_the_first_key_tells_locks_of_two_features_apart(other):
    other.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [LockKey.EXPORT, "acme"])
    with session_lock(LockKey.PURGE, "acme") as acquired:
        assert acquired


def test_a_session_lock_waits_for_the_holder_up_to_its_wait(other):
    other.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [LockKey.EXPORT, "acme:1"])
    started = time.monotonic()
    with session_lock(LockKey.EXPORT, "acme:1", wait_seconds=0.5) as acquired:
        assert not acquired
    assert time.monotonic() - started >= 0.5

    release = threading.Timer(0.3, other.execute, ["SELECT pg_advisory_unlock_all()"])
    release.start()
    try:
        with session_lock(LockKey.EXPORT, "acme:1", wait_seconds=10) as acquired:
            assert acquired
    finally:
        release.join()


def test_a_session_lock_without_a_bound_waits_as_long_as_it_takes(other, tower):
    other.execute("SELECT pg_advisory_lock(%s, %s)", [LockKey.DESK_READ_MODEL, tower.pk])  # an id is used as it is
    release = threading.Timer(0.3, other.execute, ["SELECT pg_advisory_unlock_all()"])
    started = time.monotonic()
    release.start()
    try:
        with session_lock(LockKey.DESK_READ_MODEL, tower.pk, wait_seconds=None) as acquired:
            assert acquired and time.monotonic() - started >= 0.3
    finally:
        release.join()


def test_a_transaction_lock_is_held_until_the_transaction_ends(other):
    with transaction.atomic():
        assert transaction_lock(LockKey.SPARE_SCHEMA, "_spare_company_x", wait=False)
        assert _other_holds(other, LockKey.SPARE_SCHEMA, "_spare_company_x")
        with transaction.atomic():  # a savepoint's end is not the transaction's
            assert transaction_lock(LockKey.SPARE_SCHEMA, "_spare_company_y")
        assert _other_holds(other, LockKey.SPARE_SCHEMA, "_spare_company_y")
    # The test's own transaction is still open: a lock held by another transaction is refused without waiting.
    other.execute("BEGIN")
    other.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [LockKey.SPARE_SCHEMA, "_spare_company_z"])
    with transaction.atomic():
        assert not transaction_lock(LockKey.SPARE_SCHEMA, "_spare_company_z", wait=False)
    other.execute("COMMIT")
    with transaction.atomic():
        assert transaction_lock(LockKey.SPARE_SCHEMA, "_spare_company_z", wait=False)


def test_a_transaction_lock_outside_a_transaction_is_refused_and_inside_one_goes_with_it(other):
    def outside_any_transaction() -> bool:
        with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
            transaction_lock(LockKey.SPARE_SCHEMA, "_spare_company_x")
        with transaction.atomic():
            transaction_lock(LockKey.SPARE_SCHEMA, "_spare_company_x")
            held_inside = _other_holds(other, LockKey.SPARE_SCHEMA, "_spare_company_x")
        return held_inside and not _other_holds(other, LockKey.SPARE_SCHEMA, "_spare_company_x")

    assert outside_the_test_transaction(outside_any_transaction)


def test_a_session_lock_outlives_the_transactions_of_its_block(other):
    # Behind PgBouncer in transaction mode a session-level lock would be gone after the statement that took it.
    with session_lock(LockKey.PURGE, "acme") as acquired:
        assert acquired
        for _ in range(3):
            with transaction.atomic():
                connection.cursor().execute("SELECT 1")
        assert _other_holds(other, LockKey.PURGE, "acme")
    assert not _other_holds(other, LockKey.PURGE, "acme")


def test_the_holder_s_own_locks_of_the_same_pair_go_through_and_others_wait(other):
    with session_lock(LockKey.DESK_READ_MODEL, 7, wait_seconds=None):
        assert not nobody_holds(LockKey.DESK_READ_MODEL, 7)  # held, by this thread
        with session_lock(LockKey.DESK_READ_MODEL, 7) as again:
            assert again
        with transaction.atomic():
            assert transaction_lock(LockKey.DESK_READ_MODEL, 7, wait=False)
        (free,) = other.execute("SELECT pg_try_advisory_lock(%s, %s)", [LockKey.DESK_READ_MODEL, 7]).fetchone()
        assert not free
    assert nobody_holds(LockKey.DESK_READ_MODEL, 7)


def test_a_killed_holder_holds_nothing(other):
    holder = psycopg.connect(current_test_database_url(), autocommit=True)
    holder.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [LockKey.EXPORT, "acme:9"])
    assert not nobody_holds(LockKey.EXPORT, "acme:9")
    other.execute("SELECT pg_terminate_backend(%s)", [holder.info.backend_pid])
    with session_lock(LockKey.EXPORT, "acme:9", wait_seconds=5) as acquired:
        assert acquired
