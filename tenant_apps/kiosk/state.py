"""The kiosk's screen-to-screen state, kept in a signed cookie and tied to one device.

It holds ids and the chosen language, never what a visitor typed: names and
e-mails go straight from the form into the company's schema. A result (the
confirmation and the badge) lives a few minutes, then the kiosk shows the start.

Why a cookie and not the session: the kiosk is the busiest client of a building
(a check-in is three posts), and a database session costs a read and a write on
each of them. The cookie is signed (the device cannot change it), HttpOnly,
SameSite=Strict, carries the device's id (another device's cookie is ignored)
and is ignored once older than STATE_MAX_SECONDS.
"""

import time
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

STATE_COOKIE = "checkin_kiosk_state"
STATE_MAX_SECONDS = 3600  # a visitor idle this long on one screen starts again
RESULT_SECONDS = 300  # the badge can be printed this long after a check-in
PENDING_SECONDS = 300  # an invitation found by code waits this long for its confirmation
_SALT = "tenant_apps.kiosk.state"
_ATTRIBUTE = "_kiosk_state"  # (state, changed) on the request


def _loaded(request: HttpRequest) -> dict[str, Any]:
    raw = request.COOKIES.get(STATE_COOKIE, "")
    if not raw or len(raw) > 4096:
        return {}
    try:
        state = signing.loads(raw, salt=_SALT, max_age=STATE_MAX_SECONDS)
    except signing.BadSignature:  # also an expired one
        return {}
    return state if isinstance(state, dict) else {}


def state_get(request: HttpRequest, *, kiosk_id: int) -> dict[str, Any]:
    """This device's state; a cookie that belonged to another device (or none) starts empty."""
    held: tuple[dict[str, Any], bool] | None = getattr(request, _ATTRIBUTE, None)
    if held is None:
        state = _loaded(request)
        held = (state, False) if state.get("device") == kiosk_id else ({"device": kiosk_id}, True)
        setattr(request, _ATTRIBUTE, held)
    return held[0]


def state_update(request: HttpRequest, *, kiosk_id: int, **values: Any) -> None:
    state = state_get(request, kiosk_id=kiosk_id)
    state.update(values)
    setattr(request, _ATTRIBUTE, (state, True))


def state_reset(request: HttpRequest, *, kiosk_id: int) -> None:
    """Back to the start screen: language, choices and result are all forgotten."""
    setattr(request, _ATTRIBUTE, ({"device": kiosk_id}, True))


def state_store(request: HttpRequest, response: HttpResponse) -> None:
    """Send the state back to the device if this request changed it."""
    held: tuple[dict[str, Any], bool] | None = getattr(request, _ATTRIBUTE, None)
    if held is None or not held[1]:
        return
    response.set_cookie(
        STATE_COOKIE,
        signing.dumps(held[0], salt=_SALT, compress=True),
        max_age=STATE_MAX_SECONDS,
        httponly=True,
        samesite="Strict",
        secure=request.is_secure() or not settings.DEBUG,
    )


def stamped(**values: Any) -> dict[str, Any]:
    return {**values, "at": time.time()}


def fresh(entry: dict[str, Any] | None, seconds: int) -> dict[str, Any] | None:
    """The entry if it was stamped less than `seconds` ago, else None."""
    if not entry or time.time() - float(entry.get("at", 0)) > seconds:
        return None
    return entry
