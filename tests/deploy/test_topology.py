"""deploy/compose.yaml's single server, run as its containers run it, without a container engine.

The start of the production-topology test (issue 17, item 3): each process is started from the image's
entrypoint (or PgBouncer's, or PostgreSQL's init script) with the environment compose gives that service,
read from compose.yaml so the two cannot drift apart. Only what a container engine would provide is
mapped: service names to loopback ports, the database to a throw-away one (its name also prefixes the
roles, which belong to the cluster), volumes to temporary folders. Caddy, mail and the daily jobs are not
run here yet; the first company's invitation reaches a local SMTP server.
"""

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from django.conf import settings

from tests.deploy.processes import ROOT, encryption_keys, free_port, wait_until_answers
from tests.reliability.services import RedisServer

DEPLOY = ROOT / "deploy"
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
PASSWORD = "topology-login-password"
# What deploy/.env holds for this run.
DOT_ENV = {
    "SECRET_KEY": "topology-test-secret-" + "t" * 60,
    "POSTGRES_PASSWORD": "unused-superuser-password",
    "CHECKIN_DB_PASSWORD": PASSWORD,
    "CHECKIN_ROOT_DOMAIN": "localhost",
    "ACME_EMAIL": "ops@localhost",
    "DNS_API_TOKEN": "unused",
    "CHECKIN_SUPPRESSION_KEY": "topology-test-suppression-" + "s" * 40,
    "DEFAULT_FROM_EMAIL": "Check-in <no-reply@localhost>",
}
_VARIABLE = re.compile(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}")


def _interpolate(value: str, dot_env: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error}, from deploy/.env's variables."""

    def one(match: re.Match[str]) -> str:
        name, operator, argument = match.groups()
        if dot_env.get(name):
            return dot_env[name]
        if operator == ":?":
            raise AssertionError(f"compose refuses to start without {name}: {argument}")
        return argument or ""

    return _VARIABLE.sub(one, value)


class Topology:
    """Service names, database and volumes of compose, mapped onto this machine."""

    def __init__(self, database: str, folder: Path) -> None:
        db: dict[str, Any] = settings.DATABASES["default"]
        self.database = database
        self.folder = folder
        self.postgres = (db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
        self.pgbouncer_port = free_port()
        self.web_port = free_port(after=self.pgbouncer_port)
        # compose's redis service: a redis-server of the run's own, so its worker takes no other test's task.
        self.redis = RedisServer(port=free_port(after=self.web_port), folder=folder / "redis")
        self.inbox = _Inbox()
        self.smtp = Controller(self.inbox, hostname="127.0.0.1", port=_any_free_port())
        self.dot_env = {
            **DOT_ENV,
            # The test database's secrets are encrypted with the test's own keys.
            "CHECKIN_ENCRYPTION_KEYS": encryption_keys(),
            "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp.port}",
        }

    def localise(self, value: str) -> str:
        value = _interpolate(value, self.dot_env)
        value = value.replace("@postgres:5432/checkin", f"@{self.postgres[0]}:{self.postgres[1]}/{self.database}")
        value = value.replace("@pgbouncer:6432/checkin", f"@127.0.0.1:{self.pgbouncer_port}/{self.database}")
        value = value.replace("redis://redis:6379/0", self.redis.url)
        return value.replace("checkin__", f"{self.database}__")

    def environment(self, service: str) -> dict[str, str]:
        """The service's environment in compose, plus the image's own (Dockerfile ENV) where it matters here."""
        env = {name: self.localise(str(value)) for name, value in COMPOSE["services"][service]["environment"].items()}
        if "CHECKIN_EXPORT_ROOT" in env:
            env["CHECKIN_EXPORT_ROOT"] = str(self.folder / "exports")  # the `exports` volume
        env.update(
            PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            PYTHONPATH=f"{ROOT / 'platform'}:{ROOT}",
            CHECKIN_BEAT_SCHEDULE_FILE=str(self.folder / "beat-schedule" / "celerybeat-schedule"),
            GUNICORN_BIND=f"127.0.0.1:{self.web_port}",
            GUNICORN_WORKERS="2",
            STATIC_ROOT=str(self.folder / "static"),
            CHECKIN_SPARE_SCHEMAS="0",
            HOSTNAME=socket.gethostname(),
            LOG_LEVEL="WARNING",
        )
        return env


class _Inbox:
    """The mail relay: keeps what it is handed."""

    def __init__(self) -> None:
        self.messages: list[Envelope] = []

    async def handle_DATA(self, server: object, session: object, envelope: Envelope) -> str:
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


def _any_free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _superuser(dbname: str) -> psycopg.Connection[Any]:
    db: dict[str, Any] = settings.DATABASES["default"]
    return psycopg.connect(
        dbname=dbname, host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], autocommit=True
    )


def _start(stack: ExitStack, command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    output = stack.enter_context(log.open("wb"))
    process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    stack.callback(stop)
    return process


@pytest.fixture(scope="module")
def topology(django_db_setup: None, django_db_blocker: Any) -> Iterator[Topology]:
    database = f"ck_topo_{uuid.uuid4().hex[:8]}"
    folder = Path(tempfile.mkdtemp(prefix="checkin-topology-"))
    folder.chmod(0o777)  # PgBouncer runs as `nobody` when the test runs as root
    for volume in ("exports", "beat-schedule", "static", "redis"):
        (folder / volume).mkdir()
    topology = Topology(database, folder)
    with _superuser("postgres") as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    try:
        with ExitStack() as stack:
            _redis(stack, topology)
            topology.smtp.start()
            stack.callback(topology.smtp.stop)
            _postgres_first_start(topology)
            _pgbouncer(stack, topology)
            migrate = subprocess.run(
                ["sh", str(DEPLOY / "entrypoint.sh"), "migrate"],
                env=topology.environment("migrate"),
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert migrate.returncode == 0, f"migrate failed:\n{migrate.stdout[-3000:]}{migrate.stderr[-3000:]}"
            for service in ("worker", "beat"):
                command = ["sh", str(DEPLOY / "entrypoint.sh"), *COMPOSE["services"][service]["command"]]
                _start(stack, command, topology.environment(service), folder / f"{service}.log")
            _web(stack, topology)
            yield topology
    finally:
        with _superuser("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            roles = admin.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s", [rf"{database}\_%"]).fetchall()
            for (role,) in roles:
                admin.execute(f'DROP ROLE "{role}"')
        shutil.rmtree(folder, ignore_errors=True)


def _web(stack: ExitStack, topology: Topology) -> None:
    """compose's web service; on another port if one was taken between choice and use (gunicorn then exits)."""
    command = ["sh", str(DEPLOY / "entrypoint.sh"), *COMPOSE["services"]["web"]["command"]]
    log = topology.folder / "web.log"
    for _attempt in range(3):
        web = _start(stack, command, topology.environment("web"), log)
        try:
            wait_until_answers(f"http://127.0.0.1:{topology.web_port}/healthz", timeout=60, process=web)
            time.sleep(6)  # gunicorn gives up a taken port after 5 s: then what answered was not ours
            if web.poll() is None:
                return
        except (RuntimeError, http.client.HTTPException):
            pass  # it exited, or what answered on that port was another test's server (not HTTP)
        web.terminate()
        web.wait(timeout=30)
        topology.web_port = free_port(after=topology.web_port)
    raise AssertionError(log.read_text()[-3000:])


def _redis(stack: ExitStack, topology: Topology) -> None:
    """compose's redis service; on another port if one was taken between choice and use."""
    stack.callback(topology.redis.stop)
    for _attempt in range(3):
        try:
            topology.redis.start()
            return
        except TimeoutError:
            topology.redis.stop()
            topology.redis.port = free_port(after=topology.redis.port)
    raise AssertionError("redis-server found no free port")


def _postgres_first_start(topology: Topology) -> None:
    """What PostgreSQL's image does on an empty volume: run the scripts mounted in docker-entrypoint-initdb.d."""
    postgres = COMPOSE["services"]["postgres"]
    script = next(volume.split(":")[0] for volume in postgres["volumes"] if "docker-entrypoint-initdb.d" in volume)
    env = {name: topology.localise(str(value)) for name, value in postgres["environment"].items()}
    env.update(
        PATH=os.environ["PATH"],
        POSTGRES_DB=topology.database,
        POSTGRES_USER=str(settings.DATABASES["default"]["USER"]),
        PGHOST=topology.postgres[0],
        PGPORT=str(topology.postgres[1]),
    )
    subprocess.run(["sh", str(DEPLOY / script)], env=env, check=True, capture_output=True, timeout=60)


def _pgbouncer(stack: ExitStack, topology: Topology) -> None:
    """PgBouncer's entrypoint with compose's environment for it; on another port if one was taken meanwhile."""
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        pytest.fail("pgbouncer is not installed: apt-get install pgbouncer (as .ci/run does)")
    env = {
        name: topology.localise(str(value)) for name, value in COMPOSE["services"]["pgbouncer"]["environment"].items()
    }
    env.update(
        PATH=os.environ["PATH"],
        POSTGRES_HOST=topology.postgres[0],
        POSTGRES_PORT=str(topology.postgres[1]),
        POSTGRES_DB=topology.database,
        PGBOUNCER_LISTEN_ADDR="127.0.0.1",
        PGBOUNCER_RUN_DIR=str(topology.folder / "pgbouncer"),
        PGBOUNCER_CONFIG=str(DEPLOY / "pgbouncer.ini"),  # the image copies it to /etc/pgbouncer
        PGBOUNCER_BINARY=binary,
    )
    as_nobody = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
    command = [*as_nobody, "sh", str(DEPLOY / "pgbouncer" / "entrypoint.sh")]
    log = topology.folder / "pgbouncer.log"
    for _attempt in range(3):
        process = _start(stack, command, {**env, "PGBOUNCER_PORT": str(topology.pgbouncer_port)}, log)
        if _accepts_the_login(topology, process):
            return
        topology.pgbouncer_port = free_port(after=topology.web_port)  # the port was taken between choice and use
    raise AssertionError(f"PgBouncer did not accept the login: {log.read_text()}")


def _accepts_the_login(topology: Topology, process: subprocess.Popen[bytes]) -> bool:
    url = f"postgresql://{topology.database}__login:{PASSWORD}@127.0.0.1:{topology.pgbouncer_port}/{topology.database}"
    for _ in range(150):
        if process.poll() is not None:
            return False
        try:
            psycopg.connect(url, connect_timeout=2).close()
            return True
        except psycopg.OperationalError:
            time.sleep(0.1)
    return False


def test_web_is_ready_through_pgbouncer_and_redis(topology):
    with urllib.request.urlopen(f"http://127.0.0.1:{topology.web_port}/readyz", timeout=30) as response:
        assert response.status == 200


def test_every_application_connection_is_the_guides_login_and_no_superuser(topology):
    with _superuser(topology.database) as admin:
        logins = admin.execute(
            "SELECT DISTINCT a.usename, r.rolsuper FROM pg_stat_activity a JOIN pg_roles r ON r.rolname = a.usename "
            "WHERE a.datname = %s AND a.pid <> pg_backend_pid()",
            [topology.database],
        ).fetchall()
    assert logins == [(f"{topology.database}__login", False)]


def test_the_worker_answers_compose_s_health_check(topology):
    check = COMPOSE["services"]["worker"]["healthcheck"]["test"]
    assert check[0] == "CMD-SHELL"
    command = check[1].replace("$$", "$")
    for _ in range(12):  # the worker may still be starting
        done = subprocess.run(
            ["sh", str(DEPLOY / "entrypoint.sh"), "sh", "-c", command],
            env=topology.environment("worker"),
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode == 0:
            return
    raise AssertionError(f"the worker never answered: {done.stdout}{done.stderr}")


def test_beat_keeps_its_schedule_in_its_volume(topology):
    schedule = topology.folder / "beat-schedule"
    for _ in range(300):
        if any(schedule.iterdir()):
            return
        time.sleep(0.2)
    raise AssertionError(f"beat wrote no schedule: {(topology.folder / 'beat.log').read_text()[-3000:]}")


def test_a_new_companys_first_admin_gets_a_working_https_invitation_at_the_relay(topology):
    """Provisioned as the guide says (`docker compose run --rm migrate python platform/manage.py ...`)."""
    manage = ["sh", str(DEPLOY / "entrypoint.sh"), "python", "platform/manage.py"]
    env = topology.environment("migrate")
    for command in (
        ["create_building", "tower", "--name", "Tower"],
        ["create_company", "acme", "--building", "tower", "--name", "Acme", "--admin-email", "admin@acme.example"],
    ):
        done = subprocess.run([*manage, *command], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
    deadline = time.monotonic() + 90
    while not topology.inbox.messages and time.monotonic() < deadline:
        time.sleep(0.2)
    assert topology.inbox.messages, f"no invitation reached the relay: {(topology.folder / 'worker.log').read_text()}"
    invitation = topology.inbox.messages[0]
    assert invitation.rcpt_tos == ["admin@acme.example"]
    body = (invitation.content or b"").decode(errors="replace").replace("=\r\n", "").replace("=\n", "")
    link = re.search(r"https://acme\.localhost/\S+", body)
    assert link, body[-2000:]
    path = "/" + link.group(0).split("/", 3)[3].rstrip(".")
    request = urllib.request.Request(  # as Caddy passes it on
        f"http://127.0.0.1:{topology.web_port}{path}", headers={"Host": "acme.localhost", "X-Forwarded-Proto": "https"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the run's own web process
        assert response.status == 200
