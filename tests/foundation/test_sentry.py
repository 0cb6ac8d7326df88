"""Sentry never receives a visitor's name or e-mail, whatever the event carries."""

import json
import logging

import sentry_sdk
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from checkin.sentry import init_sentry, scrub_event

NAME, EMAIL = "Marguerite Vandenbroucke", "marguerite@visitor.example"


def _sample_event() -> dict:
    return {
        "message": f"check-in failed for {NAME}",
        "request": {
            "method": "POST",
            "url": f"https://acme.checkin.example/visits/?email={EMAIL}",
            "data": {"first_name": "Marguerite", "email": EMAIL},
            "cookies": {"checkin_session": "abc"},
            "headers": {"Cookie": "checkin_session=abc", "Referer": f"https://x/?q={NAME}"},
            "query_string": f"email={EMAIL}",
        },
        "user": {"id": 7, "email": EMAIL, "username": NAME},
        "extra": {"visitor": NAME},
        "exception": {"values": [{"type": "IntegrityError", "value": f"Key (email)=({EMAIL}) already exists",
                                  "stacktrace": {"frames": [{"function": "f", "vars": {"name": NAME}}]}}]},
        "breadcrumbs": {"values": [{"category": "query", "message": f"SELECT ... '{EMAIL}'",
                                    "data": {"params": [NAME]}}]},
    }  # fmt: skip


def test_the_scrubber_removes_bodies_cookies_users_and_free_text():
    scrubbed = json.dumps(scrub_event(_sample_event()))
    assert NAME not in scrubbed and "Marguerite" not in scrubbed
    assert EMAIL not in scrubbed
    assert "checkin_session" not in scrubbed
    assert "POST" in scrubbed  # what happened is kept, who it happened to is not


def test_events_sent_through_the_sdk_carry_no_personal_data():
    sent: list[str] = []

    class Recorder(Transport):
        def capture_envelope(self, envelope: Envelope) -> None:
            sent.append(envelope.serialize().decode("utf-8", "replace"))

    init_sentry("https://public@sentry.invalid/1", environment="test", transport=Recorder)
    try:
        logging.getLogger("checkin.test").warning("visitor %s arrived", NAME)
        sentry_sdk.add_breadcrumb(category="visit", message=f"{NAME} <{EMAIL}>", data={"email": EMAIL})
        sentry_sdk.set_user({"email": EMAIL, "username": NAME})
        try:
            visitor_name = NAME  # noqa: F841 - a local the SDK must not send
            raise ValueError(f"bad phone for {EMAIL}")
        except ValueError:
            sentry_sdk.capture_exception()
        sentry_sdk.flush()
    finally:
        sentry_sdk.init()  # no DSN: Sentry off again for the rest of the suite
    assert sent, "the SDK sent no event: the test proves nothing"
    everything = "\n".join(sent)
    assert NAME not in everything
    assert EMAIL not in everything
