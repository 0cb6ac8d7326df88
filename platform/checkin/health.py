"""Liveness and readiness probes, answered on every host before tenant routing."""

from collections.abc import Callable

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from shared_apps.operations.redis_config import redis_from_settings


def _database_ready() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


# Redis counts as full from this share of its `maxmemory` on: Celery's queue needs `noeviction`, so a
# full Redis refuses every new task (OOM) rather than dropping old ones.
FULL_SHARE = 0.95
PROBE_KEY = "checkin:readyz"


def redis_problem() -> str:
    """Why Redis cannot take tasks ("unreachable", "full"), or "" when it can; a second at most."""
    try:
        client = redis_from_settings().client(timeout=1)
        memory = client.info("memory")
        limit = int(memory.get("maxmemory") or 0)
        if limit and int(memory.get("used_memory") or 0) >= limit * FULL_SHARE:
            return "full"
        client.set(PROBE_KEY, "1", ex=60)  # what a task's message needs: a write
    except redis.ResponseError as error:
        return "full" if str(error).startswith("OOM") else "unreachable"
    except Exception:
        return "unreachable"
    return ""


def _redis_ready() -> bool:
    return not redis_problem()


def readiness() -> dict[str, bool]:
    checks = {"database": _database_ready()}
    if settings.REDIS_URL:
        checks["redis"] = _redis_ready()
    return checks


def readyz() -> JsonResponse:
    """200 when the database answers and Redis (when set) takes writes; 503 naming what does not."""
    body: dict[str, object] = {"database": _database_ready()}
    if settings.REDIS_URL:
        problem = redis_problem()
        body["redis"] = not problem
        if problem:
            body["redis_problem"] = problem
    ready = body["database"] is True and body.get("redis", True) is True
    return JsonResponse({"status": "ok" if ready else "unavailable", **body}, status=200 if ready else 503)


class HealthMiddleware:
    """`/healthz`: the process answers, touching no service (a liveness probe must not fail, and pods be
    restarted, because a database or Redis is away). `/readyz`: the database answers and Redis takes tasks."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"})
        if request.path == "/readyz":
            return readyz()
        return self.get_response(request)
