import datetime as dt
from collections.abc import Iterator

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.visits.models import Host, Visit, Visitor
from tenant_apps.visits.selectors import company_settings
from tenant_apps.visits.services import Actor, visit_register
from tests.notifications.receiver import Receiver, webhook_receiver

ADMIN = Actor(label="admin@acme.example", channel=Visit.Channel.INVITATION)
BRUSSELS = dt.timezone(dt.timedelta(hours=1))  # 26 November: CET


@pytest.fixture(autouse=True)
def _webhooks_may_call_loopback(settings) -> None:
    """The test receiver listens on 127.0.0.1, which production refuses (see CHECKIN_WEBHOOK_ALLOW_PRIVATE)."""
    settings.CHECKIN_WEBHOOK_ALLOW_PRIVATE = True


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as running:
        yield running


def register(
    *, language: str = "fr", channel: str = Visit.Channel.INVITATION, email: str = "marie@example.org"
) -> Visit:
    """Register a visit to Sophie at 09:00 Brussels time on 2 March 2027, in the current schema."""
    visitor, _ = Visitor.objects.update_or_create(  # one person per address (tenant_apps/visits/models.py)
        email=email,
        defaults={
            "first_name": "Marie",
            "last_name": "Lambert",
            "company_name": "Lambert & Fils",
            "language": language,
        },
    )
    start = dt.datetime(2027, 3, 2, 9, 0, tzinfo=BRUSSELS)
    return visit_register(
        visitor=visitor,
        host=Host.objects.filter(name="Sophie Dubois").first() or Host.objects.order_by("pk").first(),
        expected_start=start,
        expected_end=start + dt.timedelta(hours=2),
        purpose="Contract review",
        actor=Actor(label=ADMIN.label, channel=channel),
    )


def use_webhook(url: str, secret: str = "whsec_test-secret") -> None:  # noqa: S107
    settings = company_settings()
    settings.webhook_url, settings.webhook_secret = url, secret
    settings.save()


@pytest.fixture
def in_acme(acme) -> Iterator[None]:
    with tenant_context(acme):
        yield
