"""What one kiosk check-in costs the web process: CPU milliseconds and queries, in one process, without HTTP.

tests/bench/load.py measures throughput, which on the shared 2-core machine moves with everybody else's work.
This script measures what the web process itself spends, which moves much less: it sets up the load bench's
throw-away building (tests/bench/load.py's `provision`), then calls the WSGI application the way gunicorn's
worker does (one environ per request, the production settings, the device and state cookies carried by hand)
for --check-ins check-ins, the load bench's mix (walk-ins and invitation codes in turn, three POSTs each), after
--warm-up ones that fill the process's memories. It prints, next to a `/healthz` baseline measured the same way
in the same run, the CPU time (`time.process_time`: this process only, not its PostgreSQL backend) and the
queries per check-in and per POST kind. With --profile it also prints cProfile's heaviest functions. With
--worker it then sends the deliveries those check-ins queued as the worker does (`deliveries_drain`, in this
process, mail to files) and prints the CPU and queries a delivery costs the worker.

    DATABASE_URL=... .venv/bin/python tests/bench/kiosk_cost.py [--check-ins 300] [--warm-up 30] [--profile]
        [--no-host-email] [--worker]

A 2-core machine serves about 2000 / (web ms + PostgreSQL ms + worker ms + client ms) check-ins per second; the
load bench prints the other parts (its "CPU during the load" lines).
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from functools import partial
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
CSRF_COOKIE = "__Host-checkin_csrf"


def _production_environment() -> None:
    """The web process's environment as the load bench's gunicorn gets it (tests/deploy/processes.py), with a key of
    its own (that helper reads the test process's keys from settings, which are not set up yet here)."""
    from unittest import mock

    from cryptography.fernet import Fernet

    from tests.deploy import processes

    with mock.patch.object(processes, "encryption_keys", lambda: Fernet.generate_key().decode()):
        os.environ.update(processes.production_env(database_url=os.environ["DATABASE_URL"]))
    os.environ.pop("DEBUG", None)


class Tablet:
    """One paired device's browser calling the WSGI application directly."""

    def __init__(self, application: Callable[..., Any], host: str, token: str) -> None:
        self.application, self.host = application, host
        self.cookies = {"checkin_kiosk": token}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[str, str]:
        """(status line, Location)."""
        body = b""
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": self.host,
            "SERVER_PORT": "443", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": self.host,
            "HTTP_X_FORWARDED_PROTO": "https", "HTTP_ACCEPT_LANGUAGE": "en", "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
            "HTTP_COOKIE": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
        }  # fmt: skip
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies.get(CSRF_COOKIE, "")}).encode()
            environ |= {"CONTENT_TYPE": "application/x-www-form-urlencoded", "HTTP_ORIGIN": f"https://{self.host}"}
        environ |= {"CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}
        answer: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            answer["status"], answer["headers"] = status, headers

        result = self.application(environ, start_response)
        try:
            for _chunk in result:
                pass
        finally:
            getattr(result, "close", lambda: None)()
        location = ""
        for name, value in answer["headers"]:
            if name.lower() == "location":
                location = value
            if name.lower() == "set-cookie":
                for key, morsel in SimpleCookie(value).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = morsel.value
        return answer["status"], location


class QueryCount:
    """Queries by kind of request, counted around the database's executions."""

    def __init__(self) -> None:
        self.kind = ""
        self.by_kind: Counter[str] = Counter()
        self.last: dict[str, list[str]] = {}  # the statements of the last request of each kind

    def starting(self, kind: str) -> None:
        self.kind = kind
        self.last[kind] = []

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.by_kind[self.kind] += 1
        self.last.setdefault(self.kind, []).append(sql)
        return execute(sql, params, many, context)


def _answers(tablet: Tablet, method: str, path: str, form: dict[str, str] | None, status: str) -> bool:
    return tablet.request(method, path, form)[0].startswith(status)


def check_ins(application: Callable[..., Any], host: str, tokens: list[str], codes: Iterator[str],
              companies: list[int], walk_in_limit: int) -> Iterator[tuple[str, Callable[[], bool]]]:  # fmt: skip
    """(kind of request, the request) for every POST of the load bench's check-ins, walk-ins and codes in turn."""
    tablet, walk_ins, number = None, walk_in_limit, 0
    while True:
        number += 1
        if number % 2:
            if walk_ins >= walk_in_limit:  # the kiosk's limit of walk-ins per device: the next device
                tablet, walk_ins = Tablet(application, host, tokens.pop()), 0
                yield "start screen", partial(_answers, tablet, "GET", "/kiosk/", None, "200")
            walk_ins += 1
            assert tablet is not None
            name = f"C{number}"
            details = {"first_name": "Cost", "last_name": name, "visitor_company": "Bench", "phone": "",
                       "email": f"{name.lower()}@cost.example", "accept_notice": "on",
                       "accept_rules": "on"}  # fmt: skip
            company = str(companies[number % len(companies)])
            steps = [("language", "/kiosk/language/", {"language": "en"}), ("walk-in company", "/kiosk/walk-in/",
                     {"company": company}), ("walk-in details", "/kiosk/walk-in/details/", details)]  # fmt: skip
        else:
            steps = [("language", "/kiosk/language/", {"language": "en"}), ("code", "/kiosk/invitation/",
                     {"code": next(codes)}), ("confirm", "/kiosk/invitation/confirm/",
                     {"accept_notice": "on", "accept_rules": "on"})]  # fmt: skip
        assert tablet is not None
        for kind, path, form in steps:
            yield kind, partial(_answers, tablet, "POST", path, form, "302")
        yield "", partial(bool, True)  # one check-in done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check-ins", type=int, default=300)
    parser.add_argument("--warm-up", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="print cProfile's heaviest functions")
    parser.add_argument("--top", type=int, default=45, help="functions printed with --profile")
    parser.add_argument("--profile-kind", default="", help="with --profile, only the POSTs of this kind (confirm, ...)")
    parser.add_argument("--sql", action="store_true", help="print the statements of the last POST of each kind")
    parser.add_argument("--profile-file", default="", help="with --profile, also save the profile there (pstats)")
    parser.add_argument("--worker", action="store_true",
                        help="then send the measured check-ins' deliveries as the worker's drain does, in this "
                             "process: CPU and queries a delivery (with --profile, the drain is profiled)")  # fmt: skip
    parser.add_argument("--no-host-email", action="store_true",
                        help="invitations name no host: what a check-in costs without its host e-mail")  # fmt: skip
    args = parser.parse_args()
    _production_environment()
    from tests.reliability.services import RedisServer, spare_port

    # The deliveries go to a broker (of this run's own) as in production; nothing consumes them.
    with tempfile.TemporaryDirectory(prefix="checkin-cost-") as folder:
        broker = RedisServer(port=spare_port(), folder=Path(folder))
        broker.start()
        os.environ["REDIS_URL"] = broker.url
        try:
            measure(args)
        finally:
            broker.stop()


def measure(args: argparse.Namespace) -> None:
    from tests.bench.throwaway import throwaway_database

    with throwaway_database("checkin_cost") as bench_db:
        from django.core.wsgi import get_wsgi_application
        from django.db import connection, connections

        from tenant_apps.kiosk.services import DEVICE_CHECK_INS
        from tests.bench.load import BUILDING, provision

        total = args.check_ins + args.warm_up
        fixture = provision(companies=3, kiosks=total // 2 // DEVICE_CHECK_INS[0] + 2, invitations=total, desks=1,
                            host_email=not args.no_host_email)  # fmt: skip
        connections.close_all()
        application = get_wsgi_application()
        from checkin.warm import warm_up

        warm_up()
        host = f"{BUILDING}.localhost"
        probe = Tablet(application, host, "")
        steps = check_ins(application, host, fixture.tokens, iter(fixture.codes), list(fixture.companies),
                          DEVICE_CHECK_INS[0])  # fmt: skip

        cpu_by_kind: dict[str, float] = defaultdict(float)

        def run(count: int, queries: QueryCount, profiler: cProfile.Profile | None) -> tuple[float, Counter[str]]:
            done, cpu, requests = 0, 0.0, Counter[str]()
            cpu_by_kind.clear()
            while done < count:
                kind, step = next(steps)
                if not kind:
                    done += 1
                    continue
                queries.starting(kind)
                start = time.process_time()
                wanted = not args.worker and args.profile_kind in ("", kind)  # with --worker, the drain is profiled
                profiled = profiler if profiler is not None and wanted else None
                if profiled:
                    profiled.enable()
                ok = step()
                if profiled:
                    profiled.disable()
                spent = time.process_time() - start
                cpu += spent
                cpu_by_kind[kind] += spent
                requests[kind] += 1
                assert ok, f"{kind} failed"
            return cpu, requests

        queries = QueryCount()
        with connection.execute_wrapper(queries):
            for _ in range(200):  # the baseline: /healthz, no database
                probe.request("GET", "/healthz")
            start = time.process_time()
            for _ in range(1000):
                probe.request("GET", "/healthz")
            healthz_ms = time.process_time() - start  # per 1000 -> ms each
            run(args.warm_up, queries, None)
            if args.worker:
                _drain(queries, None)  # the warm-up's deliveries, and the worker's memories
            queries.by_kind.clear()
            queries.last.clear()
            profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not waits
            cpu, requests = run(args.check_ins, queries, profiler)
            if args.worker:
                drain_cpu, tried, drain_queries = _drain(queries, profiler)
        print(f"\ndatabase {bench_db}; production settings; WSGI called in this process; {args.check_ins} "
              f"check-ins after {args.warm_up} to warm up (half walk-ins, half invitation codes)")  # fmt: skip
        print(f"baseline /healthz    : {healthz_ms:6.2f} ms CPU a request")
        posts = sum(n for kind, n in requests.items() if kind != "start screen")
        web_queries = sum(n for kind, n in queries.by_kind.items() if kind != "drain")
        print(f"check-in             : {cpu * 1000 / args.check_ins:6.2f} ms CPU of this process "
              f"({cpu * 1000 / posts:.2f} ms a request: {cpu * 1000 / posts / healthz_ms:.1f}x /healthz), "
              f"{web_queries / args.check_ins:.2f} queries")  # fmt: skip
        for kind, n in sorted(requests.items()):
            print(
                f"  {kind:19}: {n:5} requests, {cpu_by_kind[kind] * 1000 / n:6.2f} ms CPU and "
                f"{queries.by_kind[kind] / n:5.2f} queries each"
            )
        if args.worker:
            print(f"drain (the worker)   : {tried:5} deliveries, {drain_cpu * 1000 / max(tried, 1):6.2f} ms CPU and "
                  f"{drain_queries / max(tried, 1):5.2f} queries each")  # fmt: skip
        if args.sql:
            for kind, statements in sorted(queries.last.items()):
                print(f"\n{kind}:")
                for sql in statements[:12]:  # the drain's repeat per delivery
                    print(f"  {sql[:400]}")
        if profiler:
            if args.profile_file:
                profiler.dump_stats(args.profile_file)
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
            print(out.getvalue())
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
            print(out.getvalue())
        connections.close_all()


def _drain(queries: QueryCount, profiler: cProfile.Profile | None) -> tuple[float, int, int]:
    """Send what the check-ins so far queued, as the worker's drain does: (CPU seconds, deliveries tried, queries)."""
    from shared_apps.database.connection import tenant_connection
    from tenant_apps.notifications.drain import deliveries_drain

    tenant_connection().set_schema_to_public()
    queries.starting("drain")
    start = time.process_time()
    if profiler:
        profiler.enable()
    tried = deliveries_drain()
    if profiler:
        profiler.disable()
    return time.process_time() - start, tried, queries.by_kind["drain"]


if __name__ == "__main__":
    main()
