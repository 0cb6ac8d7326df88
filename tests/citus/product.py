"""The product on the cluster (or on another throw-away server): its environment, and `manage.py` run in it (one
Django process per command)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.citus.cluster import Cluster

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "checkin"  # the role prefix: the database's name


def manage(env: dict[str, str], *args: str, settings: str = "checkin.settings") -> str:
    """Run a management command in the product's environment; its standard output."""
    result = subprocess.run(
        [sys.executable, "platform/manage.py", *args],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": settings},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout


def product_env(database_url: str, kind: str = "postgresql") -> dict[str, str]:
    """The environment of the product on another server: its database there, tasks run in-process."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CHECKIN_DATABASE_KIND": kind,
        "CHECKIN_SPARE_SCHEMAS": "0",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "platform"), str(ROOT)]),
    }
    env.pop("REDIS_URL", None)
    return env


def product_start(cluster: Cluster) -> dict[str, str]:
    """The environment of the product on the cluster, migrated, its demo loaded (building tower: acme and globex,
    on different workers when there are two or more)."""
    env = product_env(cluster.url, kind="citus")
    manage(env, "migrate_schemas", "--noinput", "-v", "0")
    manage(env, "load_demo")
    acme, globex = cluster.placement("acme"), cluster.placement("globex")
    other = next((w.port for w in cluster.workers if w.port != acme), None)
    if acme == globex and other is not None:  # new schemas go round the workers; make sure two hold a company
        with cluster.coordinator.connect() as conn:
            conn.execute("SELECT citus_schema_move('globex', '127.0.0.1', %s)", [other])
    return env
