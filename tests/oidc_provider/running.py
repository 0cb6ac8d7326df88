"""Start the test OpenID provider in a subprocess, and sign in at it as a browser would (with `requests`)."""

import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests

from tests.browser import ROOT, free_port

PASSWORD = "provider-password-2026"


@contextmanager
def provider_running(config: dict[str, Any], *, port: int | None = None) -> Iterator[str]:
    """The provider serving `config` (its users and clients) on a free port; yields its issuer URL."""
    port = port or free_port()
    with tempfile.TemporaryDirectory(prefix="oidc-provider-") as folder:
        config_path = Path(folder) / "config.json"
        config_path.write_text(json.dumps(config))
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider.serve", "--port", str(port), "--config", str(config_path),
             "--data", folder],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=None, text=True,
        )  # fmt: skip
        try:
            assert process.stdout is not None
            line = process.stdout.readline()  # blocks until it serves (or dies)
            if not line.startswith("ready "):
                raise RuntimeError("the test OpenID provider did not start")
            yield line.split()[1]
        finally:
            process.terminate()
            process.wait(timeout=30)


def provider_sign_in(authorize_url: str, *, email: str, password: str = PASSWORD) -> str:
    """Follow the authorization request through the provider's sign-in form; the URL it sends the browser back to
    (the relying party's callback with `code` and `state`)."""
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=True, timeout=30)
    if "/login/" in response.url:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
        assert token is not None, response.text[:500]
        nxt = re.search(r'name="next" value="([^"]*)"', response.text)
        response = browser.post(
            response.url,
            data={"csrfmiddlewaretoken": token.group(1), "username": email, "password": password,
                  "next": nxt.group(1).replace("&amp;", "&") if nxt else ""},
            headers={"Referer": response.url}, allow_redirects=False, timeout=30,
        )  # fmt: skip
        assert response.status_code == 302, f"the provider refused {email}"
        location = urljoin(response.url, response.headers["Location"])
        response = browser.get(location, allow_redirects=False, timeout=30)
    deadline = time.monotonic() + 30
    while response.status_code == 302 and "/o/" in response.headers["Location"] and time.monotonic() < deadline:
        response = browser.get(urljoin(response.url, response.headers["Location"]), allow_redirects=False, timeout=30)
    assert response.status_code == 302, f"the provider answered {response.status_code}: {response.text[:300]}"
    return str(response.headers["Location"])
