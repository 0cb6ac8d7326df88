"""Redis killed, frozen (SIGSTOP) or full while the lobby checks visitors in and a company registers visits:
the web tier answers every request within two seconds, /healthz all along, stores each visit once, and every
e-mail goes out exactly once after Redis is back, sent by the same worker, which nobody restarted.

The test copies its database and serves the copy with the production web process (gunicorn, production
settings) and a Celery worker with beat (the outbox sweep every 2 s; e-mails to a folder), both on a
redis-server of the test's own. Kiosks check walk-ins in for a host who wants an e-mail on each arrival
(three POSTs each, the host chosen on the kiosk), a member of the company registers visitors in the portal
(each gets an invitation e-mail), and a probe asks /healthz, before, during and after the fault. Every
answer is checked and timed; then every visit the web tier said it stored is in the database once, and the
folder holds one message per delivery of them (found by its idempotency key, the Message-ID).
"""

import datetime as dt
import json
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from django.utils import timezone

from tests.bench.load import Browser
from tests.conftest import PASSWORD
from tests.deploy.processes import ROOT, free_port, gunicorn
from tests.reliability.services import REDIS_FAULTS, CeleryWorker, DatabaseCopy, RedisServer, outbox_keys, wait_for

# Not wrapped in a transaction, whose session would keep the test database from being a template; no app's tables
# are flushed afterwards either (the processes write only to the copy).
# Alone: every answer within ANSWER_WITHIN, which another worker's test on the same cores could make late.
pytestmark = [pytest.mark.django_db(transaction=True, available_apps=["checkin"]), pytest.mark.alone]

ANSWER_WITHIN = 2.0  # seconds, for every request
FAULT_SECONDS = 8.0  # Redis stays away this long, longer than the web tier's pause after a failure (5 s)
KIOSKS = 6
# A message Redis took may still be lost: a frozen Redis hands it, once thawed, to the worker's BRPOP connection
# that the worker has meanwhile given up on. The sweep hands such a delivery over again after this long
# (production: 300 s, above the deliver task's time limit).
DELIVERY_TIMEOUT_SECONDS = 20
WALK_INS_PER_DEVICE = 30  # tenant_apps.kiosk.services.DEVICE_CHECK_INS: then the next paired kiosk


@dataclass
class Traffic:
    """The clients' answers: slow or unexpected ones, what each client was told it stored, by phase."""

    phase: str = "before"
    wrong: list[str] = field(default_factory=list)
    stored: dict[str, list[str]] = field(default_factory=lambda: {"kiosk": [], "portal": []})
    by_phase: Counter[str] = field(default_factory=Counter)  # "<client> <phase>" -> visits stored
    healthz: int = 0
    running: bool = True

    def check(self, what: str, answer: tuple[int, str, float], status: int, location: str = "") -> bool:
        got, where, seconds = answer
        ok = got == status and where.endswith(location) and seconds < ANSWER_WITHIN
        if not ok:
            self.wrong.append(f"{self.phase}: {what} answered {got} {where} in {seconds:.2f} s")
        return ok

    def store(self, client: str, name: str) -> None:
        self.stored[client].append(name)
        self.by_phase[f"{client} {self.phase}"] += 1

    def count(self, client: str) -> int:
        return len(self.stored[client])


def kiosk(port: int, tokens: list[str], company: int, host: int, traffic: Traffic) -> None:
    """Walk-ins for the host, one after another, through the kiosk's screens; the next device every 30."""
    number = 0
    for token in tokens:
        browser = Browser(port, "tower.localhost", {"checkin_kiosk": token})
        traffic.check("kiosk start", browser.request("GET", "/kiosk/"), 200)
        for _ in range(WALK_INS_PER_DEVICE):
            if not traffic.running:
                return
            number += 1
            name = f"K{number}"
            steps = [
                ("/kiosk/language/", {"language": "en"}),
                ("/kiosk/walk-in/", {"company": str(company)}),
                ("/kiosk/walk-in/host/", {"host": str(host)}),
            ]
            if all(traffic.check(path, browser.request("POST", path, form), 302) for path, form in steps):
                details = {"first_name": "Fault", "last_name": name, "email": f"{name.lower()}@walk-in.example",
                           "phone": "+32470123456", "visitor_company": "", "accept_notice": "on",
                           "accept_rules": "on"}  # fmt: skip
                answer = browser.request("POST", "/kiosk/walk-in/details/", details)
                if traffic.check(f"walk-in {name}", answer, 302, "/kiosk/done/"):
                    traffic.store("kiosk", name)
            time.sleep(0.2)
    traffic.wrong.append("the kiosks ran out of walk-ins: pair more (KIOSKS)")


def portal(port: int, host: int, traffic: Traffic) -> None:
    """A member of acme registering visitors, each with an e-mail address: an invitation per visit."""
    member = Browser(port, "acme.localhost")
    traffic.check("login page", member.request("GET", "/accounts/login/"), 200)
    login = {"username": "member@acme.example", "password": PASSWORD}
    traffic.check("sign-in", member.request("POST", "/accounts/login/", login), 302)
    number = 0
    while traffic.running:
        number += 1
        name = f"P{number}"
        start = timezone.localtime() + dt.timedelta(hours=1)
        end = start + dt.timedelta(hours=1)
        form = {
            "first_name": "Portal", "last_name": name, "email": f"{name.lower()}@visitor.example", "phone": "",
            "company_name": "", "language": "en", "host": str(host), "purpose": "",
            "expected_start": f"{start:%Y-%m-%dT%H:%M}", "expected_end": f"{end:%Y-%m-%dT%H:%M}",
        }  # fmt: skip
        answer = member.request("POST", "/visits/new/", form)
        if traffic.check(f"registration {name}", answer, 302, "/"):
            traffic.store("portal", name)
        time.sleep(0.2)


def probe(port: int, traffic: Traffic) -> None:
    browser = Browser(port, "tower.localhost")
    while traffic.running:
        traffic.check("/healthz", browser.request("GET", "/healthz"), 200)
        traffic.healthz += 1
        time.sleep(0.1)


def _stored(url: str, first_name: str) -> dict[str, tuple[int, int]]:
    """Visitors of that first name by last name: (their visits, their check-ins)."""
    with psycopg.connect(url, autocommit=True) as db:
        rows = db.execute(
            "SELECT p.last_name, count(DISTINCT v.id), count(e.id) FILTER (WHERE e.kind = 'checked_in')"
            " FROM acme.visits_visitor p JOIN acme.visits_visit v ON v.visitor_id = p.id"
            " LEFT JOIN acme.visits_visitevent e ON e.visit_id = v.id"
            " WHERE p.first_name = %s GROUP BY p.last_name",
            [first_name],
        ).fetchall()
    return {name: (visits, check_ins) for name, visits, check_ins in rows}


def _deliveries(url: str) -> dict[str, str]:
    """idempotency key -> status of the e-mails of the test's visits (the host's and the invitations)."""
    with psycopg.connect(url, autocommit=True) as db:
        rows = db.execute(
            "SELECT d.idempotency_key::text, d.status FROM acme.notifications_delivery d"
            " JOIN acme.visits_visit v ON v.id = d.visit_id JOIN acme.visits_visitor p ON p.id = v.visitor_id"
            " WHERE p.first_name IN ('Fault', 'Portal') AND d.kind IN ('host_email', 'invitation')"
        ).fetchall()
    return dict(rows)


@dataclass
class Lobby:
    """The copy set up for the test: paired kiosks, the host to notify, the services serving it."""

    copy: DatabaseCopy
    tokens: list[str]
    company: int
    host: int
    port: int
    worker: CeleryWorker
    outbox: Path


@pytest.fixture
def lobby(database_copy: DatabaseCopy, own_redis: RedisServer, tmp_path: Path) -> Iterator[Lobby]:
    made = subprocess.run(
        [sys.executable, "-m", "tests.reliability.lobby_setup", str(KIOSKS)],
        cwd=ROOT, env={**database_copy.env, "DJANGO_SETTINGS_MODULE": "checkin.settings", "REDIS_URL": ""},
        check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    setup = json.loads(made.stdout)
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    env = {**database_copy.env, "REDIS_URL": own_redis.url}
    worker = CeleryWorker(
        env={**env, "DJANGO_SETTINGS_MODULE": "tests.reliability.worker_settings", "LOG_LEVEL": "INFO",
             "CHECKIN_TEST_OUTBOX": str(outbox), "CHECKIN_DELIVERY_TIMEOUT_SECONDS": str(DELIVERY_TIMEOUT_SECONDS)},
        log=tmp_path / "worker.log", extra_args=("--beat", "--schedule", str(tmp_path / "beat-schedule")),
    )  # fmt: skip
    worker.start()
    port = free_port()
    try:
        with gunicorn({**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "3"}, port):
            yield Lobby(database_copy, setup["tokens"], setup["company"], setup["host"], port, worker, outbox)
    finally:
        own_redis.thaw()
        worker.stop()


@pytest.mark.parametrize("fault", REDIS_FAULTS)
def test_the_web_tier_answers_stores_once_and_notifies_once_through_a_redis_fault(lobby, own_redis, fault):
    traffic = Traffic()
    clients: list[Callable[[], None]] = [
        lambda: kiosk(lobby.port, lobby.tokens, lobby.company, lobby.host, traffic),
        lambda: portal(lobby.port, lobby.host, traffic),
        lambda: probe(lobby.port, traffic),
    ]
    threads = [threading.Thread(target=client, daemon=True) for client in clients]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: (traffic.count("kiosk") >= 3 and traffic.count("portal") >= 2) or bool(traffic.wrong),
                 "the first visits", timeout=60)  # fmt: skip
        assert traffic.wrong == []
        wait_for(lambda: len(outbox_keys(lobby.outbox)) >= 3, "the first e-mails", timeout=60)
        go_wrong, come_back = REDIS_FAULTS[fault]
        traffic.phase = "during"
        go_wrong(own_redis)
        time.sleep(FAULT_SECONDS)
        come_back(own_redis)
        traffic.phase = "after"
        kiosk_before, portal_before = traffic.count("kiosk"), traffic.count("portal")
        wait_for(lambda: (traffic.count("kiosk") >= kiosk_before + 3 and traffic.count("portal") >= portal_before + 2)
                 or bool(traffic.wrong), "visits after Redis is back", timeout=60)  # fmt: skip
    finally:
        traffic.running = False
        for thread in threads:
            thread.join(timeout=30)

    assert traffic.wrong == [], traffic.wrong[:20]
    assert traffic.by_phase["kiosk during"] >= 3 and traffic.by_phase["portal during"] >= 2, traffic.by_phase
    assert traffic.healthz >= FAULT_SECONDS * 5
    # Each visit the web tier said it stored is there once, checked in once (walk-ins); nothing else was stored.
    assert _stored(lobby.copy.url, "Fault") == {name: (1, 1) for name in traffic.stored["kiosk"]}
    assert _stored(lobby.copy.url, "Portal") == {name: (1, 0) for name in traffic.stored["portal"]}

    # The outbox sweep hands over what Redis could not take (30 s after it was stored) or lost (DELIVERY_TIMEOUT_SECONDS
    # after it took it), every 2 s here.
    expected = traffic.count("kiosk") + traffic.count("portal")
    try:
        wait_for(lambda: list(_deliveries(lobby.copy.url).values()) == ["sent"] * expected, "every e-mail", timeout=120)
    except AssertionError:
        statuses = Counter(_deliveries(lobby.copy.url).values())
        raise AssertionError(f"{expected} e-mails expected, {statuses}:\n{lobby.worker.output()[-5000:]}") from None
    assert lobby.worker.process is not None and lobby.worker.process.poll() is None, "the worker exited"
    deliveries = _deliveries(lobby.copy.url)
    sent = Counter(key for key in outbox_keys(lobby.outbox) if key in deliveries)
    assert sent == Counter(deliveries.keys()), "one message per delivery: none lost, none sent twice"
