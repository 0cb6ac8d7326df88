"""deploy/Caddyfile run by Caddy on loopback, and a client that trusts its local certificate authority.

Only what cannot run here is changed in the Caddyfile: certificates come from Caddy's internal CA (the
wildcard snippet becomes `tls internal`; no ACME, no DNS), the ports are spare ones on loopback, the admin
API is off and the CA is not installed into the system's trust store. Everything else is the shipped file,
so the test and the file cannot drift apart.
"""

import http.client
import http.cookies
import json
import shutil
import socket
import ssl
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.deploy.processes import ROOT, free_port

CADDY = shutil.which("caddy")
CSRF_COOKIE = "__Host-checkin_csrf"  # production settings' cookie name


@dataclass
class RunningProxy:
    https_port: int
    http_port: int
    log: Path
    root_certificate: Path

    def wait_for_log(self, text: str) -> bool:
        deadline = time.monotonic() + 5
        while text not in self.log.read_text(errors="replace"):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True


def local_caddyfile(folder: Path, *, http_port: int, https_port: int) -> None:
    """Write deploy/Caddyfile into `folder` with only the local changes above."""
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    options = ["debug", "admin off", "skip_install_trust", "local_certs", "default_bind 127.0.0.1",
               f"http_port {http_port}", f"https_port {https_port}"]  # fmt: skip
    local = "".join(f"\t{option}\n" for option in options)
    (folder / "Caddyfile").write_text(caddyfile.replace("{\n", "{\n" + local, 1))
    (folder / "wildcard_tls.caddy").write_text("tls internal\n")


@contextmanager
def caddy(
    folder: Path, env: dict[str, str], *, after_port: int = 0, ports: tuple[int, int] | None = None
) -> Iterator[RunningProxy]:
    """`caddy run` with the local Caddyfile in `folder` and compose's environment for it (`env`).

    On `ports` (HTTP, HTTPS), else on the first free ones of deploy's range above `after_port`.
    """
    assert CADDY is not None, "no `caddy` binary: apt-get install caddy (as .ci/run does)"
    if ports is None:
        http_port = free_port(after=after_port)
        ports = (http_port, free_port(after=http_port))
    http_port, https_port = ports
    local_caddyfile(folder, http_port=http_port, https_port=https_port)
    env = {**env, "HOME": str(folder), "XDG_DATA_HOME": str(folder / "data"), "XDG_CONFIG_HOME": str(folder / "config")}
    log_path = folder / "caddy.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([CADDY, "run", "--config", "Caddyfile", "--adapter", "caddyfile"],
                                   cwd=folder, env=env, stdout=log, stderr=log)  # fmt: skip
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                    break
                except OSError:
                    assert process.poll() is None, log_path.read_text()[-3000:]
                    assert time.monotonic() < deadline, "caddy did not start"
                    time.sleep(0.1)
            root = folder / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
            yield RunningProxy(https_port=https_port, http_port=http_port, log=log_path, root_certificate=root)
        finally:
            process.terminate()
            process.wait(timeout=10)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)


class _ToLoopback(http.client.HTTPSConnection):
    """HTTPS to the proxy's loopback port, with the site's name as SNI and for the certificate check."""

    def __init__(self, host: str, port: int, context: ssl.SSLContext) -> None:
        super().__init__(host, port, context=context, timeout=60)

    def connect(self) -> None:
        raw = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


class Browser:
    """A browser that trusts only Caddy's root certificate: cookies, CSRF token and Origin as a browser sends them.

    `https://<host>/...` URLs go to the proxy's port; the Host header carries no port, as on 443.
    """

    def __init__(self, proxy: RunningProxy, *, within: float = 20.0) -> None:
        self.proxy = proxy
        deadline = time.monotonic() + within
        while not proxy.root_certificate.exists():  # written at Caddy's first certificate
            assert time.monotonic() < deadline, f"Caddy made no root certificate: {proxy.log.read_text()[-2000:]}"
            time.sleep(0.1)
        self.context = ssl.create_default_context(cafile=str(proxy.root_certificate))
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        url: str,
        *,
        form: dict[str, str] | None = None,
        json_body: object = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        parts = urllib.parse.urlsplit(url)
        assert parts.scheme == "https" and parts.port is None, url
        host = parts.hostname or ""
        sent = {"Host": host, "Accept-Language": "en", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": self.cookies.get(CSRF_COOKIE, "")})
            sent |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{host}", "Referer": url}
        elif json_body is not None:
            body = json.dumps(json_body)
            sent["Content-Type"] = "application/json"
        connection = _ToLoopback(host, self.proxy.https_port, self.context)
        try:
            connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body, headers=sent)
            response = connection.getresponse()
            answer = Response(response.status, response.headers, response.read(), url)
        finally:
            connection.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return answer

    def get(self, url: str, *, follow: bool = True) -> Response:
        """GET, following redirects on the same site as a browser does."""
        for _ in range(10):
            response = self.request("GET", url)
            if not follow or response.status not in (301, 302, 303, 307, 308):
                return response
            url = urllib.parse.urljoin(url, response.headers["Location"])
        raise AssertionError(f"too many redirects from {url}")
