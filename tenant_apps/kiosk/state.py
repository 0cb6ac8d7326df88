"""The kiosk's screen-to-screen state, kept in a signed cookie and tied to one device.

It holds ids and the chosen language, never what a visitor typed: names and
e-mails go straight from the form into the company's schema. The one exception
is the visit's code for the badge, which the server keeps only as a digest: it
rides in the pending invitation and the result encrypted with the server's key
(Fernet, operations/encryption.py), never readable from the cookie. A result (the
confirmation and the badge) lives a few minutes, then the kiosk shows the start.

Why a cookie and not the session: the kiosk is the busiest client of a building
(a check-in is three posts), and a database session costs a read and a write on
each of them. The cookie is signed (the device cannot change it), HttpOnly,
SameSite=Strict, carries the device's id (another device's cookie is ignored)
and is ignored once older than STATE_MAX_SECONDS.

What identifies a visitor (a pending invitation, a result with its badge) is
also tied to the server: the cookie names the kiosk's `state_nonce`, which
`state_restart` replaces when a visitor starts (start screen, language) or the
kiosk is reset or paired. A copy of an earlier cookie then names an old nonce
and that part of it is ignored, so a replayed cookie shows nothing.
"""

import time
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from tenant_apps.kiosk.selectors import kiosk_state_nonce
from tenant_apps.kiosk.services import kiosk_state_restart

STATE_COOKIE = "checkin_kiosk_state"
STATE_MAX_SECONDS = 3600  # a visitor idle this long on one screen starts again
RESULT_SECONDS = 300  # the badge can be printed this long after a check-in
PENDING_SECONDS = 300  # an invitation found by code waits this long for its confirmation
_SALT = "tenant_apps.kiosk.state"
_ATTRIBUTE = "_kiosk_state"  # (state, changed) on the request
# Keys about one visitor: honoured only while the cookie's nonce is the kiosk's (one fresh read when present).
# A company or host chosen for a walk-in is not one: the busiest post then costs no extra query.
VISITOR_KEYS = ("invite", "result")


def _loaded(request: HttpRequest) -> dict[str, Any]:
    raw = request.COOKIES.get(STATE_COOKIE, "")
    if not raw or len(raw) > 4096:
        return {}
    try:
        state = signing.loads(raw, salt=_SALT, max_age=STATE_MAX_SECONDS)
    except signing.BadSignature:  # also an expired one
        return {}
    return state if isinstance(state, dict) else {}


def _about_a_visitor(state: dict[str, Any]) -> bool:
    return any(state.get(key) for key in VISITOR_KEYS)


def state_get(request: HttpRequest, *, kiosk_id: int) -> dict[str, Any]:
    """This device's state; a cookie of another device, one naming a replaced nonce (or none) starts empty."""
    held: tuple[dict[str, Any], bool] | None = getattr(request, _ATTRIBUTE, None)
    if held is None:
        state = _loaded(request)
        trusted = state.get("device") == kiosk_id and (
            not _about_a_visitor(state) or state.get("nonce") == kiosk_state_nonce(kiosk_id=kiosk_id)
        )
        held = (state, False) if trusted else ({"device": kiosk_id}, True)
        setattr(request, _ATTRIBUTE, held)
    return held[0]


def state_update(request: HttpRequest, *, kiosk_id: int, **values: Any) -> None:
    state = state_get(request, kiosk_id=kiosk_id)
    state.update(values)
    if _about_a_visitor(state) and not state.get("nonce"):  # a cookie from before nonces: name the current one
        state["nonce"] = kiosk_state_nonce(kiosk_id=kiosk_id)
    setattr(request, _ATTRIBUTE, (state, True))


def state_reset(request: HttpRequest, *, kiosk_id: int) -> None:
    """Back to the start of this visitor's steps: language, choices and result are forgotten, the nonce kept."""
    nonce = state_get(request, kiosk_id=kiosk_id).get("nonce")
    setattr(request, _ATTRIBUTE, ({"device": kiosk_id, "nonce": nonce}, True))


def state_restart(request: HttpRequest, *, kiosk_id: int) -> None:
    """A new visitor (or a reset): as `state_reset`, and the server replaces the nonce, so no earlier copy of
    the cookie shows anything any more, in this process or another."""
    setattr(request, _ATTRIBUTE, ({"device": kiosk_id, "nonce": kiosk_state_restart(kiosk_id=kiosk_id)}, True))


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
