"""An upgrade's migrations over 100 company schemas while the lobby is in use: not one request fails.

The test copies its database, provisions companies there until the copy holds
100 company schemas (tests/reliability/upgrade_fleet.py), 30 of them in the
building whose lobby is used, and serves it with the production web process.
Two kiosks look invitation codes up (the code screen, then the confirmation
screen that reads the visit) and a desk reads the
board, in a loop, while the new release's migrate step runs as the image runs
it, `migrate_schemas --noinput --executor fleet`, with one migration more that
adds a column to the visit table (tests/reliability/upgrade_settings.py).
Every answer before, during and after must be the expected one.
"""

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg
import pytest

from tests.bench.load import BUILDING, Browser, desk_signed_in
from tests.deploy.processes import ROOT, free_port, gunicorn
from tests.reliability.services import DatabaseCopy, wait_for

# Not wrapped in a transaction, whose session would keep the test database from being a template; no app's tables
# are flushed afterwards either (the test writes only to its copy).
pytestmark = pytest.mark.django_db(transaction=True, available_apps=["checkin"])

COMPANY_SCHEMAS = 100
LOBBY_COMPANIES = 30
INVITATIONS = 400


def _company_schemas(url: str) -> int:
    with psycopg.connect(url) as db:
        row = db.execute("SELECT count(*) FROM tenancy_tenant WHERE type = 'company' AND building_id IS NOT NULL")
        return int(row.fetchone()[0])  # type: ignore[index]


def _tables_with_the_new_column(url: str) -> tuple[int, int]:
    """(visit tables, visit tables with badge_colour) over every schema."""
    with psycopg.connect(url) as db:
        row = db.execute(
            "SELECT count(*) FILTER (WHERE column_name = 'code_digest'),"
            " count(*) FILTER (WHERE column_name = 'badge_colour')"
            " FROM information_schema.columns WHERE table_name = 'visits_visit'"
        ).fetchone()
        return int(row[0]), int(row[1])  # type: ignore[index]


@dataclass
class Lobby:
    """Kiosks and a desk in a loop; every unexpected answer is kept, with the phase it came in.

    A code may be looked up CODE_ATTEMPTS times an hour: the kiosks go through all of them in turn.
    """

    port: int
    tokens: list[str]
    codes: list[str]
    phase: str = "before"
    answers: dict[str, int] = field(default_factory=dict)  # phase -> answers as expected
    failures: list[str] = field(default_factory=list)
    running: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _count(self, what: str, ok: bool) -> None:
        with self.lock:
            if ok:
                self.answers[self.phase] = self.answers.get(self.phase, 0) + 1
            else:
                self.failures.append(f"{self.phase}: {what}")

    def kiosk(self, number: int) -> None:
        browser = Browser(self.port, f"{BUILDING}.localhost", {"checkin_kiosk": self.tokens[number]})
        assert browser.request("GET", "/kiosk/")[0] == 200
        assert browser.request("POST", "/kiosk/language/", {"language": "en"})[0] == 302
        turn = number
        while self.running:
            code = self.codes[turn % len(self.codes)]
            turn += 2  # the other kiosk takes the other codes
            time.sleep(0.05)
            status, location, _ = browser.request("POST", "/kiosk/invitation/", {"code": code})
            self._count(f"code {code}: {status} {location}", status == 302 and location.endswith("/confirm/"))
            status, _, _ = browser.request("GET", "/kiosk/invitation/confirm/")
            self._count(f"confirmation of {code}: {status}", status == 200)

    def desk(self) -> None:
        desk = desk_signed_in(0, self.port)
        while self.running:
            status, _, _ = desk.request("GET", "/desk/board/")
            self._count(f"board: {status}", status == 200)
            time.sleep(0.05)

    def run(self) -> list[threading.Thread]:
        targets: list[Callable[[], None]] = [lambda: self.kiosk(0), lambda: self.kiosk(1), self.desk]
        threads = [threading.Thread(target=target, daemon=True) for target in targets]
        for thread in threads:
            thread.start()
        return threads


def test_migrate_schemas_over_100_companies_fails_no_kiosk_or_desk_request(database_copy: DatabaseCopy) -> None:
    others = COMPANY_SCHEMAS - LOBBY_COMPANIES - _company_schemas(database_copy.url)
    made = subprocess.run(
        [sys.executable, "-m", "tests.reliability.upgrade_fleet", str(LOBBY_COMPANIES), str(others), str(INVITATIONS)],
        cwd=ROOT, env={**database_copy.env, "DJANGO_SETTINGS_MODULE": "checkin.settings"},
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    fleet = json.loads(made.stdout)
    assert _company_schemas(database_copy.url) == COMPANY_SCHEMAS

    port = free_port()
    with gunicorn({**database_copy.env, "GUNICORN_BIND": f"127.0.0.1:{port}"}, port):
        lobby = Lobby(port, fleet["tokens"], fleet["codes"])
        threads = lobby.run()
        try:
            wait_for(lambda: lobby.answers.get("before", 0) >= 20 or bool(lobby.failures), "the lobby's first answers")
            lobby.phase = "during"
            migrate = subprocess.run(
                [sys.executable, "platform/manage.py", "migrate_schemas", "--noinput", "--executor", "fleet"],
                cwd=ROOT, env={**database_copy.env, "DJANGO_SETTINGS_MODULE": "tests.reliability.upgrade_settings"},
                capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            lobby.phase = "after"
            wait_for(lambda: lobby.answers.get("after", 0) >= 20 or bool(lobby.failures), "answers after the upgrade")
        finally:
            lobby.running = False
            for thread in threads:
                thread.join(timeout=30)

    assert migrate.returncode == 0, migrate.stderr[-3000:]
    visit_tables, migrated = _tables_with_the_new_column(database_copy.url)
    assert visit_tables == migrated > COMPANY_SCHEMAS  # every company schema, the template and the spares
    assert lobby.failures == []
    assert lobby.answers["during"] >= 10, lobby.answers  # the lobby was in use while the schemas migrated
