"""A walk-in, at the desk or at the kiosk, is registered by one service of visits and so by the objection rule of
every visitor creation (`visitor_create`): staff registering someone who objected are refused, and only the
visitor's own consent, given at the kiosk where they accept the notice themselves, lifts the objection."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.audit.models import AuditEntry
from shared_apps.tenancy.models import Tenant
from tenant_apps.visits.models import Visit, Visitor
from tenant_apps.visits.objections import OBJECTED_MESSAGE, objection_record, visitor_objected
from tenant_apps.visits.services import (
    Actor,
    VisitorDetails,
    VisitStateError,
    WalkIn,
    visitor_create,
    walk_in_register,
)
from tests.kiosk.conftest import walk_in

OBJECTOR = "objector@example.org"
DESK = Actor(label="desk:tower:desk@tower.example", channel=Visit.Channel.DESK)
KIOSK = Actor(label="kiosk:tower:1", channel=Visit.Channel.KIOSK)


def _details(email: str = OBJECTOR) -> VisitorDetails:
    return VisitorDetails(first_name="Otto", last_name="Objector", email=email, phone="", company_name="",
                          language="en")  # fmt: skip


def _objected(company: Tenant) -> None:
    with tenant_context(company):
        objection_record(OBJECTOR)


def _visitors(company: Tenant) -> int:
    with tenant_context(company):
        return Visitor.objects.filter(email=OBJECTOR).count()


def _still_objected(company: Tenant) -> bool:
    with tenant_context(company):
        return visitor_objected(OBJECTOR)


def _desk_walk_in(client, company: Tenant, **overrides: str):
    later = (timezone.localtime() + dt.timedelta(hours=1)).strftime("%H:%M")
    if later < timezone.localtime().strftime("%H:%M"):
        later = "23:59"
    data = {"company": company.slug, "host": "", "first_name": "Otto", "last_name": "Objector",
            "visitor_company": "", "email": OBJECTOR, "phone": "", "language": "en", "expected_end": later,
            "notice_accepted": "on", **overrides}  # fmt: skip
    return client.post("/desk/walk-in/", data)


def test_staff_and_the_desk_are_refused_the_same_way(acme):
    """The desk's walk-in refuses exactly as visitor_create does for the portal and the API."""
    _objected(acme)
    end = timezone.now() + dt.timedelta(hours=1)
    with tenant_context(acme):
        with pytest.raises(VisitStateError) as by_staff:
            visitor_create(details=_details())
        with pytest.raises(VisitStateError) as at_desk:
            walk_in_register(walk_in=WalkIn(visitor=_details(), host=None, expected_end=end), actor=DESK)
    assert str(by_staff.value) == str(at_desk.value) == str(OBJECTED_MESSAGE)
    assert _visitors(acme) == 0 and _still_objected(acme)


def test_the_visitors_own_consent_at_the_kiosk_lifts_the_objection(acme):
    _objected(acme)
    with tenant_context(acme):
        walk = WalkIn(visitor=_details(), host=None, expected_end=timezone.now() + dt.timedelta(hours=1))
        visit = walk_in_register(walk_in=walk, actor=KIOSK)
        assert (visit.state, visit.channel) == (Visit.State.ON_SITE, Visit.Channel.KIOSK)
    assert _visitors(acme) == 1 and not _still_objected(acme)
    assert AuditEntry.objects.filter(action="subject.consent_renewed", actor=KIOSK.label).count() == 1


def test_a_walk_in_with_an_objected_email_at_the_desk_and_at_the_kiosk(tower_desk, kiosk_tower, acme):
    """The same e-mail, objected, walks in at both screens of the building: the desk (staff) shows the rule's
    message and registers nobody; the kiosk, where the visitor accepts the notice, checks them in."""
    _objected(acme)
    audited = AuditEntry.objects.filter(action="desk.walk_in").count()  # the append-only log keeps earlier tests' rows
    refused = _desk_walk_in(tower_desk, acme)
    assert refused.status_code == 400
    assert "cannot be registered again by staff" in refused.content.decode()
    assert _visitors(acme) == 0 and _still_objected(acme)
    assert AuditEntry.objects.filter(action="desk.walk_in").count() == audited

    done = walk_in(kiosk_tower, acme, first_name="Otto", last_name="Objector", email=OBJECTOR)[-1]
    assert done.redirect_chain[-1][0] == "/kiosk/done/"
    assert _visitors(acme) == 1 and not _still_objected(acme)

    again = _desk_walk_in(tower_desk, acme)  # consent given again: staff may register them now
    assert again.status_code == 302 and _visitors(acme) == 2


def test_the_desk_registers_a_walk_ins_email_and_phone(tower_desk, acme):
    response = _desk_walk_in(tower_desk, acme, email="new.person@example.org", phone="0470 12 34 56")
    assert response.status_code == 302
    with tenant_context(acme):
        visitor = Visitor.objects.get(email="new.person@example.org")
    assert visitor.phone == "+32470123456"
