"""deploy/compose.yaml's single server, run as its containers run it, without a container engine.

The production-topology test (issue 17, item 3): each process is started from the image's entrypoint (or
PgBouncer's, or PostgreSQL's init script, or Caddy with deploy/Caddyfile) with the environment compose gives
that service, read from compose.yaml so the two cannot drift apart. Only what a container engine would
provide is mapped: service names to loopback ports (and the backend network to loopback), the database to a
throw-away one (its name also prefixes the roles, which belong to the cluster), volumes to temporary
folders; Caddy's certificates come from its local CA (tests/deploy/caddy.py), which the test's client trusts.

Through Caddy over HTTPS: the provisioning API (an IT token) makes a building and companies; the first
admin's invitation reaches a local SMTP relay with an https:// link that works; a paired kiosk's walk-in
reaches the desk board; a removed company's final export, written by the worker into the `exports` volume,
downloads from web. The daily jobs: beat is restarted on its persistent schedule under `faketime` a few
seconds before 03:30 (Europe/Brussels) and the removed company's schema is dropped when its clock reaches
03:30, not before (the clock is faked, the schedule's due check is beat's own). One more web and worker
pair runs with the S3-compatible export store against moto's server, on a Redis database of its own; it is
reached directly with the headers Caddy sets (Caddy has one upstream).
"""

import datetime as dt
import email
import email.policy
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import psycopg
import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from django.conf import settings
from moto.server import ThreadedMotoServer

from shared_apps.accounts import totp
from tests.deploy.caddy import Browser, RunningProxy, caddy
from tests.deploy.processes import ROOT, encryption_keys, wait_until_answers
from tests.pgbouncer_server import pgbouncer_user
from tests.reliability.services import RedisServer
from tests.server_tools import url_host

DEPLOY = ROOT / "deploy"
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
PASSWORD = "topology-login-password"
# Two labels: a certificate for *.localhost is refused by OpenSSL's name check (a wildcard needs two labels below it).
ROOT_DOMAIN = "checkin.localhost"
IT_EMAIL = "it@example.com"
ACCOUNT_PASSWORD = "Topology-account-pass-42"  # the IT and desk accounts' (the password rules accept it)
DESK_EMAIL = "desk@tower.example"
DESK_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # the desk's authenticator secret

# What deploy/.env holds for this run.
DOT_ENV = {
    "SECRET_KEY": "topology-test-secret-" + "t" * 60,
    "POSTGRES_PASSWORD": "unused-superuser-password",
    "CHECKIN_DB_PASSWORD": PASSWORD,
    "CHECKIN_ROOT_DOMAIN": ROOT_DOMAIN,
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
        # Ports the kernel hands out: deploy's port range is shared with other runs' servers, and a foreign web
        # process of Check-in on the port chosen would answer Caddy's health check and /readyz as well as ours.
        self.pgbouncer_port = _any_free_port()
        self.web_port = _any_free_port()
        # compose's redis service: a redis-server of the run's own, so its worker takes no other test's task.
        self.redis = RedisServer(port=_any_free_port(), folder=folder / "redis")
        self.inbox = _Inbox()
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.proxy: RunningProxy | None = None
        self.it_token = ""
        self.beat_started = time.time()
        self.smtp = Controller(self.inbox, hostname="127.0.0.1", port=_any_free_port())
        self.dot_env = {
            **DOT_ENV,
            # The test database's secrets are encrypted with the test's own keys.
            "CHECKIN_ENCRYPTION_KEYS": encryption_keys(),
            "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp.port}",
        }

    def localise(self, value: str) -> str:
        value = _interpolate(value, self.dot_env)
        value = value.replace(
            "@postgres:5432/checkin", f"@{url_host(self.postgres[0])}:{self.postgres[1]}/{self.database}"
        )
        value = value.replace("@pgbouncer:6432/checkin", f"@127.0.0.1:{self.pgbouncer_port}/{self.database}")
        value = value.replace("redis://redis:6379/0", self.redis.url)
        value = value.replace("web:8000", f"127.0.0.1:{self.web_port}")
        # compose's backend network (the proxy's address among them) is loopback here.
        value = value.replace("172.16.0.0/12,", "127.0.0.0/8,172.16.0.0/12,")
        return value.replace("checkin__", f"{self.database}__")

    def mail_to(self, address: str, *, count: int = 1, timeout: float = 90.0) -> email.message.EmailMessage:
        """The `count`-th message the relay got for `address` (waiting for it), parsed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = [message for message in self.inbox.messages if address in message.rcpt_tos]
            if len(got) >= count:
                content = got[count - 1].content or b""
                raw = content.encode() if isinstance(content, str) else content
                parsed = email.message_from_bytes(raw, policy=email.policy.default)
                assert isinstance(parsed, email.message.EmailMessage)
                return parsed
            time.sleep(0.2)
        raise AssertionError(f"no mail #{count} for {address}: {(self.folder / 'worker.log').read_text()[-3000:]}")

    def browser(self) -> Browser:
        assert self.proxy is not None
        return Browser(self.proxy)

    def api(self, method: str, path: str, body: object = None) -> Any:
        """The provisioning API through Caddy, with the IT token; the answer's JSON (2xx only)."""
        response = self.browser().request(method, f"https://{ROOT_DOMAIN}/api/v1/{path}", json_body=body,
                                          headers={"Authorization": f"Bearer {self.it_token}"})  # fmt: skip
        assert 200 <= response.status < 300, f"{method} {path}: {response.status} {response.text[:2000]}"
        return response.json()

    def manage(self, *arguments: str) -> str:
        """`docker compose run --rm migrate python platform/manage.py ...`: its output."""
        command = ["sh", str(DEPLOY / "entrypoint.sh"), "python", "platform/manage.py", *arguments]
        done = subprocess.run(command, env=self.environment("migrate"), capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{arguments[:2]} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
        return done.stdout

    def environment(self, service: str) -> dict[str, str]:
        """The service's environment in compose, plus the image's own (Dockerfile ENV) where it matters here."""
        env = {name: self.localise(str(value)) for name, value in COMPOSE["services"][service]["environment"].items()}
        if "CHECKIN_EXPORT_ROOT" in env:
            env["CHECKIN_EXPORT_ROOT"] = str(self.folder / "exports")  # the `exports` volume
        if "MEDIA_ROOT" in env:
            env["MEDIA_ROOT"] = str(self.folder / "media")  # the `media` volume
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


def _terminate_all(processes: list[subprocess.Popen[bytes]]) -> None:
    """Stop web, worker and beat at once (each then waited for by its own stop), so their shutdowns overlap.

    SIGINT: gunicorn's quick shutdown (SIGTERM would wait out idle keep-alive connections), Celery's warm one.
    """
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)


@pytest.fixture(scope="module")
def topology(django_db_setup: None, django_db_blocker: Any) -> Iterator[Topology]:
    database = f"ck_topo_{uuid.uuid4().hex[:8]}"
    folder = Path(tempfile.mkdtemp(prefix="checkin-topology-"))
    folder.chmod(0o777)  # PgBouncer runs as another user when the test runs as root (tests/pgbouncer_server.py)
    for volume in ("exports", "media", "beat-schedule", "static", "redis", "caddy"):
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
                topology.processes[service] = _start(
                    stack, command, topology.environment(service), folder / f"{service}.log"
                )
            topology.beat_started = time.time()
            _web(stack, topology)
            stack.callback(lambda: _terminate_all(list(topology.processes.values())))
            ports = (_any_free_port(), _any_free_port())
            topology.proxy = stack.enter_context(caddy(folder / "caddy", _caddy_env(topology), ports=ports))
            topology.it_token = _it_token(topology)
            yield topology
    finally:
        with _superuser("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            roles = admin.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s", [rf"{database}\_%"]).fetchall()
            if roles:  # in one statement: since PostgreSQL 16 a role that granted memberships goes only with them
                admin.execute("DROP ROLE " + ", ".join(f'"{role}"' for (role,) in roles))
        shutil.rmtree(folder, ignore_errors=True)


def _web(stack: ExitStack, topology: Topology) -> None:
    """compose's web service; on another port if one was taken between choice and use (gunicorn then exits)."""
    command = ["sh", str(DEPLOY / "entrypoint.sh"), *COMPOSE["services"]["web"]["command"]]
    log = topology.folder / "web.log"
    for _attempt in range(3):
        web = topology.processes["web"] = _start(stack, command, topology.environment("web"), log)
        try:
            wait_until_answers(f"http://127.0.0.1:{topology.web_port}/healthz", timeout=60, process=web)
            time.sleep(6)  # gunicorn gives up a taken port after 5 s: then what answered was not ours
            if web.poll() is None:
                return
        except (RuntimeError, http.client.HTTPException):
            pass  # it exited, or what answered on that port was another test's server (not HTTP)
        web.terminate()
        web.wait(timeout=30)
        topology.web_port = _any_free_port()
    raise AssertionError(log.read_text()[-3000:])


def _caddy_env(topology: Topology) -> dict[str, str]:
    """compose's caddy service: its environment, the upstream mapped to the web process."""
    env = {name: topology.localise(str(value)) for name, value in COMPOSE["services"]["caddy"]["environment"].items()}
    return {**env, "PATH": os.environ["PATH"]}


def _it_token(topology: Topology) -> str:
    """The first IT account as the guide makes it (deploy/README.md, "The first IT account"), and its API token.

    The token is made by the service behind /console/tokens/ (a browser session with a second factor otherwise).
    """
    guide = (DEPLOY / "README.md").read_text()
    line = next(line for line in guide.splitlines() if line.startswith("CHECKIN_IT_PASSWORD=..."))
    words = shlex.split(line)
    assert words[1:4] == ["python", "platform/manage.py", "create_it_account"], line
    env = {**topology.environment("migrate"), "CHECKIN_IT_PASSWORD": ACCOUNT_PASSWORD}
    done = subprocess.run(["sh", str(DEPLOY / "entrypoint.sh"), *words[1:]], env=env, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    output = topology.manage("shell", "-c", (
        "from shared_apps.accounts.models import User\n"
        "from shared_apps.api_tokens.services import api_token_create\n"
        f"print(api_token_create(name='topology', created_by=User.objects.get(email={IT_EMAIL!r}))[1])\n"
    ))  # fmt: skip
    return output.strip().splitlines()[-1]


def _redis(stack: ExitStack, topology: Topology) -> None:
    """compose's redis service; on another port if one was taken between choice and use."""
    stack.callback(topology.redis.stop)
    for _attempt in range(3):
        try:
            topology.redis.start()
            return
        except TimeoutError:
            topology.redis.stop()
            topology.redis.port = _any_free_port()
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
    as_user = ["runuser", "-u", pgbouncer_user(topology.postgres[0]), "--"] if os.geteuid() == 0 else []
    command = [*as_user, "sh", str(DEPLOY / "pgbouncer" / "entrypoint.sh")]
    log = topology.folder / "pgbouncer.log"
    for _attempt in range(3):
        process = _start(stack, command, {**env, "PGBOUNCER_PORT": str(topology.pgbouncer_port)}, log)
        if _accepts_the_login(topology, process):
            return
        topology.pgbouncer_port = _any_free_port()  # the port was taken between choice and use
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


def test_web_is_ready_through_pgbouncer_and_redis_behind_caddy_over_https(topology):
    ready = topology.browser().get(f"https://{ROOT_DOMAIN}/readyz")  # Caddy's certificate checked against its root
    assert ready.status == 200, ready.text[-2000:]


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


def _link(message: email.message.EmailMessage, pattern: str) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    found = re.search(pattern + r"[^\s<>\"]*", text)
    assert found, text[-2000:]
    return found.group(0).rstrip(".")


def _provision_company(topology: Topology, slug: str) -> dict[str, Any]:
    """A company in the building `tower` through the provisioning API, its first admin invited."""
    topology.api("POST", "buildings/", {"slug": "tower", "name": "Tower"})  # idempotent by slug
    body = {"building": "tower", "slug": slug, "name": slug.title(), "admin_email": f"admin@{slug}.example"}
    company: dict[str, Any] = topology.api("POST", "companies/", body)
    return company


@pytest.fixture(scope="module")
def acme(topology: Topology) -> dict[str, Any]:
    return _provision_company(topology, "acme")


def test_a_new_companys_first_admin_gets_a_working_https_invitation_at_the_relay(topology, acme):
    invitation = topology.mail_to("admin@acme.example")
    link = _link(invitation, r"https://acme\.checkin\.localhost/")
    browser = topology.browser()
    form = browser.get(link)  # through Caddy, its certificate checked against Caddy's root
    assert form.status == 200, form.text[-2000:]
    assert "new_password1" in form.text
    saved = browser.request("POST", form.url, form={"new_password1": ACCOUNT_PASSWORD,
                                                    "new_password2": ACCOUNT_PASSWORD})  # fmt: skip
    assert saved.status == 302, saved.text[-2000:]
    assert saved.headers["Location"].endswith("/accounts/login/")


def _desk_and_pairing_code(topology: Topology) -> str:
    """The building's desk account (password and authenticator) and a pairing code, as the desk shows one."""
    output = topology.manage("shell", "-c", (
        "from django_tenants.utils import tenant_context\n"
        "from shared_apps.accounts.models import User\n"
        "from shared_apps.accounts.services import user_ensure\n"
        "from shared_apps.accounts.two_factor import device_set\n"
        "from shared_apps.tenancy.models import Tenant\n"
        "from tenant_apps.kiosk.services import pairing_code_create\n"
        "reception = Tenant.objects.get(building__slug='tower', type=Tenant.Type.RECEPTION)\n"
        "with tenant_context(reception):\n"
        f"    desk = user_ensure(email={DESK_EMAIL!r}, full_name='Dana Desk', role=User.Role.DESK,"
        f" password={ACCOUNT_PASSWORD!r})\n"
        f"    device_set(user=desk, secret={DESK_SECRET!r})\n"
        "    print(pairing_code_create(kiosk_name='Lobby', user=desk, building=reception.building).code)\n"
    ))  # fmt: skip
    return output.strip().splitlines()[-1]


def test_a_kiosk_walk_in_reaches_the_desk_board(topology, acme):
    code = _desk_and_pairing_code(topology)
    tablet = topology.browser()
    assert tablet.get("https://tower.checkin.localhost/kiosk/pair/").status == 200
    paired = tablet.request("POST", "https://tower.checkin.localhost/kiosk/pair/", form={"code": code})
    assert paired.status == 302, paired.text[-2000:]
    assert tablet.get("https://tower.checkin.localhost/kiosk/").status == 200
    for path, form in (
        ("language/", {"language": "en"}),
        ("walk-in/", {"company": str(_tenant_id(topology, "acme"))}),
    ):
        step = tablet.request("POST", f"https://tower.checkin.localhost/kiosk/{path}", form=form)
        assert step.status == 302, (path, step.text[-2000:])
    details = {"first_name": "Walter", "last_name": "Topology", "visitor_company": "Visiting", "phone": "",
               "email": "walter@visiting.example", "accept_notice": "on", "accept_rules": "on"}  # fmt: skip
    done = tablet.request("POST", "https://tower.checkin.localhost/kiosk/walk-in/details/", form=details)
    assert done.status == 302 and done.headers["Location"].endswith("/kiosk/done/"), done.text[-2000:]

    desk = topology.browser()
    desk.get("https://tower.checkin.localhost/accounts/login/")
    signed = desk.request("POST", "https://tower.checkin.localhost/accounts/login/",
                          form={"username": DESK_EMAIL, "password": ACCOUNT_PASSWORD})  # fmt: skip
    assert signed.status == 302, signed.text[-2000:]
    second = desk.request("POST", "https://tower.checkin.localhost/accounts/two-factor/",
                          form={"code": totp.code_at(DESK_SECRET, totp.step_at())})  # fmt: skip
    assert second.status == 302, second.text[-2000:]
    board = desk.get("https://tower.checkin.localhost/desk/board/")
    assert board.status == 200
    assert "Topology" in board.text


@pytest.fixture(scope="module")
def initech_removed(topology: Topology) -> dict[str, Any]:
    """A company removed through the API: its final export is queued for the worker."""
    _provision_company(topology, "initech")
    topology.mail_to("admin@initech.example")  # the invitation: its admin exists
    removed: dict[str, Any] = topology.api("DELETE", "companies/initech/")
    return removed


def _downloads_a_zip(response: Any) -> None:
    assert response.status == 200, response.text[-2000:] if hasattr(response, "text") else response.status
    assert response.body[:2] == b"PK"


def test_an_export_written_by_the_worker_downloads_from_web(topology, initech_removed):
    ready = topology.mail_to("admin@initech.example", count=2)
    link = _link(ready, r"https://checkin\.localhost/")
    written = [path for path in (topology.folder / "exports").rglob("*") if path.is_file()]
    assert written, "the worker wrote nothing into the exports volume"
    _downloads_a_zip(topology.browser().get(link))


def _next_local(after: dt.datetime, hour: int, minute: int) -> dt.datetime:
    """The first hour:minute in TIME_ZONE after `after` (a crontab entry's next run)."""
    local = after.astimezone(ZoneInfo(settings.TIME_ZONE))
    candidate = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return candidate if candidate > local else candidate + dt.timedelta(days=1)


def _schema_of(topology: Topology, slug: str) -> str:
    with _superuser(topology.database) as admin:
        row = admin.execute("SELECT schema_name FROM tenancy_tenant WHERE slug = %s", [slug]).fetchone()
    assert row is not None
    return str(row[0])


def _schema_exists(topology: Topology, schema: str) -> bool:
    with _superuser(topology.database) as admin:
        return admin.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema]).fetchone() is not None


def test_the_daily_jobs_run_when_the_clock_says_so(topology, initech_removed):
    """Beat restarted on its volume under `faketime`, 5 s before 03:30: the due removal runs at 03:30 on its clock."""
    schema = _schema_of(topology, "initech")
    with _superuser(topology.database) as admin:  # its grace period is over
        admin.execute("UPDATE tenancy_tenant SET schema_drop_after = now() - interval '1 day' WHERE slug = 'initech'")
    beat = topology.processes["beat"]
    beat.terminate()  # a restart, as a rollout does: the schedule stays in its volume
    beat.wait(timeout=30)
    last_run = dt.datetime.fromtimestamp(topology.beat_started, dt.UTC)
    drop_at = _next_local(last_run, 3, 30)
    start = drop_at - dt.timedelta(seconds=5)
    env = {**topology.environment("beat"), "LOG_LEVEL": "INFO", "LOG_FORMAT": "text", "TZ": "UTC"}
    command = ["faketime", "-f", start.astimezone(dt.UTC).strftime("@%Y-%m-%d %H:%M:%S"),
               "sh", str(DEPLOY / "entrypoint.sh"), *COMPOSE["services"]["beat"]["command"]]  # fmt: skip
    log = topology.folder / "beat-faked.log"
    with log.open("wb") as output:
        # faketime runs beat as its child: a session of its own lets the teardown stop both.
        faked = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            assert _schema_exists(topology, schema)
            deadline = time.monotonic() + 60
            while _schema_exists(topology, schema):
                assert faked.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, (
                    log.read_text()[-3000:] + (topology.folder / "worker.log").read_text()[-5000:]
                )
                time.sleep(0.5)
        finally:
            os.killpg(faked.pid, signal.SIGTERM)
            faked.wait(timeout=30)
    lines = log.read_text().splitlines()
    started = next(line for line in lines if "beat: Starting" in line)
    assert started < drop_at.strftime("%Y-%m-%d %H:%M:%S"), started  # the text log's stamp: beat's local clock
    sent = next(line for line in lines if "Sending due task drop-removed-company-schemas" in line)
    assert sent.startswith(drop_at.strftime("%Y-%m-%d %H:%M:")), sent  # at 03:30 on its clock, not at start
    for entry, (hour, minute) in {"privacy-purge-notices": (2, 30), "privacy-purge": (3, 0)}.items():
        if _next_local(last_run, hour, minute) <= start:  # due while beat was down: sent once it is back
            assert any(f"Sending due task {entry} " in line for line in lines), entry
    with _superuser(topology.database) as admin:  # the company's role went with its schema
        role = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [f"{topology.database}_{schema}"])
        assert role.fetchone() is None


def _tenant_id(topology: Topology, slug: str) -> int:
    with _superuser(topology.database) as admin:
        row = admin.execute("SELECT id FROM tenancy_tenant WHERE slug = %s", [slug]).fetchone()
    assert row is not None
    return int(row[0])


BUCKET = "checkin-exports"


@pytest.fixture(scope="module")
def s3_web(topology: Topology) -> Iterator[tuple[str, Any]]:
    """A web and worker pair with CHECKIN_EXPORT_STORAGE=s3 (the guide's variables) on moto's S3 server.

    On a Redis database of their own, so that only this worker takes the tasks this web sends.
    """
    port = _any_free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    keys = {"aws_access_key_id": "test-access", "aws_secret_access_key": "test-secret"}
    client = boto3.client("s3", endpoint_url=endpoint, region_name="eu-central-1", **keys)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    web_port = _any_free_port()
    s3 = {
        "CHECKIN_EXPORT_STORAGE": "s3", "CHECKIN_EXPORT_S3_BUCKET": BUCKET, "CHECKIN_EXPORT_S3_ENDPOINT_URL": endpoint,
        "CHECKIN_EXPORT_S3_REGION": "eu-central-1", "CHECKIN_EXPORT_S3_ACCESS_KEY_ID": keys["aws_access_key_id"],
        "CHECKIN_EXPORT_S3_SECRET_ACCESS_KEY": keys["aws_secret_access_key"],
        "REDIS_URL": topology.redis.url.rsplit("/", 1)[0] + "/1",
        # Media in the same bucket, under media/ (a start without MEDIA_ROOT proves the s3 kind is taken).
        "CHECKIN_MEDIA_STORAGE": "s3", "CHECKIN_MEDIA_S3_BUCKET": BUCKET, "CHECKIN_MEDIA_S3_ENDPOINT_URL": endpoint,
        "CHECKIN_MEDIA_S3_REGION": "eu-central-1", "CHECKIN_MEDIA_S3_ACCESS_KEY_ID": keys["aws_access_key_id"],
        "CHECKIN_MEDIA_S3_SECRET_ACCESS_KEY": keys["aws_secret_access_key"],
    }  # fmt: skip
    try:
        with ExitStack() as stack:
            processes = []
            for service in ("worker", "web"):
                env = {**topology.environment(service), **s3, "GUNICORN_BIND": f"127.0.0.1:{web_port}"}
                env.pop("MEDIA_ROOT", None)
                command = ["sh", str(DEPLOY / "entrypoint.sh"), *COMPOSE["services"][service]["command"]]
                process = _start(stack, command, env, topology.folder / f"s3-{service}.log")
                processes.append(process)
            stack.callback(_terminate_all, processes)
            wait_until_answers(f"http://127.0.0.1:{web_port}/healthz", timeout=90, process=process)
            yield f"http://127.0.0.1:{web_port}", client
    finally:
        server.stop()


def _direct(base: str, method: str, path: str, token: str = "", body: object = None) -> tuple[int, bytes]:
    """A request to a web process as Caddy passes it on (Host, X-Forwarded-Proto)."""
    headers = {"Host": ROOT_DOMAIN, "X-Forwarded-Proto": "https", "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base}{path}", data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - the run's own web process
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_with_the_s3_store_an_export_written_by_the_worker_downloads_from_web(topology, s3_web):
    base, client = s3_web
    body = {"building": "tower", "slug": "globex", "name": "Globex", "admin_email": "admin@globex.example"}
    _direct(base, "POST", "/api/v1/buildings/", topology.it_token, {"slug": "tower", "name": "Tower"})
    status, answer = _direct(base, "POST", "/api/v1/companies/", topology.it_token, body)
    assert status in (200, 201), answer[-2000:]
    topology.mail_to("admin@globex.example")
    status, answer = _direct(base, "DELETE", "/api/v1/companies/globex/", topology.it_token)
    assert status == 200, answer[-2000:]
    link = _link(topology.mail_to("admin@globex.example", count=2), r"https://checkin\.localhost/")
    keys = [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert keys and all(key.startswith("exports/") for key in keys), keys
    status, zipped = _direct(base, "GET", "/" + link.split("/", 3)[3])
    assert status == 200 and zipped[:2] == b"PK", zipped[:500]
