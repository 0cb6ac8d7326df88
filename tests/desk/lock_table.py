"""The product's side of tests/desk/test_small_lock_table.py, run inside `manage.py shell` with DATABASE_URL at the
throw-away server: `provision` makes the building through the product's services, `read` runs the desk's and the
kiosk's concurrent reads there. Each prints what it saw, as JSON, on its last line.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

from django.db import connection, connections, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.provisioning.buildings import building_create
from shared_apps.provisioning.companies import company_create
from shared_apps.provisioning.tenant_schemas import platform_ensure
from shared_apps.tenancy.models import Building, Tenant
from tenant_apps.desk.selectors import BoardFilters, desk_board, desk_on_site
from tenant_apps.kiosk.selectors import visit_by_code
from tenant_apps.visits.models import Host, Visit, Visitor
from tenant_apps.visits.services import Actor, visit_register

BUILDING = "lockhall"
SURNAME = "Lockwood"  # every visitor's last name: the desk's search finds them in every company
KINDS = ("board", "evacuation", "search", "code")  # reader n reads KINDS[n % 4]
# The relation locks a desk read holds, whatever the number of companies: the read model's table and its indexes,
# the tenant and building tables and theirs (tests/desk/test_read_model.py counts them at 2 and 8 companies).
DESK_READ_LOCKS = 20


def provision(companies: int, visits: int) -> None:
    """The platform's templates, then the building and `companies` companies, each with a host and `visits` visits
    today (the first on site)."""
    platform_ensure()
    building = building_create(slug=BUILDING, name="Lock Hall")
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    codes: list[str] = []
    for number in range(companies):
        company = company_create(building=building, slug=f"tenant-{number:03d}", name=f"Tenant {number:03d}")
        with tenant_context(company), transaction.atomic():
            host = Host.objects.create(name=f"Host {number}")
            for n in range(visits):
                visitor = Visitor.objects.create(first_name=f"Guest{number}x{n}", last_name=SURNAME)
                visit = visit_register(
                    visitor=visitor, host=host, expected_start=start, expected_end=start + dt.timedelta(hours=2),
                    purpose="lock table", actor=Actor(label="test", channel=Visit.Channel.INVITATION),
                )  # fmt: skip
                codes.append(visit.code)
                if n == 0:
                    Visit.objects.filter(pk=visit.pk).update(state=Visit.State.ON_SITE, checked_in_at=timezone.now())
    print(json.dumps({"codes": codes}))


# The relation locks this transaction holds, per schema, and how many of them are in the shared lock table (not in
# the backend's fast-path slots). The catalogue's own (this query's) are left out: a read releases them at once.
_LOCKS_HELD = (
    "SELECT n.nspname, count(*), count(*) FILTER (WHERE NOT l.fastpath) FROM pg_locks l "
    "JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND n.nspname <> 'pg_catalog' GROUP BY 1"
)


def _read(kind: str, reception: Tenant, building: Building, code: str) -> int:
    """One desk or kiosk read, as its page makes it; how many rows it answered."""
    if kind == "board":
        return len(desk_board(reception=reception, filters=BoardFilters()).visits)
    if kind == "evacuation":
        return len(desk_on_site(reception=reception))
    if kind == "search":
        return len(desk_board(reception=reception, filters=BoardFilters(q=SURNAME)).visits)
    with tenant_context(reception):  # the kiosk's pages are served on the building's host
        return int(visit_by_code(building=building, code=code) is not None)


def read(readers: int, codes: list[str]) -> None:
    """`readers` threads, each on its own connection: each reads in a transaction, counts the relation locks that
    transaction holds, and keeps them until every reader has read (a barrier), so all their locks coexist."""
    building = Building.objects.get(slug=BUILDING)
    reception = Tenant.objects.get(building=building, type=Tenant.Type.RECEPTION)
    connection.close()
    started, read_all = threading.Barrier(readers, timeout=60), threading.Barrier(readers, timeout=60)
    seen: list[dict[str, Any]] = [{} for _ in range(readers)]

    def reader(number: int) -> None:
        kind = KINDS[number % len(KINDS)]
        seen[number]["kind"] = kind
        try:
            started.wait()
            with transaction.atomic():
                seen[number]["rows"] = _read(kind, reception, building, codes[number % len(codes)])
                with connection.cursor() as cursor:
                    cursor.execute(_LOCKS_HELD)
                    seen[number]["locks"] = {schema: [n, shared] for schema, n, shared in cursor.fetchall()}
                read_all.wait()  # every reader holds its locks now
        except Exception as error:
            seen[number]["error"] = f"{type(error).__name__}: {error}"
            read_all.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"readers": seen}))
