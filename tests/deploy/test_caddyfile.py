"""deploy/Caddyfile passes Caddy's own validation (Debian's `caddy` package; CI installs it)."""

import os
import shutil
import subprocess

import pytest

from tests.deploy.processes import ROOT

CADDY = shutil.which("caddy")
pytestmark = pytest.mark.skipif(CADDY is None, reason="no `caddy` binary: apt-get install caddy (as .ci/run does)")
ENV = {
    **os.environ,
    "CHECKIN_ROOT_DOMAIN": "checkin.example",
    "ACME_EMAIL": "ops@checkin.example",
    "CHECKIN_UPSTREAM": "web:8000",
    "DNS_API_TOKEN": "token",
    "HOME": "/tmp",  # caddy writes its state under $HOME; the test must not touch the user's
}


def _adapt(folder):
    assert CADDY is not None
    return subprocess.run(
        [CADDY, "adapt", "--config", str(folder / "Caddyfile"), "--adapter", "caddyfile", "--validate"],
        cwd=folder, env=ENV, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.fixture
def caddy_folder(tmp_path):
    shutil.copy(ROOT / "deploy" / "Caddyfile", tmp_path / "Caddyfile")
    return tmp_path


def test_the_caddyfile_validates(caddy_folder):
    # The wildcard snippet needs a DNS provider module that Debian's build lacks: stand in `tls internal`.
    (caddy_folder / "wildcard_tls.caddy").write_text("tls internal\n")
    result = _adapt(caddy_folder)
    assert result.returncode == 0, result.stderr
    config = result.stdout
    assert '"host":["checkin.example","*.checkin.example"]' in config
    assert '"ask":"http://web:8000/internal/tls-allowed"' in config
    assert '"on_demand":true' in config
    assert '"dial":"web:8000"' in config


def test_the_wildcard_snippet_is_valid_up_to_its_dns_module(caddy_folder):
    shutil.copy(ROOT / "deploy" / "caddy" / "wildcard_tls.caddy", caddy_folder / "wildcard_tls.caddy")
    result = _adapt(caddy_folder)
    if result.returncode == 0:  # a caddy built with the module (deploy/caddy/Dockerfile)
        return
    assert "module not registered: dns.providers.cloudflare" in result.stderr, result.stderr
