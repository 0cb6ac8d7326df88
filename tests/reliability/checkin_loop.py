"""Walk-in check-ins at acme through the visit services, in a loop, until a stop file appears.

Run by test_database_restart as a separate process against the test's own
PostgreSQL. Prints one line per step: `registered <id>`, `checked_in <id>` or
`failed <exception class>`. With `--notify-host`, each visit is for a host who
wants an e-mail on arrival (a delivery per check-in, sent through the broker when
REDIS_URL is set). Between attempts it drops a broken connection the way Django
does between requests (close_old_connections), so it recovers by itself.
"""

import datetime as dt
import os
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkin.settings")
django.setup()

from django.db import DatabaseError, close_old_connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context, tenant_context  # noqa: E402

from shared_apps.tenancy.models import Tenant  # noqa: E402
from tenant_apps.visits.models import Host, Visit, Visitor  # noqa: E402
from tenant_apps.visits.services import Actor, visit_check_in, visit_register  # noqa: E402

KIOSK = Actor(label="kiosk:reliability", channel=Visit.Channel.KIOSK)


def walk_in(company: Tenant, number: int, host: Host | None) -> None:
    with tenant_context(company):
        with transaction.atomic():
            visitor = Visitor.objects.create(first_name="Walk-in", last_name=str(number))
            now = timezone.now()
            visit = visit_register(
                visitor=visitor, host=host, expected_start=now, expected_end=now + dt.timedelta(hours=1),
                purpose="", actor=KIOSK,
            )  # fmt: skip
        print("registered", visit.pk, flush=True)
        visit_check_in(visit=visit, actor=KIOSK)
        print("checked_in", visit.pk, flush=True)


def _host_wanting_email(company: Tenant) -> Host:
    with tenant_context(company):
        host = Host.objects.filter(is_active=True, email__gt="").order_by("pk").first()
        assert host is not None, "acme has no host with an e-mail address"
        host.notify_by = Host.Notify.EMAIL
        host.save(update_fields=["notify_by"])
        return host


def main(stop_file: Path, *, notify_host: bool) -> None:
    with schema_context("public"):
        company = Tenant.objects.get(slug="acme")
    host = _host_wanting_email(company) if notify_host else None
    number = 0
    while not stop_file.exists():
        number += 1
        close_old_connections()
        try:
            walk_in(company, number, host)
        except DatabaseError as error:
            print("failed", type(error).__name__, flush=True)
            time.sleep(0.05)  # the database is away: do not spin


if __name__ == "__main__":
    main(Path(sys.argv[1]), notify_host="--notify-host" in sys.argv[2:])
