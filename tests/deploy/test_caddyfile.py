"""deploy/Caddyfile passes Caddy's own validation (Debian's `caddy` package; CI installs it)."""

import os
import shutil
import socket
import ssl
import subprocess
import time

import pytest

from tests.deploy.caddy import CADDY, caddy
from tests.deploy.processes import ROOT

pytestmark = [
    pytest.mark.skipif(CADDY is None, reason="no `caddy` binary: apt-get install caddy (as .ci/run does)"),
    pytest.mark.django_db,
]
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


def _https_get(port: int, server_name: str, path: str) -> str:
    """One HTTPS request to the proxy on loopback, with `server_name` as SNI and Host."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # Caddy's internal CA stands in for the public one
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    with raw, context.wrap_socket(raw, server_hostname=server_name) as tls:
        tls.sendall(f"GET {path} HTTP/1.1\r\nHost: {server_name}\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while chunk := tls.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")


def _https_get_allowed(port: int, server_name: str, path: str, *, within: float = 20.0) -> str:
    """The same for a host the proxy serves: its first certificate is issued on demand (asking the app),
    which a loaded machine can take a few seconds to finish, so the handshake is retried until then."""
    deadline = time.monotonic() + within
    while True:
        try:
            return _https_get(port, server_name, path)
        except ssl.SSLError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)  # waiting for Caddy's certificate, a process we started


@pytest.fixture
def running_proxy(caddy_folder, production_server):
    """deploy/Caddyfile run by Caddy in front of the production web process (tests/deploy/caddy.py)."""
    web_port = int(production_server.rsplit(":", 1)[1])
    env = {**ENV, "CHECKIN_ROOT_DOMAIN": "localhost", "CHECKIN_UPSTREAM": f"127.0.0.1:{web_port}"}
    with caddy(caddy_folder, env, after_port=web_port) as proxy:
        yield proxy


def test_the_proxy_serves_a_company_host_over_https(running_proxy):
    response = _https_get_allowed(running_proxy.https_port, "acme.localhost", "/accounts/login/")
    status_line, headers = response.split("\r\n", 1)[0], response.lower()
    assert status_line == "HTTP/1.1 200 OK"
    # Django saw https (X-Forwarded-Proto from Caddy): no redirect, HSTS and the __Host- cookie.
    assert "strict-transport-security: max-age=31536000" in headers
    assert "set-cookie: __host-checkin_csrf=" in headers


def test_the_proxy_refuses_a_certificate_for_an_unknown_host(running_proxy):
    # Caddy asks /internal/tls-allowed, gets 404, and fails the handshake: Check-in never sees the request.
    with pytest.raises(ssl.SSLError):
        _https_get(running_proxy.https_port, "evil.example", "/")
    assert running_proxy.wait_for_log("evil.example: certificate not allowed by ask endpoint")


def test_the_proxy_hides_the_internal_endpoint(running_proxy):
    response = _https_get_allowed(
        running_proxy.https_port, "acme.localhost", "/internal/tls-allowed?domain=acme.localhost"
    )
    assert response.startswith("HTTP/1.1 404")
