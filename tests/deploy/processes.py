"""Start the production web process (the container's command) on a spare loopback port."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# deploy's own port range on this machine (CONVENTIONS: one range per helper), dealt out among the pytest-xdist
# workers (platform/dev.py test): two workers never pick the same port between its choice and its use.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_WORKERS = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
PORTS = range(8107, 8118)[int(_WORKER.removeprefix("gw") or 0) :: _WORKERS]
LONG_SECRET_KEY = "test-production-secret-" + "k" * 60
SUPPRESSION_KEY = "test-production-suppression-" + "s" * 40
_SCRATCH = Path(tempfile.gettempdir()) / "-".join(filter(None, ["checkin-production", str(os.getuid()), _WORKER]))


def _scratch(name: str) -> Path:
    """A folder outside the project that production settings accept (absolute, writable)."""
    folder = _SCRATCH / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def free_port(*, after: int = 0) -> int:
    """The first port of deploy's range (above `after`) that nothing listens on."""
    for port in PORTS:
        if port <= after:
            continue
        with socket.socket() as probe:
            # As the servers do: a port whose old connections linger in TIME_WAIT is free to listen on.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port of {list(PORTS)}: stop what holds them")


def current_test_database_url(*, user: str | None = None) -> str:
    """The URL of the database Django is connected to (pytest's test database in a test), for a child process.

    As another login when `user` is given.
    """
    from django.db import connection

    db = connection.settings_dict
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] and user is None else ""
    host = urllib.parse.quote(db["HOST"] or "127.0.0.1", safe="")  # a socket folder, for the embedded PostgreSQL
    return f"postgresql://{user or db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def encryption_keys() -> str:
    """The keys this test process encrypts with: the server then reads the secrets of the test database."""
    from django.conf import settings

    return ",".join(settings.CHECKIN_ENCRYPTION_KEYS)


def production_env(*, database_url: str, port: int | None = None, **extra: str) -> dict[str, str]:
    """The container's environment, on loopback: production settings, DEBUG off, a long secret."""
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SENTRY_DSN", "SECRET_KEY"}}
    env.update(
        PYTHONPATH=f"{ROOT / 'platform'}:{ROOT}",
        DJANGO_SETTINGS_MODULE="checkin.settings_production",
        SECRET_KEY=LONG_SECRET_KEY,
        CHECKIN_ENCRYPTION_KEYS=encryption_keys(),
        DATABASE_URL=database_url,
        CHECKIN_ROOT_DOMAIN="localhost",
        # What production requires: mail (here written to files), a key for objections, export and media folders.
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(_scratch("mail")),
        CHECKIN_SUPPRESSION_KEY=SUPPRESSION_KEY,
        CHECKIN_EXPORT_ROOT=str(_scratch("exports")),
        MEDIA_ROOT=str(_scratch("media")),
        GUNICORN_WORKERS="2",
        LOG_LEVEL="WARNING",
        # No spare schemas, as in the test process: a server or worker on the test database that provisions
        # would leave committed spares that later tests take for their own.
        CHECKIN_SPARE_SCHEMAS="0",
        # Most tests' processes log in as the test database's own login, a superuser, which production refuses
        # (shared_apps/database/login_guard.py); the tests of that refusal and of the guide's login set it to 0.
        CHECKIN_DB_ALLOW_SUPERUSER="1",
    )
    if port is not None:
        env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    env.update(extra)
    return env


def wait_until_answers(url: str, *, timeout: float = 30.0, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - a loopback URL built by the test
                return
        except urllib.error.HTTPError:
            return  # it answers, even if not with 200
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@contextmanager
def gunicorn(env: dict[str, str], port: int, *, timeout: float = 30.0) -> Iterator[str]:
    """`gunicorn -c deploy/gunicorn.conf.py checkin.wsgi`, as the image runs it; yields its base URL.

    Its log goes to a file (a pipe nobody reads would block it) that is printed if it fails to start.
    """
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "checkin.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            try:
                wait_until_answers(f"{base}/healthz", timeout=timeout, process=process)
            except (RuntimeError, TimeoutError):
                log.seek(0)
                sys.stderr.write(log.read().decode(errors="replace")[-5000:])
                raise
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
