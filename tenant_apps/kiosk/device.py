"""Which kiosk is asking: the device cookie, and the decorator every kiosk screen goes through."""

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache

from shared_apps.database.brief_memory import BriefMemory
from shared_apps.tenancy.models import Building, Tenant
from tenant_apps.kiosk.access import may_use_kiosk_screens
from tenant_apps.kiosk.models import Kiosk
from tenant_apps.kiosk.state import state_get, state_restart, state_store
from tenant_apps.kiosk.tokens import device_token_hash

DEVICE_COOKIE = "checkin_kiosk"
DEVICE_COOKIE_AGE = 365 * 24 * 3600
LAST_SEEN_EVERY = dt.timedelta(minutes=1)

View = Callable[..., HttpResponse]


class KioskRequest(HttpRequest):
    """A request that went through `kiosk_required`: it carries its device and building."""

    kiosk: Kiosk
    building: Building


def reception_of(request: HttpRequest) -> Tenant:
    return cast(Tenant, request.tenant)  # type: ignore[attr-defined]


# Every kiosk screen asks which device is calling: remembered briefly, by schema and token (shared_apps/tenancy/
# brief_memory.py). Pairing or revoking saves the kiosk, which every process honours at its next request.
_devices: BriefMemory[Kiosk] = BriefMemory(forget_on=("kiosk.Kiosk",))


def kiosk_from_request(request: HttpRequest) -> Kiosk | None:
    """The paired, unrevoked kiosk whose token the browser holds, in this building's schema."""
    token = request.COOKIES.get(DEVICE_COOKIE, "")
    if not token or len(token) > 200:
        return None
    token_hash = device_token_hash(token)

    def lookup() -> Kiosk:
        return Kiosk.objects.get(token_hash=token_hash, revoked_at__isnull=True)

    try:
        return _devices.recall(_device_key(request, token_hash), lookup)
    except Kiosk.DoesNotExist:
        return None


def _device_key(request: HttpRequest, token_hash: str) -> tuple[str, str]:
    return reception_of(request).schema_name, token_hash


def kiosk_seen(request: HttpRequest, kiosk: Kiosk) -> None:
    """Note the device alive for the desk's kiosk list, at most once a LAST_SEEN_EVERY (and remember that too)."""
    now = timezone.now()
    if kiosk.last_seen_at is not None and now - kiosk.last_seen_at <= LAST_SEEN_EVERY:
        return
    Kiosk.objects.filter(pk=kiosk.pk).update(last_seen_at=now)
    kiosk.last_seen_at = now
    _devices.remember(_device_key(request, kiosk.token_hash), kiosk)


def device_cookie_set(response: HttpResponse, request: HttpRequest, token: str) -> None:
    """Host-only, HttpOnly, SameSite=Strict: no script, no other host and no other site sends it."""
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=DEVICE_COOKIE_AGE,
        httponly=True,
        samesite="Strict",
        secure=request.is_secure() or not settings.DEBUG,
    )


def kiosk_language(request: HttpRequest, building: Building, state: dict[str, Any]) -> str:
    chosen = state.get("lang")
    if chosen in building.kiosk_languages:
        return str(chosen)
    return building.kiosk_languages[0] if building.kiosk_languages else settings.LANGUAGE_CODE


def kiosk_required(view: View) -> View:
    """Serve the screen only to a paired kiosk of this building; anything else goes to the pairing screen.

    The response is never stored by the browser (`Cache-Control: no-store`), and
    the screen speaks the language the visitor chose.
    """
    return _kiosk_view(view, starts_over=False)


def kiosk_starting_over(view: View) -> View:
    """As `kiosk_required`, for the POSTs that begin a new visitor (language, reset): the state is restarted (a new
    nonce, tenant_apps/kiosk/state.py) before anything reads it, so the earlier cookie is never checked against the
    old nonce, a query saved on a step of every check-in. These views answer with a redirect: the earlier visitor's
    language is not needed for them."""
    return _kiosk_view(view, starts_over=True)


def _kiosk_view(view: View, *, starts_over: bool) -> View:

    @never_cache
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        reception = reception_of(request)
        kiosk = kiosk_from_request(request) if reception.building_id else None
        if kiosk is None or not may_use_kiosk_screens(kiosk):
            unpaired = redirect("kiosk:pair")
            if DEVICE_COOKIE in request.COOKIES:
                unpaired.delete_cookie(DEVICE_COOKIE, samesite="Strict")
            return unpaired
        kiosk_seen(request, kiosk)
        kiosk_request = cast(KioskRequest, request)
        kiosk_request.kiosk = kiosk
        kiosk_request.building = cast(Building, reception.building)
        if starts_over:
            state_restart(request, kiosk_id=kiosk.pk)
        state = state_get(request, kiosk_id=kiosk.pk)
        translation.activate(kiosk_language(request, kiosk_request.building, state))
        request.LANGUAGE_CODE = translation.get_language()
        response = view(kiosk_request, *args, **kwargs)
        state_store(request, response)
        return response

    wrapper.device_rule = may_use_kiosk_screens  # type: ignore[attr-defined]  # read by tests/security/test_access_matrix.py
    return wrapper
