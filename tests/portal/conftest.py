"""Acme objects for the portal tests, with ids that do not exist in globex's schema."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from tenant_apps.visits.models import Host, Visit, VisitEvent, Visitor

FAR_ID = 900_000  # far above any id the sequences hand out in the test database


@dataclass(frozen=True)
class AcmeWorld:
    admin: User
    member: User
    colleague: User  # another member, an object of the Users pages
    member_host: Host  # linked to `member`
    other_host: Host
    own_today: Visit  # member's, today
    other_today: Visit  # someone else's, today
    own_future: Visit
    other_future: Visit
    other_past: Visit


def at_noon(days: int) -> dt.datetime:
    """Noon on today + `days`, in the building's time zone."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def make_visit(pk: int, visitor: Visitor, host: Host, days: int, *, by: User, state: str = "expected") -> Visit:
    start = at_noon(days)
    visit = Visit.objects.create(
        pk=pk, visitor=visitor, host=host, expected_start=start, expected_end=start + dt.timedelta(hours=1),
        purpose="Review", channel=Visit.Channel.INVITATION, state=state, created_by=by, updated_by=by,
    )  # fmt: skip
    VisitEvent.objects.create(visit=visit, kind=VisitEvent.Kind.REGISTERED, actor=by.email)
    return visit


@pytest.fixture
def world(acme) -> AcmeWorld:
    with tenant_context(acme):
        admin = User.objects.get(email="admin@acme.example")
        member = User.objects.get(email="member@acme.example")
        colleague = User.objects.create_user("colleague@acme.example", None, pk=FAR_ID + 1,  # invited, no password yet
                                             full_name="Cole League", role=User.Role.MEMBER)  # fmt: skip
        member_host = Host.objects.create(pk=FAR_ID + 1, name="Mia Member", email="mia@acme.example", user=member)
        other_host = Host.objects.create(pk=FAR_ID + 2, name="Otto Other", email="otto@acme.example")
        eva = Visitor.objects.create(pk=FAR_ID + 1, first_name="Eva", last_name="Evers", email="eva@example.org")
        bob = Visitor.objects.create(pk=FAR_ID + 2, first_name="Bob", last_name="Bakker", email="bob@example.org")
        return AcmeWorld(
            admin=admin, member=member, colleague=colleague, member_host=member_host, other_host=other_host,
            own_today=make_visit(FAR_ID + 1, eva, member_host, 0, by=admin),
            other_today=make_visit(FAR_ID + 2, bob, other_host, 0, by=admin),
            own_future=make_visit(FAR_ID + 3, eva, member_host, 3, by=admin),
            other_future=make_visit(FAR_ID + 4, bob, other_host, 4, by=admin),
            other_past=make_visit(FAR_ID + 5, bob, other_host, -5, by=admin, state=Visit.State.LEFT),
        )  # fmt: skip
