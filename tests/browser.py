"""Headless Chromium against a dev server on the test database (it sees only committed rows)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def dev_server(
    *, output: IO[bytes] | None = None, env: dict[str, str] | None = None, unset: tuple[str, ...] = ()
) -> Iterator[int]:
    """`runserver` on the test database; yields its port. Its standard output (the console e-mail backend's
    messages) goes to `output`; `env` adds to its environment, `unset` removes from it."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's Chromium is not installed")
    settings_dict = connection.settings_dict
    host = quote(settings_dict["HOST"] or "", safe="")
    port_part = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    port = free_port()
    environment = {
        **{name: value for name, value in os.environ.items() if name not in unset},
        "DATABASE_URL": f"postgresql://{settings_dict['USER']}@{host}{port_part}/{settings_dict['NAME']}",
        "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}",
        "DEBUG": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        # No spare schemas, as in the test process (tests/conftest.py): a building or company provisioned from a
        # page would otherwise leave committed spares that later tests take for their own.
        "CHECKIN_SPARE_SCHEMAS": "0",
        **(env or {}),
    }
    process = subprocess.Popen(
        [sys.executable, "platform/manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=environment, cwd=ROOT, stdout=output or subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60  # generous: the machine may be busy
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the dev server did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
