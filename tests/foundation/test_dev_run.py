"""`python3 platform/dev.py run` with a DATABASE_URL it cannot use stops at once with one line saying what to fix."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_database_that_does_not_exist_is_one_line_and_exit_1(db):
    from tests.deploy.processes import current_test_database_url

    url = current_test_database_url().rsplit("/", 1)[0] + "/checkin_no_such_database"
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run([sys.executable, str(ROOT / "platform" / "dev.py"), "run"], env=env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 1
    assert done.stdout == ""
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("Cannot use the database in DATABASE_URL (") and "checkin_no_such_database" in line
    assert line.endswith("or unset DATABASE_URL to use the embedded PostgreSQL.")
