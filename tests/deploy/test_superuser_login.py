"""Every production process refuses a PostgreSQL superuser login by itself, with one line and a non-zero exit.

Not only through the image's `check --deploy` (checkin.E001): gunicorn, a Celery worker, beat and a management
command started directly with the production settings (shared_apps/database/login_guard.py). With the guide's
login (no superuser) they run.
"""

import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.processes import ROOT, current_test_database_url, free_port, production_env
from tests.reliability.services import RedisServer

LINE = "a PostgreSQL superuser that can read every company: set it to the guide's login"


@pytest.fixture(scope="module")
def own_redis() -> Iterator[RedisServer]:
    """A broker of the test's own: a worker started here takes no other test's task."""
    with tempfile.TemporaryDirectory(prefix="checkin-superuser-redis-") as folder:
        server = RedisServer(port=free_port(), folder=Path(folder))
        server.start()
        try:
            yield server
        finally:
            server.stop()


def _env(login: str | None, redis_url: str, schedule: Path, port: int) -> dict[str, str]:
    return production_env(
        database_url=current_test_database_url(user=login), port=port, REDIS_URL=redis_url,
        CHECKIN_DB_ALLOW_SUPERUSER="0", CHECKIN_BEAT_SCHEDULE_FILE=str(schedule), GUNICORN_WORKERS="1",
    )  # fmt: skip


COMMANDS = {
    "web": [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "checkin.wsgi"],
    "worker": [sys.executable, "-m", "celery", "-A", "checkin", "worker", "--pool", "prefork", "--concurrency", "1",
               "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO"],
    "beat": [sys.executable, "-m", "celery", "-A", "checkin", "beat", "--loglevel", "INFO"],
    "command": [sys.executable, "platform/manage.py", "showmigrations", "visits"],
}  # fmt: skip


@pytest.mark.parametrize("process", ["web", "worker", "beat", "command"])
def test_a_superuser_login_stops_the_process_with_one_line(process, own_redis, tmp_path):
    env = _env(None, own_redis.url, tmp_path / "schedule", free_port())  # the tests' own login, postgres
    result = subprocess.run(COMMANDS[process], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if LINE in line]
    assert len(lines) == 1, result.stderr[-3000:]
    assert lines[0].startswith("DATABASE_URL logs in as ") and lines[0] == result.stderr.strip().splitlines()[-1]
    assert "Traceback" not in result.stderr


def test_check_deploy_still_names_it_with_its_hint(own_redis, tmp_path):
    """`check` is an operator command: let through, it reports the login as checkin.E001 itself."""
    env = _env(None, own_redis.url, tmp_path / "schedule", free_port())
    result = subprocess.run(
        [sys.executable, "platform/manage.py", "check", "--deploy"], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0 and "checkin.E001" in result.stderr, result.stderr[-3000:]


# What each process logs once it has started (LOG_LEVEL=INFO), past the point where its login is asked.
STARTED = {"web": "Booting worker with pid", "worker": " ready.", "beat": "beat: Starting..."}


@pytest.mark.django_db
@pytest.mark.parametrize("process", ["web", "worker", "beat"])
def test_with_the_guides_login_they_run(process, own_redis, tmp_path, web_login):
    env = _env(web_login, own_redis.url, tmp_path / "schedule", free_port()) | {"LOG_LEVEL": "INFO"}
    log = tmp_path / "log"
    with log.open("wb") as output:
        child = subprocess.Popen(COMMANDS[process], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while STARTED[process] not in log.read_text(errors="replace"):
            assert child.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.2)  # waiting for a process we started
        time.sleep(1)
        assert child.poll() is None, log.read_text(errors="replace")[-3000:]
    finally:
        child.terminate()
        child.wait(timeout=30)
    assert LINE not in log.read_text(errors="replace")
