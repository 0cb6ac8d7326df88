"""A brief, per-process memory of which tenant serves a host: the lookup runs on every request.

DESIGN.md allows it ("keep them one indexed query or cache them briefly"). An
entry lives CHECKIN_HOST_CACHE_SECONDS. Saving or deleting a tenant, a domain or
a building in this process forgets every entry at once; other processes notice
within those seconds (a suspension or a removal, for instance). Unknown hosts are
never remembered, so a new company answers as soon as it is provisioned.
"""

import copy
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings

from shared_apps.tenancy.models import Tenant

MAX_HOSTS = 10_000  # past this many, start again rather than grow without bound

_entries: dict[str, tuple[float, Tenant]] = {}
_lock = threading.Lock()  # gunicorn may run threads


def host_tenant(hostname: str, lookup: Callable[[str], Tenant]) -> Tenant:
    """The tenant serving `hostname`, from memory while fresh, else from `lookup` (which raises for unknown hosts).

    Each caller gets its own copy: a request that changes its tenant object changes nothing for the next one.
    """
    seconds = settings.CHECKIN_HOST_CACHE_SECONDS
    if seconds <= 0:
        return lookup(hostname)
    now = time.monotonic()
    entry = _entries.get(hostname)
    if entry is None or entry[0] <= now:
        tenant = lookup(hostname)
        entry = (now + seconds, tenant)
        with _lock:
            if len(_entries) >= MAX_HOSTS:
                _entries.clear()
            _entries[hostname] = entry
    return copy.deepcopy(entry[1])


def host_cache_clear(**_signal: Any) -> None:
    """Forget every host (connected to the save and delete signals of tenants, domains and buildings)."""
    with _lock:
        _entries.clear()
