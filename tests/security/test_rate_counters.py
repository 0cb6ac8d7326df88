"""The rate limits' shared counters (shared_apps/login_throttle/counters.py): one count per key and window, in
public.rate_counter, pruned once their window is over. Across processes: tests/many_workers/."""

import pytest
from django.conf import settings
from django.db import connection

from shared_apps.login_throttle.counters import (
    counter_forgive,
    counter_hit,
    counters_hit_in_turn,
    rate_counters_prune,
)


@pytest.fixture(autouse=True)
def no_counts_of_other_tests(db: None) -> None:
    """Servers started by other tests commit their counts (the table is outside any test's transaction): start
    from none, inside this test's transaction, so nothing is lost for the tests after it."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM public.rate_counter")


def _rows() -> list[tuple[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, count FROM public.rate_counter ORDER BY key")
        return list(cursor.fetchall())


def test_each_hit_gets_its_own_count(db):
    assert [counter_hit("test:a", window=600) for _ in range(4)] == [1, 2, 3, 4]
    assert counter_hit("test:b", window=600) == 1  # another key, its own count
    assert _rows() == [("test:a", 4), ("test:b", 1)]


def test_two_counters_in_turn_count_the_second_only_while_the_first_is_within_its_limit(db, django_assert_num_queries):
    """The kiosk's code lookup counts the device, then the code, in one round trip; a device past its limit no
    longer spends the code's attempts."""
    with django_assert_num_queries(1):
        assert counters_hit_in_turn("test:d", first_window=600, first_limit=2, then="test:c", then_window=3600) == (
            1,
            1,
        )
    assert counters_hit_in_turn("test:d", first_window=600, first_limit=2, then="test:c", then_window=3600) == (2, 2)
    assert counters_hit_in_turn("test:d", first_window=600, first_limit=2, then="test:c", then_window=3600) == (
        3,
        None,
    )
    assert _rows() == [("test:c", 2), ("test:d", 3)]
    assert counter_hit("test:c", window=3600) == 3  # the same rows as counter_hit's


def test_forgiving_takes_back_one_count_never_below_zero(db):
    counter_hit("test:a", window=600)
    counter_forgive("test:a", window=600)
    counter_forgive("test:a", window=600)
    counter_forgive("test:none", window=600)  # nothing counted: nothing to take back
    assert _rows() == [("test:a", 0)]
    assert counter_hit("test:a", window=600) == 1


def test_a_window_of_another_length_counts_apart(db):
    counter_hit("test:a", window=600)
    counter_hit("test:a", window=7)  # a window that started at another time: another row
    assert counter_hit("test:a", window=600) == 2


def test_the_table_is_unlogged(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpersistence FROM pg_class WHERE oid = 'public.rate_counter'::regclass")
        assert cursor.fetchone() == ("u",)


def test_windows_that_are_over_are_pruned(db):
    counter_hit("test:now", window=600)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO public.rate_counter (key, window_start, expires_at, count)"
            " VALUES ('test:old', now() - interval '2 hours', now() - interval '1 hour', 3)"
        )
    assert rate_counters_prune() == 1
    assert _rows() == [("test:now", 1)]


def test_the_prune_runs_hourly_on_beat():
    assert settings.CELERY_BEAT_SCHEDULE["rate-counters-prune"] == {
        "task": "login_throttle.rate_counters_prune",
        "schedule": 3600,
    }


@pytest.mark.parametrize(("key", "window"), [("", 60), ("k" * 201, 60), ("test:a", 0), ("test:a", -5)])
def test_bad_keys_and_windows_are_refused(db, key, window):
    with pytest.raises(ValueError, match="counter's"):
        counter_hit(key, window=window)
