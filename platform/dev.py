#!/usr/bin/env python3
"""The two commands of the README, for a machine with nothing but Python 3.11+.

    python3 platform/dev.py run     # install, migrate, load the demo, serve it
    python3 platform/dev.py test    # install, then ruff, mypy, lint-imports and the whole pytest suite

Both create `.venv` and install the project into it when needed, and use
DATABASE_URL when set, else an embedded PostgreSQL under `.data/`.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".checkin-installed"
MANAGE = [str(PYTHON), str(ROOT / "platform" / "manage.py")]


def main() -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - the user may run an older python3
        sys.exit(f"Check-in needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test"}:
        sys.exit("usage: python3 platform/dev.py run | test [pytest arguments]")
    ensure_installed()
    env = os.environ.copy()
    env.setdefault("DJANGO_SETTINGS_MODULE", "checkin.settings")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "platform"), str(ROOT)])
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = subprocess.check_output(
            [
                str(PYTHON),
                "-c",
                "from checkin.embedded_db import embedded_database_url; print(embedded_database_url())",
            ],
            env=env,
            text=True,
        ).strip()
    command, args = sys.argv[1], sys.argv[2:]
    return run(env) if command == "run" else test(env, args)


def ensure_installed() -> None:
    """Create the virtual environment and install the project when pyproject.toml changed."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    print("Installing Check-in and its dependencies into .venv ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(digest)


# Connects to DATABASE_URL; on failure prints psycopg's reason on one line (it never holds the password).
_DATABASE_PROBE = """
import os, sys, psycopg
try:
    psycopg.connect(os.environ["DATABASE_URL"], connect_timeout=5).close()
except psycopg.Error as exc:
    sys.exit(" ".join(str(exc).split()))
"""


def database_reachable(env: dict[str, str]) -> None:
    """Stop with one line saying what to fix when DATABASE_URL's database cannot be reached."""
    probe = subprocess.run([str(PYTHON), "-c", _DATABASE_PROBE], env=env, capture_output=True, text=True)
    if probe.returncode != 0:
        sys.exit(
            f"Cannot use the database in DATABASE_URL ({probe.stderr.strip()}): create it, fix the URL, "
            "or unset DATABASE_URL to use the embedded PostgreSQL."
        )


def run(env: dict[str, str]) -> int:
    database_reachable(env)
    port = env.get("PORT", "8000")
    env.setdefault("CHECKIN_PUBLIC_PORT", port)  # the printed URLs use the port actually served
    subprocess.run([*MANAGE, "migrate_schemas", "--noinput", "-v", "0"], env=env, check=True)
    children: list[subprocess.Popen[bytes]] = [oidc_provider_start(env, checkin_port=port)]
    subprocess.run([*MANAGE, "load_demo"], env=env, check=True)
    if env.get("REDIS_URL"):
        celery = [str(VENV / "bin" / "celery"), "-A", "checkin"]
        children.append(subprocess.Popen([*celery, "worker", "-l", "INFO", "--max-tasks-per-child", "200"], env=env))
        children.append(subprocess.Popen([*celery, "beat", "-l", "INFO"], env=env))
    else:
        print("REDIS_URL is unset: background tasks run inside the web process.", flush=True)
    server = subprocess.Popen([*MANAGE, "runserver", f"127.0.0.1:{port}"], env=env)
    try:
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for child in [server, *children]:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in [server, *children]:
            child.wait()


def oidc_provider_start(env: dict[str, str], *, checkin_port: str) -> subprocess.Popen[bytes]:
    """The demo's identity provider (tests/oidc_provider, django-oauth-toolkit) that `globex` signs in through;
    `load_demo` configures globex for it when CHECKIN_DEMO_OIDC_ISSUER is set."""
    port = env.get("CHECKIN_DEMO_OIDC_PORT", "8180")
    data = ROOT / ".data" / "oidc-provider"
    data.mkdir(parents=True, exist_ok=True)
    config = ROOT / "tests" / "oidc_provider" / "demo.json"
    provider = subprocess.Popen(
        [str(PYTHON), "-m", "tests.oidc_provider.serve", "--port", port, "--config", str(config), "--data", str(data),
         "--checkin-port", checkin_port],
        env=env, cwd=ROOT, stdout=subprocess.PIPE,
    )  # fmt: skip
    assert provider.stdout is not None
    ready = provider.stdout.readline().decode()
    if not ready.startswith("ready "):
        sys.exit(f"The demo's OpenID provider did not start on port {port}: set CHECKIN_DEMO_OIDC_PORT to a free port.")
    env["CHECKIN_DEMO_OIDC_ISSUER"] = ready.split()[1]
    return provider


# The suite in two pytest-xdist workers, each on a test database and a Redis database of its own (tests/settings.py),
# a whole module at a time and in the serial order (tests/parallel.py): most of the suite's time is spent waiting for
# the servers, workers and clusters its tests start, which the other worker overlaps.
# `python3 platform/dev.py test -n 0` runs it in one process.
PARALLEL = ["--ds", "tests.settings", "-n", "2", "--dist", "loadscope", "--no-loadscope-reorder"]


def test(env: dict[str, str], pytest_args: list[str]) -> int:
    bin_dir = VENV / "bin"
    steps = [
        [str(bin_dir / "ruff"), "check", "."],
        [str(bin_dir / "ruff"), "format", "--check", "."],
        [str(bin_dir / "mypy")],
        [str(bin_dir / "lint-imports")],  # the layers of README.md's "Architecture" (contracts in pyproject.toml)
        [str(bin_dir / "pytest"), *PARALLEL, *pytest_args],
    ]
    for step in steps:
        print(f"\n$ {' '.join(Path(step[0]).name if i == 0 else part for i, part in enumerate(step))}", flush=True)
        result = subprocess.run(step, cwd=ROOT, env=env)
        if result.returncode != 0:
            return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
