"""Visits made for the desk tests, in the schema of the company they belong to."""

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.tenancy.models import Tenant
from tenant_apps.visits.models import Host, Visit, Visitor
from tests.kiosk.conftest import kiosk_tower, tower_device  # noqa: F401  (fixtures: kiosk walk-ins seen on the board)

MakeVisit = Callable[..., Visit]


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


@pytest.fixture
def make_visit(db: None) -> MakeVisit:
    """A visit of today (or `start`) in `company`, with a fresh visitor and the company's first host."""

    def make(
        company: Tenant,
        *,
        first_name: str | None = None,
        last_name: str = "Visitor",
        state: str = Visit.State.EXPECTED,
        language: str = "en",
        organisation: str = "",
        start: dt.datetime | None = None,
    ) -> Visit:
        start = start or timezone.now().replace(minute=0, second=0, microsecond=0)
        with tenant_context(company):
            host = Host.objects.order_by("pk").first()
            visitor = Visitor.objects.create(
                first_name=first_name or unique("Zed"), last_name=last_name, language=language,
                company_name=organisation,
            )  # fmt: skip
            visit = Visit.objects.create(
                visitor=visitor, host=host, expected_start=start, expected_end=start + dt.timedelta(minutes=1),
                channel=Visit.Channel.INVITATION, state=state,
                checked_in_at=timezone.now() if state in (Visit.State.ON_SITE, Visit.State.LEFT) else None,
                checked_out_at=timezone.now() if state == Visit.State.LEFT else None,
            )  # fmt: skip
            loaded = Visit.objects.select_related("visitor", "host").get(pk=visit.pk)
            loaded.code = visit.code  # the clear code is known only to who made it: the test keeps it
            return loaded

    return make
