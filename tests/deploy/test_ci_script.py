"""`.ci/raise-max-connections`: the suite's PostgreSQL gets the max_connections .ci/run asks, restarted only if lower.

Run with stand-ins for psql, pg_ctlcluster and pg_isready on PATH that record their arguments: the machine's own
server is never altered or restarted by the test.
"""

import subprocess
from pathlib import Path

import pytest

from tests.deploy.processes import ROOT

_STANDINS = {
    "psql": 'echo "psql $*" >> "$CALLS"\ncase "$*" in *"SHOW max_connections"*) echo "$CURRENT";; esac\n',
    "pg_ctlcluster": 'echo "pg_ctlcluster $*" >> "$CALLS"\n',
    "pg_isready": "exit 0\n",
}


def _run(tmp_path: Path, current: int) -> list[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in _STANDINS.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}")
        (bin_dir / name).chmod(0o755)
    calls = tmp_path / "calls"
    calls.touch()
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "CALLS": str(calls), "CURRENT": str(current)}
    subprocess.run([str(ROOT / ".ci/raise-max-connections"), "300"], env=env, check=True, timeout=30)
    return calls.read_text().splitlines()


@pytest.mark.parametrize("current", [300, 400])
def test_a_server_with_enough_connections_is_left_alone(tmp_path, current):
    calls = _run(tmp_path, current)
    assert len(calls) == 1 and "SHOW max_connections" in calls[0]


def test_a_lower_setting_is_raised_and_the_server_restarted(tmp_path):
    calls = _run(tmp_path, 100)
    assert "ALTER SYSTEM SET max_connections = 300" in calls[1]
    assert calls[2].startswith("pg_ctlcluster --skip-systemctl-redirect ") and calls[2].endswith(" main restart")


def test_ci_runs_it_before_the_suite():
    script = (ROOT / ".ci/run").read_text()
    assert script.index(".ci/raise-max-connections 400") < script.index("platform/dev.py test")
