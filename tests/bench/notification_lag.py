"""The notification half of tests/bench/load.py: a real broker and worker, and the lag from check-in to sent.

By default the bench's web process publishes to a redis-server of its own on a spare loopback port
(tests/reliability/services.py's RedisServer), and the image's worker command runs beside it (the
`celery ... worker` line of deploy/entrypoint.sh, as compose and the Deployment run it: the image's
default concurrency and max-tasks-per-child, with the production settings; not the entrypoint's
`check --deploy` before it, which refuses the bench's superuser login); its e-mails go to files in a folder of the run
(Django's file backend), never to a relay. Invited visitors have a host who wants e-mail, so each
invitation check-in writes one host e-mail delivery in its transaction; walk-ins have no host and
write none. Before the load, a few invitation check-ins one at a time (the worker idle) give the
baseline lag; after it, the worker is given --drain-seconds to send what is left. The lag of a
delivery is its `sent_at` minus its `created_at` (stamped in the check-in's transaction).

With --eager, today's mode: no broker and no worker, tasks run in the web process at commit.
"""

import datetime as dt
import itertools
import math
import re
import shlex
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tenant_apps.visits.models import Host

LAG_GOAL_SECONDS = 5.0  # issue #18: p95 under 5 s with the default worker settings
IDLE_CHECK_INS = 5  # invitation check-ins, one at a time, for the idle baseline


@dataclass
class Lags:
    """Seconds from check-in to sent of the deliveries sent; those not sent, and failed, at the end."""

    sent: list[float] = field(default_factory=list)
    unsent: int = 0
    failed: int = 0
    created: int = 0
    first_created: dt.datetime | None = None
    last_sent: dt.datetime | None = None


@dataclass
class Pipeline:
    """What carries a check-in's deliveries: the web process's environment for it, and the figures measured."""

    eager: bool
    env: dict[str, str]
    idle: Lags = field(default_factory=Lags)
    load_start: dt.datetime | None = None
    drained_in: float = 0.0


def image_worker_command() -> tuple[str, ...]:
    """The worker's command line in deploy/entrypoint.sh (its defaults as shell expansions), run by this
    interpreter's Celery."""
    from tests.deploy.processes import ROOT

    entrypoint = re.sub(r"\\\n\s*", " ", (ROOT / "deploy" / "entrypoint.sh").read_text())
    found = re.search(r"exec celery (-A checkin worker [^;\n]*);;", entrypoint)
    assert found, "deploy/entrypoint.sh has no `exec celery -A checkin worker ...` line"
    return ("sh", "-c", f"exec {shlex.quote(sys.executable)} -m celery {found.group(1)}")


def _worker_env(database_url: str, broker_url: str, outbox: Path, concurrency: int | None) -> dict[str, str]:
    from tests.deploy.processes import production_env

    # The worker's defaults are the image's: nothing here sets CELERY_CONCURRENCY (unless asked) or the max
    # tasks per child.
    env = production_env(database_url=database_url, REDIS_URL=broker_url, EMAIL_FILE_PATH=str(outbox),
                         LOG_LEVEL="INFO")  # fmt: skip
    env = {name: value for name, value in env.items() if not name.startswith("CELERY_")}
    if concurrency:
        env["CELERY_CONCURRENCY"] = str(concurrency)
    return env


@contextmanager
def delivery_pipeline(*, eager: bool, database_url: str, concurrency: int | None = None) -> Iterator[Pipeline]:
    """Eagerly: nothing to start. Else a redis-server and the image's worker (with `concurrency` pool processes
    instead of the image's default, when given), stopped (and their files removed) on the way out."""
    if eager:
        yield Pipeline(eager=True, env={})
        return
    from tests.observability.conftest import ephemeral_port
    from tests.reliability.services import CeleryWorker, RedisServer

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="checkin-lag-")))
        (folder / "outbox").mkdir()
        # A port the system picks: the deploy range free_port() hands out is shared with other tests' servers.
        broker = RedisServer(port=ephemeral_port(), folder=folder)
        broker.start()
        stack.callback(broker.stop)
        env = _worker_env(database_url, broker.url, folder / "outbox", concurrency)
        worker = CeleryWorker(env=env, log=folder / "worker.log", command=image_worker_command())
        stack.callback(worker.stop)
        worker.start(timeout=120)  # `check --deploy` first, on a busy machine
        yield Pipeline(eager=False, env={"REDIS_URL": broker.url, "EMAIL_FILE_PATH": str(folder / "outbox")})


# --- Fixture: hosts for the invitations ------------------------------------------------------------


def host_for_invitations() -> "Host":
    """In the current company schema: the host the invitations name, who wants an e-mail on each arrival."""
    from tenant_apps.visits.models import Host

    return Host.objects.create(name="Bench Host", email="host@load.example", notify_by=Host.Notify.EMAIL)


# --- Measuring --------------------------------------------------------------------------------------


def delivery_lags(schemas: list[str], *, since: dt.datetime | None = None,
                  until: dt.datetime | None = None) -> Lags:  # fmt: skip
    """The deliveries created in [since, until) in these company schemas."""
    from django_tenants.utils import schema_context

    from tenant_apps.notifications.models import Delivery

    lags = Lags()
    for schema in schemas:
        with schema_context(schema):
            rows = Delivery.objects.all()
            if since is not None:
                rows = rows.filter(created_at__gte=since)
            if until is not None:
                rows = rows.filter(created_at__lt=until)
            for status, created, sent in rows.values_list("status", "created_at", "sent_at"):
                lags.created += 1
                if lags.first_created is None or created < lags.first_created:
                    lags.first_created = created
                if status == Delivery.Status.SENT and sent is not None:
                    lags.sent.append((sent - created).total_seconds())
                    if lags.last_sent is None or sent > lags.last_sent:
                        lags.last_sent = sent
                elif status == Delivery.Status.FAILED:
                    lags.failed += 1
                else:
                    lags.unsent += 1
    return lags


def wait_until_sent(schemas: list[str], *, since: dt.datetime | None, timeout: float) -> float:
    """Wait until every delivery created since `since` is sent or failed, `timeout` at most; the seconds waited."""
    start = time.perf_counter()
    while delivery_lags(schemas, since=since).unsent and time.perf_counter() - start < timeout:
        time.sleep(0.5)
    return time.perf_counter() - start


def idle_baseline(pipeline: Pipeline, *, check_in: Callable[[str], bool], codes: list[str], schemas: list[str]) -> None:
    """A few invitation check-ins (`check_in(code)`) one at a time on an idle server and worker, each waited for
    until sent: the lag the pipeline gives at rest. Takes its codes off the fixture's list."""
    from django.utils import timezone

    start = timezone.now()
    for _ in range(IDLE_CHECK_INS):
        ok = check_in(codes.pop())
        assert ok, "an idle invitation check-in failed"
        wait_until_sent(schemas, since=start, timeout=30)
    pipeline.idle = delivery_lags(schemas, since=start)
    pipeline.load_start = timezone.now()


def drain(pipeline: Pipeline, *, schemas: list[str], timeout: float) -> Lags:
    """After the load: the worker's time to send what is left, then the lags of the load's deliveries."""
    pipeline.drained_in = wait_until_sent(schemas, since=pipeline.load_start, timeout=timeout)
    return delivery_lags(schemas, since=pipeline.load_start)


def worker_capacity(pipeline: Pipeline, *, companies: dict[int, str], count: int) -> tuple[int, float]:
    """`count` arrival e-mails queued through the product's service in one transaction over the companies, so that
    they are all handed to the broker at its commit: how many were sent, and in how many seconds from that commit.
    What the worker can carry, whatever the web tier's speed on the day."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from checkin.celery import app
    from shared_apps.tenancy.models import Tenant
    from tenant_apps.notifications.services import delivery_queue_arrival
    from tenant_apps.visits.models import Visit

    # This process publishes too, and notes the companies beside (REDIS_URL), as the web process does.
    app.conf.update(task_always_eager=False, broker_url=pipeline.env["REDIS_URL"])
    settings.REDIS_URL = pipeline.env["REDIS_URL"]
    start = timezone.now()
    share = math.ceil(count / len(companies))
    with transaction.atomic():
        for tenant in Tenant.objects.filter(pk__in=companies):
            with tenant_context(tenant):
                visits = list(Visit.objects.filter(host__isnull=False).select_related("host")[:share])
                for visit in itertools.islice(itertools.cycle(visits), share):  # a visit may have several
                    delivery_queue_arrival(visit=visit)
        handed_over = timezone.now()  # the commit hands them all over (on_commit)
    wait_until_sent(list(companies.values()), since=start, timeout=max(60.0, count / 2))
    lags = delivery_lags(list(companies.values()), since=start)
    return len(lags.sent), (lags.last_sent - handed_over).total_seconds() if lags.last_sent else math.inf


# --- Figures ------------------------------------------------------------------------------------------


def lag_figures(values: list[float]) -> str:
    from tests.bench.figures import quantile_ms

    if not values:
        return "no sample"
    p50, p95 = (quantile_ms(values, q) / 1000 for q in (0.50, 0.95))
    return f"p50 {p50:6.2f} s  p95 {p95:6.2f} s  max {max(values):6.2f} s  (n={len(values)})"


def lag_report(pipeline: Pipeline, lags: Lags, *, seconds: float, burst: tuple[int, float] | None = None) -> bool:
    """Print the lag figures next to the idle baseline and the goal; whether the goal is met."""
    from tests.bench.figures import quantile_ms

    mode = "eager (in the web process, at commit)" if pipeline.eager else (
        "a Celery worker with the image's command and defaults (deploy/entrypoint.sh) on a redis-server of its own"
    )  # fmt: skip
    print(f"notifications        : {mode}; host e-mails to files")
    print(f"  idle lag           : {lag_figures(pipeline.idle.sent)}")
    print(f"  lag under load     : {lag_figures(lags.sent)}")
    created_rate = lags.created / seconds
    sent_span = (lags.last_sent - lags.first_created).total_seconds() if lags.last_sent and lags.first_created else 0
    sent_rate = len(lags.sent) / sent_span if sent_span else 0.0
    print(f"  deliveries         : {lags.created} created ({created_rate:.1f}/s during the load), "
          f"{len(lags.sent)} sent ({sent_rate:.1f}/s from the first check-in to the last send); "
          f"{lags.unsent} pending and {lags.failed} failed at the end "
          f"(after {pipeline.drained_in:.1f} s of drain)")  # fmt: skip
    p95 = quantile_ms(lags.sent, 0.95) / 1000 if lags.sent else float("inf")
    if pipeline.idle.sent:
        idle_p50 = quantile_ms(pipeline.idle.sent, 0.50) / 1000
        print(f"  ratio              : p95 under load {p95 / idle_p50 if idle_p50 else float('inf'):.1f}x "
              f"the idle p50")  # fmt: skip
    if burst is not None:
        sent, took = burst
        print(f"  worker capacity    : {sent} arrival e-mails handed over at once, all sent in {took:.1f} s: "
              f"{sent / took:.1f}/s")  # fmt: skip
    met = bool(lags.sent) and p95 < LAG_GOAL_SECONDS and not lags.unsent and not lags.failed
    print(f"goal (notification lag p95 < {LAG_GOAL_SECONDS:g} s, none pending or failed): "
          f"{'met' if met else 'NOT met'}")  # fmt: skip
    return met
