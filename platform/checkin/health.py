"""Liveness and readiness probes, answered on every host before tenant routing."""

from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from checkin.redis_config import redis_from_settings


def _database_ready() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _redis_ready() -> bool:
    try:
        return bool(redis_from_settings().client(timeout=1).ping())
    except Exception:
        return False


def readiness() -> dict[str, bool]:
    checks = {"database": _database_ready()}
    if settings.REDIS_URL:
        checks["redis"] = _redis_ready()
    return checks


class HealthMiddleware:
    """`/healthz`: the process answers. `/readyz`: the database (and Redis, when set) answer too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"})
        if request.path == "/readyz":
            checks = readiness()
            ready = all(checks.values())
            return JsonResponse({"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503)
        return self.get_response(request)
