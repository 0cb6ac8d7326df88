"""PostgreSQL restarts under load: a clear 503 meanwhile, nothing half-written, and service resumes by itself.

The test runs its own embedded PostgreSQL (a copy of the test database), the
production web process against it, and a process doing walk-in check-ins
through the visit services; then stops and starts that PostgreSQL.
"""

import threading
import urllib.error
import urllib.request

import psycopg
import pytest

from tests.deploy.processes import free_port, gunicorn, production_env
from tests.reliability.services import CheckIns, wait_for

pytestmark = pytest.mark.django_db


def _fetch(url: str) -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Host": "acme.localhost", "Accept-Language": "fr"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


class PageLoad:
    """Two browsers reloading the company's sign-in page (each load reads the tenant from the database)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.statuses: list[int] = []
        self.running = True
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(2)]

    def _run(self) -> None:
        while self.running:
            self.statuses.append(_fetch(self.url)[0])

    def __enter__(self) -> "PageLoad":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.running = False
        for thread in self.threads:
            thread.join(timeout=15)


def test_a_database_restart_gives_a_clear_503_loses_nothing_and_recovers(own_postgres, tmp_path):
    port = free_port()
    # Every page load reads its host's tenant from the database (no host cache), so every load needs it.
    env = production_env(
        database_url=own_postgres.url(),
        port=port,
        SECURE_SSL_REDIRECT="0",
        CONN_MAX_AGE="60",
        CHECKIN_HOST_CACHE_SECONDS="0",
    )
    with gunicorn(env, port) as base:
        page = f"{base}/accounts/login/"
        assert _fetch(page)[0] == 200
        loop_env = production_env(database_url=own_postgres.url())
        loop_env.pop("REDIS_URL", None)  # notifications, if any, run in-process: this test is about the database
        checkins = CheckIns(loop_env, tmp_path / "stop")
        try:
            with PageLoad(page) as load:
                wait_for(lambda: checkins.count("checked_in") >= 5 and len(load.statuses) >= 5, "load before")

                own_postgres.stop()
                status, body, headers = _fetch(page)
                assert status == 503
                assert "Temporairement indisponible" in body
                assert headers["Retry-After"] == "15"
                wait_for(lambda: checkins.count("failed") >= 1, "a check-in to fail while the database is down")
                done_before_start = checkins.count("checked_in")

                own_postgres.start()
                wait_for(lambda: _fetch(page)[0] == 200, "the web process to serve again, without a restart")
                wait_for(lambda: checkins.count("checked_in") >= done_before_start + 5, "check-ins to resume")
        finally:
            checkins.finish()

        # A restart while nobody asks: the connections the workers keep (CONN_MAX_AGE) are dead, and are
        # replaced before use (CONN_HEALTH_CHECKS) instead of failing the next request of each worker.
        own_postgres.stop()
        own_postgres.start()
        assert [_fetch(page)[0] for _ in range(6)] == [200] * 6

    statuses = set(load.statuses)
    assert statuses <= {200, 503}, f"never a 500: {sorted(statuses)}"
    assert load.statuses[-1] == 200

    registered = {int(line.split()[1]) for line in checkins.lines if line.startswith("registered")}
    checked_in = {int(line.split()[1]) for line in checkins.lines if line.startswith("checked_in")}
    with psycopg.connect(own_postgres.url(), autocommit=True) as db:
        db.execute("SET search_path = acme")
        visits: dict[int, str] = dict(
            db.execute("SELECT id, state FROM visits_visit WHERE channel = 'kiosk'").fetchall()
        )
        events = db.execute("SELECT visit_id, kind FROM visits_visitevent WHERE actor = 'kiosk:reliability'").fetchall()
        orphans = db.execute(
            "SELECT count(*) FROM visits_visitor v WHERE first_name = 'Walk-in'"
            " AND NOT EXISTS (SELECT 1 FROM visits_visit x WHERE x.visitor_id = v.id)"
        ).fetchone()
    # Every success that was reported is stored; nothing stored is half of a transaction.
    assert registered <= set(visits)
    assert checked_in <= {pk for pk, state in visits.items() if state == "on_site"}
    assert orphans == (0,), "a visitor without the visit created in the same transaction"
    for pk, state in visits.items():
        kinds = sorted(kind for visit_id, kind in events if visit_id == pk)
        assert kinds == (["checked_in", "registered"] if state == "on_site" else ["registered"]), (pk, state, kinds)
