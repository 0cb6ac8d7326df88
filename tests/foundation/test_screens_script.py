"""tests/screens/shoot.py, the screenshot script of README's "Benchmarks and tools", run once in Dutch against the
session's dev server on the test database (tests/browser.py): it writes and prints a non-empty PNG of every screen it
promises."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, ROOT, Site

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")

SCREENS = [
    *(
        f"kiosk-{page}-nl-{side}"
        for page in ("start", "walk-in", "done", "badge")
        for side in ("landscape", "portrait")
    ),
    "desk-board-nl",
    "portal-visits-nl",
    "portal-upcoming-nl",
]


def test_the_screenshot_script_writes_every_screen_of_a_language(db, dev_site: Site):
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run(
            [sys.executable, "tests/screens/shoot.py", "--port", str(dev_site.port), "--languages", "nl", folder],
            cwd=ROOT, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
        printed = set(result.stdout.split())
        for name in SCREENS:
            path = Path(folder) / f"{name}.png"
            assert str(path) in printed, name
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000, name
