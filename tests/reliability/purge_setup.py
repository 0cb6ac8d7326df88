"""Set-up of test_purge_worker_killed, in a process of its own on the test's copy of the database.

In acme: a retention period of 30 days, and VISITS visits (each of a visitor of its own) that ended 90 days
ago, made through the services as the privacy tests make them. Prints their ids, oldest first, as JSON.

    python -m tests.reliability.purge_setup VISITS
"""

import datetime as dt
import json
import sys

import django

django.setup()

from django.utils import timezone  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from shared_apps.tenancy.models import Tenant  # noqa: E402
from tests.privacy.conftest import person, set_retention, visit  # noqa: E402


def main(visits: int) -> None:
    ended = timezone.now() - dt.timedelta(days=90)
    with tenant_context(Tenant.objects.get(slug="acme")):
        set_retention(30)
        made = [visit(person(last=f"Purged {n}", email=f"purged{n}@example.org"), ended=ended) for n in range(visits)]
    json.dump(sorted(one.pk for one in made), sys.stdout)


if __name__ == "__main__":
    main(int(sys.argv[1]))
