"""Kiosk check-ins under load, while desks poll the board: throughput, latency, and nothing lost or doubled.

Creates a throw-away database with one building of COMPANIES companies, a desk
account, kiosks paired through the pairing service and invitations for today;
serves it with the production web process (gunicorn with deploy/gunicorn.conf.py
and the production settings, WORKERS workers) on a spare loopback port; then

1. baseline: CONCURRENCY clients ask /healthz (no database) for --baseline-seconds;
2. load: CONCURRENCY kiosk clients check visitors in one after another for
   --seconds, alternating walk-ins and invitation codes, through the kiosk's
   real screens with its device cookie, session and CSRF token, while DESKS
   signed-in desk sessions read the board every --board-interval seconds.

A check-in is the kiosk's three POSTs (language, company or code, then the
details or the confirmation that stores it); with --screens the client also
GETs every screen in between, as a tablet's browser does. A check-in succeeds
when the last POST answers 302 to /kiosk/done/. At the end every visit in the
database is matched against those answers: lost (a success with no stored
check-in) and duplicated (one visitor checked in twice) must both be 0.
Each invitation names a host who wants an e-mail on arrival, so each invitation
check-in also writes a delivery: the notification lag (check-in to sent) is
measured by tests/bench/notification_lag.py, with a real Celery worker (the
image's command and default settings) on a redis-server of the bench's own,
against an idle baseline and the goal (p95 under 5 s). Mail goes to files.
With --no-host-email the invitations name no host and nothing is sent: what the
check-ins cost without their notifications, to tell the two apart.
Prints the figures, the ratio to the baseline, then drops the database.

    .venv/bin/python tests/bench/load.py [--seconds 20] [--concurrency 8] [--workers 4] [--desks 4]
        [--board-interval 5] [--companies 3] [--screens] [--rate 150] [--drain-seconds 60] [--eager] [--no-host-email]

Uses DATABASE_URL's server (the embedded PostgreSQL when unset, as dev.py does).
REDIS_URL is ignored. With --eager, no broker and no worker: Celery runs eagerly
in the web process, as it did before the lag was measured.
"""

import argparse
import http.client
import http.cookies
import math
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkin.settings")
if TYPE_CHECKING:
    from tests.bench.cpu_share import Snapshot
    from tests.bench.notification_lag import Pipeline

BUILDING = "loadbench"
DESK_EMAIL = "desk@loadbench.example"
PASSWORD = "load-bench-password-2026"  # throw-away accounts in a throw-away database
DESK_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # their authenticator secret (desk staff must use two factors)
CSRF_COOKIE = "__Host-checkin_csrf"  # production settings' cookie names


# --- HTTP -----------------------------------------------------------------------------------------


class Browser:
    """One browser on one host: cookies kept by hand (they are Secure; the proxy's HTTPS is faked by a header)."""

    def __init__(self, port: int, host: str, cookies: dict[str, str] | None = None) -> None:
        self.port, self.host = port, host
        self.cookies = dict(cookies or {})
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, float]:
        """(status, Location, seconds); status 0 when the connection failed."""
        headers = {"Host": self.host, "X-Forwarded-Proto": "https", "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies.get(CSRF_COOKIE, "")})
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{self.host}"}
        start = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            return 0, "", time.perf_counter() - start
        elapsed = time.perf_counter() - start
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers.get("Location", ""), elapsed


@dataclass
class Timings:
    """Latencies in seconds by kind, and answers by status, of one client thread."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[str] = field(default_factory=Counter)

    def add(self, kind: str, status: int, elapsed: float) -> None:
        self.seconds.setdefault(kind, []).append(elapsed)
        self.statuses[f"{kind} {status}"] += 1

    def merge(self, other: "Timings") -> None:
        for kind, values in other.seconds.items():
            self.seconds.setdefault(kind, []).extend(values)
        self.statuses.update(other.statuses)


# --- Kiosk clients ----------------------------------------------------------------------------------


@dataclass
class Outcomes:
    """What the kiosks were told: walk-in names and invitation codes, by whether the check-in succeeded."""

    walk_ins_ok: list[str] = field(default_factory=list)
    walk_ins_failed: list[str] = field(default_factory=list)
    codes_ok: list[str] = field(default_factory=list)
    codes_failed: list[str] = field(default_factory=list)

    def merge(self, other: "Outcomes") -> None:
        for name in ("walk_ins_ok", "walk_ins_failed", "codes_ok", "codes_failed"):
            getattr(self, name).extend(getattr(other, name))


class KioskClient:
    """One lobby tablet's browser after another (a pool of paired devices), checking visitors in until `deadline`."""

    def __init__(self, number: int, port: int, tokens: list[str], companies: list[int], codes: Iterator[str],
                 screens: bool) -> None:  # fmt: skip
        from tenant_apps.kiosk.services import DEVICE_CHECK_INS

        self.walk_in_limit = DEVICE_CHECK_INS[0]  # a device's walk-ins per window: use the next device after
        self.number, self.port, self.screens = number, port, screens
        self.tokens, self.companies, self.codes = tokens, companies, codes
        self.walk_ins = 0  # on the current device
        self.browser = self._device(tokens.pop())
        self.timings, self.outcomes = Timings(), Outcomes()

    def _device(self, token: str) -> Browser:
        browser = Browser(self.port, f"{BUILDING}.localhost", {"checkin_kiosk": token})
        status, _, _ = browser.request("GET", "/kiosk/")  # the session and CSRF cookies
        assert status == 200, f"kiosk start screen answered {status}"
        return browser

    def _step(self, kind: str, path: str, form: dict[str, str], screen: str = "") -> tuple[int, str]:
        """POST a form. With --screens, first GET the screen it is on unless a redirect just showed it,
        and follow the redirect that answers it, as the tablet's browser does."""
        if self.screens and screen:
            status, _, elapsed = self.browser.request("GET", screen)
            self.timings.add("screen", status, elapsed)
        status, location, elapsed = self.browser.request("POST", path, form)
        self.timings.add(kind, status, elapsed)
        if self.screens and status == 302:
            shown, _, elapsed = self.browser.request("GET", location)
            self.timings.add("screen", shown, elapsed)
        return status, location

    def _walk_in(self, name: str) -> bool:
        company = str(self.companies[self.walk_ins % len(self.companies)])
        self._step("step", "/kiosk/language/", {"language": "en"}, screen="/kiosk/")
        self._step("step", "/kiosk/walk-in/", {"company": company}, screen="/kiosk/walk-in/")
        details = {"first_name": "Load", "last_name": name, "visitor_company": "Bench", "phone": "",
                   "email": f"{name.lower()}@load.example", "accept_notice": "on", "accept_rules": "on"}  # fmt: skip
        status, location = self._step("check-in", "/kiosk/walk-in/details/", details)
        return status == 302 and location.endswith("/kiosk/done/")

    def _invited(self, code: str) -> bool:
        self._step("step", "/kiosk/language/", {"language": "en"}, screen="/kiosk/")
        self._step("step", "/kiosk/invitation/", {"code": code}, screen="/kiosk/invitation/")
        status, location = self._step("check-in", "/kiosk/invitation/confirm/",
                                      {"accept_notice": "on", "accept_rules": "on"})  # fmt: skip
        return status == 302 and location.endswith("/kiosk/done/")

    def _walk_in_device(self) -> bool:
        """A device that may still take a walk-in (the kiosk throttles walk-ins per device), else False."""
        if self.walk_ins < self.walk_in_limit:
            return True
        if not self.tokens:
            return False
        self.browser, self.walk_ins = self._device(self.tokens.pop()), 0
        return True

    def run(self, deadline: float) -> None:
        visitor = 0
        while time.perf_counter() < deadline:
            visitor += 1
            start = time.perf_counter()
            code = None if visitor % 2 and self._walk_in_device() else next(self.codes, None)
            if code is not None:
                ok = self._invited(code)
                (self.outcomes.codes_ok if ok else self.outcomes.codes_failed).append(code)
            elif self._walk_in_device():
                name = f"L{self.number}x{visitor}"
                self.walk_ins += 1
                ok = self._walk_in(name)
                (self.outcomes.walk_ins_ok if ok else self.outcomes.walk_ins_failed).append(name)
            else:
                print(f"kiosk client {self.number} ran out of devices and invitations: raise --rate")
                return
            self.timings.add("whole check-in", 302 if ok else 0, time.perf_counter() - start)


def desk_email(number: int) -> str:
    return DESK_EMAIL.replace("@", f"{number}@")


def desk_signed_in(number: int, port: int) -> Browser:
    """Desk account `number` signed in through the login form and the code step."""
    from shared_apps.accounts import totp

    desk = Browser(port, f"{BUILDING}.localhost")
    desk.request("GET", "/accounts/login/")
    status, _, _ = desk.request("POST", "/accounts/login/", {"username": desk_email(number), "password": PASSWORD})
    assert status == 302, f"the desk could not sign in ({status})"
    status, _, _ = desk.request("POST", "/accounts/two-factor/", {"code": totp.code_at(DESK_SECRET, totp.step_at())})
    assert status == 302, f"the desk's second factor was refused ({status})"
    return desk


def desk_poll(number: int, port: int, interval: float, deadline: float, timings: Timings) -> None:
    """A signed-in desk reading the board's live part as desk.js does."""
    desk = desk_signed_in(number, port)
    while time.perf_counter() < deadline:
        status, _, elapsed = desk.request("GET", "/desk/board/")
        timings.add("board", status, elapsed)
        time.sleep(max(0.0, interval - elapsed))


def healthz(port: int, deadline: float, timings: Timings) -> None:
    browser = Browser(port, f"{BUILDING}.localhost")
    while time.perf_counter() < deadline:
        status, _, elapsed = browser.request("GET", "/healthz")
        timings.add("healthz", status, elapsed)


def run_threads(targets: list[Callable[[], None]]) -> float:
    threads = [threading.Thread(target=target) for target in targets]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


# --- Set-up and checks in the database --------------------------------------------------------------


@dataclass
class Fixture:
    companies: dict[int, str]  # tenant id -> schema
    tokens: list[str]
    codes: list[str]


def provision(*, companies: int, kiosks: int, invitations: int, desks: int, host_email: bool = True) -> Fixture:
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from shared_apps.accounts.models import User
    from shared_apps.accounts.services import user_ensure
    from shared_apps.accounts.two_factor import device_set
    from shared_apps.provisioning.buildings import building_create
    from shared_apps.provisioning.companies import company_create
    from shared_apps.provisioning.tenant_schemas import platform_ensure
    from shared_apps.tenancy.models import Tenant
    from tenant_apps.kiosk.services import kiosk_pair, pairing_code_create
    from tenant_apps.visits.models import Visit, Visitor
    from tenant_apps.visits.services import Actor, visit_register
    from tests.bench.notification_lag import host_for_invitations

    platform_ensure()
    building = building_create(slug=BUILDING, name="Load bench")
    made = [company_create(building=building, slug=f"load-{i}", name=f"Load {i}") for i in range(companies)]
    tokens = []
    with tenant_context(Tenant.objects.get(building=building, type=Tenant.Type.RECEPTION)):
        for number in range(desks):
            staff_member = user_ensure(
                email=desk_email(number), full_name=f"Load Desk {number}", role=User.Role.DESK, password=PASSWORD
            )
            device_set(user=staff_member, secret=DESK_SECRET)
        desk = user_ensure(email=DESK_EMAIL, full_name="Load Desk", role=User.Role.DESK, password=PASSWORD)
        for i in range(kiosks):
            pairing = pairing_code_create(kiosk_name=f"Kiosk {i}", user=desk, building=building)
            tokens.append(kiosk_pair(code=pairing.code, client=f"bench-{i}", building=building)[1])
    codes = []
    now = timezone.now()
    staff = Actor(label="bench", channel=Visit.Channel.INVITATION)
    for index, company in enumerate(made):
        with tenant_context(company), transaction.atomic():
            host = host_for_invitations() if host_email else None
            for n in range(index, invitations, len(made)):
                visitor = Visitor.objects.create(first_name="Invited", last_name=f"I{n}", language="en")
                visit = visit_register(visitor=visitor, host=host, expected_start=now,
                                       expected_end=now + dt.timedelta(hours=2), purpose="", actor=staff)  # fmt: skip
                codes.append(visit.code)
    return Fixture(companies={c.pk: c.schema_name for c in made}, tokens=tokens, codes=codes)


@dataclass
class Ledger:
    lost: list[str]
    duplicated: list[str]
    unanswered: list[str]  # stored although the kiosk was not told it succeeded (a timeout, say)
    stored: int


def reconcile(fixture: Fixture, outcomes: Outcomes) -> Ledger:
    """Every check-in the kiosks were told succeeded is stored once; nothing is stored twice."""
    from django.db.models import Count, Q
    from django_tenants.utils import schema_context

    from shared_apps.operations.encryption import code_digest
    from tenant_apps.visits.models import Visit, VisitEvent

    # Walk-ins by visitor name, invitations by code (stored as its digest): the check-in events of each stored visit.
    codes = {code_digest(code): code for code in fixture.codes}
    check_ins: dict[str, list[int]] = {}
    for schema in fixture.companies.values():
        with schema_context(schema):
            visits = (
                Visit.objects.filter(Q(channel=Visit.Channel.KIOSK) | Q(code_digest__in=list(codes)))
                .annotate(events_in=Count("events", filter=Q(events__kind=VisitEvent.Kind.CHECKED_IN)))
                .filter(state=Visit.State.ON_SITE)
            )
            rows = visits.values_list("channel", "visitor__last_name", "code_digest", "events_in")
            for channel, name, digest, events in rows:
                check_ins.setdefault(name if channel == Visit.Channel.KIOSK else codes[digest], []).append(events)
    told_ok = outcomes.walk_ins_ok + outcomes.codes_ok
    return Ledger(
        lost=[key for key in told_ok if key not in check_ins],
        duplicated=[key for key, events in check_ins.items() if len(events) > 1 or events[0] > 1],
        unanswered=[key for key in outcomes.walk_ins_failed + outcomes.codes_failed if key in check_ins],
        stored=sum(sum(events) for events in check_ins.values()),
    )


# --- Figures -------------------------------------------------------------------------------------------


def server_url(database: str) -> str:
    from tests.deploy.processes import current_test_database_url

    url = current_test_database_url()
    return url.rsplit("/", 1)[0] + f"/{database}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of the load")
    parser.add_argument("--baseline-seconds", type=float, default=5.0, help="duration of the /healthz baseline")
    parser.add_argument("--concurrency", type=int, default=8, help="kiosk clients checking visitors in at once")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--desks", type=int, default=4, help="desk sessions polling the board")
    parser.add_argument("--board-interval", type=float, default=5.0,
                        help="seconds between a desk's board reads (desk.js: 5)")  # fmt: skip
    parser.add_argument("--companies", type=int, default=3)
    parser.add_argument("--screens", action="store_true", help="also GET every screen, as a tablet's browser does")
    parser.add_argument("--rate", type=float, default=150.0, help="check-ins/s to prepare devices and codes for")
    parser.add_argument("--drain-seconds", type=float, default=60.0,
                        help="after the load, how long the worker may take to send what is left")  # fmt: skip
    parser.add_argument("--burst", type=int, default=500,
                        help="then arrival e-mails queued at once, for the worker's rate (0: none)")  # fmt: skip
    parser.add_argument("--worker-concurrency", type=int, default=None,
                        help="the worker's pool processes (default: the image's default)")  # fmt: skip
    parser.add_argument(
        "--no-host-email",
        action="store_true",
        help="invitations name no host: check-ins send nothing (their cost without notifications)",
    )
    parser.add_argument("--eager", action="store_true",
                        help="no broker and no worker: notifications are sent in the web process")  # fmt: skip
    args = parser.parse_args()
    os.environ.pop("REDIS_URL", None)  # the bench's own process publishes nothing; the server gets its own broker

    from tests.bench.notification_lag import delivery_pipeline, drain, lag_report, worker_capacity
    from tests.bench.throwaway import throwaway_database

    with throwaway_database("checkin_load") as bench_db:
        from django.db import connections

        from tenant_apps.kiosk.services import DEVICE_CHECK_INS

        expected = int(args.rate * args.seconds)  # check-ins to prepare for; half walk-ins, half invitations
        kiosks = math.ceil(expected / 2 / DEVICE_CHECK_INS[0]) + args.concurrency
        started = time.perf_counter()
        fixture = provision(
            companies=args.companies,
            kiosks=kiosks,
            invitations=expected,
            desks=args.desks,
            host_email=not args.no_host_email,
        )
        print(f"database {bench_db}: {args.companies} companies, {kiosks} kiosks paired, "
              f"{len(fixture.codes)} invitations, in {time.perf_counter() - started:.1f} s")  # fmt: skip
        connections.close_all()
        with delivery_pipeline(
            eager=args.eager, database_url=server_url(bench_db), concurrency=args.worker_concurrency
        ) as pipeline:
            run = serve_and_load(args, bench_db, fixture, pipeline)
            lags = drain(pipeline, schemas=list(fixture.companies.values()), timeout=args.drain_seconds)
            burst = None if args.eager or not args.burst or args.no_host_email else worker_capacity(
                pipeline, companies=fixture.companies, count=args.burst)  # fmt: skip
        report(args, run, reconcile(fixture, run.outcomes))
        if args.no_host_email:
            print(f"notifications        : none (--no-host-email): {lags.created} deliveries written")
        else:
            lag_report(pipeline, lags, seconds=run.seconds, burst=burst)


@dataclass
class Run:
    baseline: Timings  # /healthz
    baseline_seconds: float
    load: Timings  # kiosks and desks
    seconds: float
    outcomes: Outcomes
    cpu: tuple["Snapshot | None", "Snapshot | None"] = (None, None)  # the machine's CPU before and after the load


def serve_and_load(args: argparse.Namespace, bench_db: str, fixture: Fixture, pipeline: "Pipeline") -> Run:
    """The production web process on the database; the /healthz baseline and the idle notification lag, then
    kiosks and desks at once."""
    from tests.bench.cpu_share import cpu_snapshot
    from tests.bench.notification_lag import idle_baseline
    from tests.deploy.processes import free_port, gunicorn, production_env

    port = free_port()
    env = production_env(database_url=server_url(bench_db), port=port, GUNICORN_WORKERS=str(args.workers),
                         **pipeline.env)  # fmt: skip
    with gunicorn(env, port):
        probes = [Timings() for _ in range(args.concurrency)]
        deadline = time.perf_counter() + args.baseline_seconds
        base_elapsed = run_threads([partial(healthz, port, deadline, t) for t in probes])
        idle_kiosk = KioskClient(-1, port, [fixture.tokens.pop()], [], iter(()), args.screens)
        idle_baseline(pipeline, check_in=idle_kiosk._invited, codes=fixture.codes,
                      schemas=list(fixture.companies.values()))  # fmt: skip

        codes = iter(fixture.codes)
        lock = threading.Lock()

        def shared_codes() -> Iterator[str]:
            while True:
                with lock:
                    code = next(codes, None)
                if code is None:
                    return
                yield code

        per_client = [fixture.tokens[i :: args.concurrency] for i in range(args.concurrency)]
        clients = [KioskClient(i, port, per_client[i], list(fixture.companies), shared_codes(), args.screens)
                   for i in range(args.concurrency)]  # fmt: skip
        desks = [Timings() for _ in range(args.desks)]
        deadline = time.perf_counter() + args.seconds
        targets: list[Callable[[], None]] = [partial(c.run, deadline) for c in clients]
        targets += [partial(desk_poll, n, port, args.board_interval, deadline, t) for n, t in enumerate(desks)]
        cpu_before = cpu_snapshot(bench_db)
        elapsed = run_threads(targets)
        cpu_after = cpu_snapshot(bench_db)

    baseline, load, outcomes = Timings(), Timings(), Outcomes()
    for probe in probes:
        baseline.merge(probe)
    for client in clients:
        load.merge(client.timings)
        outcomes.merge(client.outcomes)
    for desk in desks:
        load.merge(desk)
    return Run(baseline, base_elapsed, load, elapsed, outcomes, (cpu_before, cpu_after))


def report(args: argparse.Namespace, run: Run, ledger: Ledger) -> None:
    from tests.bench.cpu_share import cpu_report
    from tests.bench.figures import percentiles, quantile_ms

    outcomes, load = run.outcomes, run.load
    ok = len(outcomes.walk_ins_ok) + len(outcomes.codes_ok)
    failed = len(outcomes.walk_ins_failed) + len(outcomes.codes_failed)
    health_rate = len(run.baseline.seconds.get("healthz", [])) / run.baseline_seconds
    kiosk_rate = sum(len(load.seconds.get(kind, [])) for kind in ("step", "check-in", "screen")) / run.seconds
    checkins_per_second = ok / run.seconds
    check_in_p95 = quantile_ms(load.seconds.get("check-in") or [math.inf], 0.95)
    flow = "3 POSTs and every screen's GET" if args.screens else "3 POSTs"
    print(f"\ngunicorn {args.workers} workers (production settings) on loopback; {args.concurrency} kiosk clients, "
          f"{args.desks} desks reading the board every {args.board_interval:g} s; {run.seconds:.1f} s; "
          f"a check-in is {flow}")  # fmt: skip
    print(
        f"baseline /healthz    : {health_rate:7.1f} requests/s  {percentiles(run.baseline.seconds.get('healthz', []))}"
    )
    print(f"check-ins            : {checkins_per_second:7.1f} per second  ({ok} succeeded: "
          f"{len(outcomes.walk_ins_ok)} walk-ins, {len(outcomes.codes_ok)} invitations; {failed} failed)")  # fmt: skip
    print(f"  storing POST       : {percentiles(load.seconds.get('check-in', []))}")
    print(f"  whole check-in     : {percentiles(load.seconds.get('whole check-in', []))}")
    print(f"board reads          : {percentiles(load.seconds.get('board', []))}")
    print(f"kiosk requests       : {kiosk_rate:7.1f} requests/s; ratio to the /healthz baseline "
          f"{kiosk_rate / health_rate:.2f}")  # fmt: skip
    print(f"answers              : {dict(sorted(load.statuses.items()))}")
    print(f"database             : {ledger.stored} check-ins stored for {ok} success answers: "
          f"lost {len(ledger.lost)}, duplicated {len(ledger.duplicated)}, "
          f"stored without a success answer {len(ledger.unanswered)}")  # fmt: skip
    cpu_report(*run.cpu, seconds=run.seconds, check_ins=ok)
    goal = checkins_per_second >= 100 and check_in_p95 < 200
    print(f"goal (>= 100 check-ins/s, storing POST p95 < 200 ms, board polled): {'met' if goal else 'NOT met'}")
    if ledger.lost or ledger.duplicated:
        print(f"LOST: {ledger.lost[:10]}  DUPLICATED: {ledger.duplicated[:10]}")
        sys.exit(1)


if __name__ == "__main__":
    main()
