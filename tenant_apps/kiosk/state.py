"""The kiosk's screen-to-screen state, kept in the session and tied to one device.

It holds ids and the chosen language, never what a visitor typed: names and
e-mails go straight from the form into the company's schema. A result (the
confirmation and the badge) lives a few minutes, then the kiosk shows the start.
"""

import time
from typing import Any

from django.http import HttpRequest

SESSION_KEY = "kiosk"
RESULT_SECONDS = 300  # the badge can be printed this long after a check-in
PENDING_SECONDS = 300  # an invitation found by code waits this long for its confirmation


def state_get(request: HttpRequest, *, kiosk_id: int) -> dict[str, Any]:
    """This device's state; a session that belonged to another device (or none) starts empty."""
    state: dict[str, Any] = request.session.get(SESSION_KEY) or {}
    if state.get("device") != kiosk_id:
        state = {"device": kiosk_id}
        request.session[SESSION_KEY] = state
    return state


def state_update(request: HttpRequest, *, kiosk_id: int, **values: Any) -> None:
    state = state_get(request, kiosk_id=kiosk_id)
    state.update(values)
    request.session[SESSION_KEY] = state
    request.session.modified = True


def state_reset(request: HttpRequest, *, kiosk_id: int) -> None:
    """Back to the start screen: language, choices and result are all forgotten."""
    request.session[SESSION_KEY] = {"device": kiosk_id}


def stamped(**values: Any) -> dict[str, Any]:
    return {**values, "at": time.time()}


def fresh(entry: dict[str, Any] | None, seconds: int) -> dict[str, Any] | None:
    """The entry if it was stamped less than `seconds` ago, else None."""
    if not entry or time.time() - float(entry.get("at", 0)) > seconds:
        return None
    return entry
