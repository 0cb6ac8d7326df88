"""The webhook is sent to the address that was checked: its host name is resolved once per sending.

Resolving it again when connecting would let a name answer with a public address for the check and a private one
a moment later (DNS rebinding), and the signed request would reach the company network's neighbours or this host.
The resolver is replaced here (only the resolver: the requests are real, to the test's own receiver).
"""

import socket
import ssl
import subprocess
from collections.abc import Callable, Iterator

import pytest

from tenant_apps.notifications import webhooks
from tenant_apps.notifications.webhooks import webhook_post
from tests.notifications.receiver import Receiver, webhook_receiver

NAME = "hooks.example.test"
PUBLIC = "198.51.100.7"  # treated as public below; nothing answers there


@pytest.fixture
def resolver(monkeypatch) -> Iterator[Callable[[list[str]], list[str]]]:
    """Make NAME resolve to each of `answers` in turn (the last one from then on); returns the names asked for."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def install(answers: list[str]) -> list[str]:
        def getaddrinfo(host, port, *args, **kwargs):
            if host != NAME:
                return real(host, port, *args, **kwargs)
            asked.append(host)
            address = answers[min(len(asked), len(answers)) - 1]
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        return asked

    yield install


def _post(url: str):
    return webhook_post(url=url, secret="whsec_test", event="visit.arrived", payload={"ok": True}, delivery_id=7)


def test_the_name_is_resolved_once_and_that_address_is_the_one_called(resolver, receiver):
    port = receiver.url.split(":")[2].split("/")[0]
    asked = resolver(["127.0.0.1", "192.0.2.1"])  # a second resolution would go nowhere
    result = _post(f"http://{NAME}:{port}/hooks/check-in?company=acme")
    assert result.succeeded and asked == [NAME]
    [call] = receiver.calls
    assert call.headers["Host"] == f"{NAME}:{port}"  # the name, not the address, for the receiver's virtual host
    assert call.path == "/hooks/check-in?company=acme"


def test_a_name_that_turns_private_after_the_check_is_not_called(resolver, receiver, settings, monkeypatch):
    settings.CHECKIN_WEBHOOK_ALLOW_PRIVATE = False
    monkeypatch.setattr(webhooks, "_is_public", lambda address: address == PUBLIC)
    monkeypatch.setattr(webhooks, "TIMEOUT_SECONDS", 0.5)
    port = receiver.url.split(":")[2].split("/")[0]
    resolver([PUBLIC, "127.0.0.1"])  # public for the check, then the receiver on this host
    result = _post(f"http://{NAME}:{port}/hooks/check-in")
    assert not result.succeeded and result.error
    assert receiver.calls == []


def test_a_name_with_any_private_address_is_blocked_before_connecting(resolver, receiver, settings):
    settings.CHECKIN_WEBHOOK_ALLOW_PRIVATE = False
    port = receiver.url.split(":")[2].split("/")[0]
    resolver(["127.0.0.1"])
    assert _post(f"http://{NAME}:{port}/").error == "Blocked: not a public address"
    assert receiver.calls == []


def test_a_redirect_is_a_failure(receiver):
    receiver.answers = [302]
    result = _post(receiver.url)
    assert (result.status_code, result.error, result.succeeded) == (302, "HTTP 302", False)


@pytest.fixture
def tls_receiver(tmp_path, monkeypatch) -> Iterator[Receiver]:
    """An HTTPS receiver whose certificate names NAME, signed by a CA this test's clients trust (SSL_CERT_FILE)."""

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=tmp_path, check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Test CA",
            "-keyout", "ca.key", "-out", "ca.pem")  # fmt: skip
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={NAME}", "-keyout", "leaf.key", "-out", "leaf.csr")
    (tmp_path / "san.ext").write_text(f"subjectAltName=DNS:{NAME}\n")
    openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
            "-extfile", "san.ext", "-out", "leaf.pem")  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "leaf.key")
    with webhook_receiver(tls=context) as running:
        yield running


def test_over_https_the_certificate_is_checked_against_the_name(resolver, tls_receiver):
    port = tls_receiver.url.split(":")[2].split("/")[0]
    resolver(["127.0.0.1"])
    assert _post(f"https://{NAME}:{port}/hooks/check-in").succeeded
    assert len(tls_receiver.calls) == 1
    refused = _post(f"https://127.0.0.1:{port}/hooks/check-in")  # the same server under a name its certificate lacks
    assert (refused.succeeded, refused.error) == (False, "SSLCertVerificationError")
    assert len(tls_receiver.calls) == 1
