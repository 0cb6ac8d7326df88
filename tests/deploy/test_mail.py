"""E-mail from the environment: a message sent with production settings reaches a real SMTP server."""

import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from django.core.exceptions import ImproperlyConfigured

from checkin.mail_config import mail_url_parse
from tests.deploy.processes import ROOT, production_env


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Envelope] = []
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_DATA(self, server: object, session: Session, envelope: Envelope) -> str:
        self.messages.append(envelope)
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"relay secret")


@pytest.fixture
def smtp_server() -> Iterator[tuple[_Inbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    # AUTH over plain SMTP on loopback only: the relay in production is reached with tls=1 or smtps://.
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=inbox.authenticate,
                            auth_require_tls=False)  # fmt: skip
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_production_settings_deliver_through_the_relay_of_email_url(smtp_server):
    inbox, port = smtp_server
    env = production_env(database_url="postgresql://checkin@127.0.0.1:5432/checkin")
    env.pop("EMAIL_BACKEND")
    env.update(EMAIL_URL=f"smtp://mailer:relay%20secret@127.0.0.1:{port}", DEFAULT_FROM_EMAIL="desk@checkin.example")
    code = (
        "import django; django.setup(); from django.core.mail import send_mail; "
        "send_mail('Your visit', 'Welcome', None, ['visitor@example.com'])"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert inbox.logins == [(b"mailer", b"relay secret")]
    [envelope] = inbox.messages
    assert envelope.mail_from == "desk@checkin.example" and envelope.rcpt_tos == ["visitor@example.com"]
    message = message_from_bytes(envelope.original_content or b"")
    assert message["Subject"] == "Your visit"


def test_email_url_forms():
    assert mail_url_parse("smtps://relay.example").port == 465
    starttls = mail_url_parse("smtp://u:p@relay.example?tls=1")
    assert (starttls.port, starttls.use_tls, starttls.use_ssl) == (587, True, False)
    assert mail_url_parse("smtp://relay.example").port == 25
    assert mail_url_parse("smtp://relay.example?timeout=3").timeout == 3


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("smtp://", "has no host"),
        ("smtps://relay?tls=1", "choose STARTTLS"),
        ("smtp://relay?secure=1", "unknown options ['secure']"),
        ("smtp://:pw@relay", "a password without a user name"),
        ("smtp://relay:port", "port that is not a number"),
    ],
)
def test_a_bad_email_url_says_what_is_wrong(url, says):
    with pytest.raises(ImproperlyConfigured, match=re.escape(says)):
        mail_url_parse(url)
