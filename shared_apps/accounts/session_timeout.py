"""Sessions end after a while without activity, and after an absolute lifetime, whatever the activity.

The desk is a shared counter: its idle limit is short (30 minutes by default).
The last activity is written at most once a minute, so a busy page does not
write its session on every request.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

_STARTED, _SEEN = "checkin_started", "checkin_seen"
_WRITE_EVERY = 60  # seconds


def idle_limit_for(tenant_type: str) -> int:
    """Seconds of inactivity after which a session of this host type ends."""
    limits: dict[str, int] = settings.CHECKIN_SESSION_IDLE_SECONDS
    return limits.get(tenant_type, limits["default"])


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault(_STARTED, now)
            seen = request.session.get(_SEEN, now)
            tenant = getattr(request, "tenant", None)
            idle = idle_limit_for(tenant.type if tenant is not None else "default")
            if now - seen > idle or now - started > settings.CHECKIN_SESSION_MAX_SECONDS:
                logout(request)
                return redirect_to_login(request.get_full_path())
            if now - seen >= _WRITE_EVERY or _SEEN not in request.session:
                request.session[_SEEN] = now
        return self.get_response(request)
