"""A walk-in, at the desk or at the kiosk, is registered by one service of visits and so by the objection rule of
every visitor creation (`visitor_create`): staff registering someone who objected are refused, and the visitor's
own consent, given at the kiosk, lifts nothing by itself: the owner of the address confirms through the link
e-mailed to it (signed, single-use, expiring), in their language."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.audit.models import AuditEntry
from shared_apps.tenancy.models import Tenant
from tenant_apps.visits.models import Visit, Visitor
from tenant_apps.visits.objections import OBJECTED_MESSAGE, objection_record, visitor_objected
from tenant_apps.visits.services import (
    Actor,
    ObjectionConfirmationNeeded,
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


def test_consent_at_the_kiosk_alone_lifts_nothing(acme):
    _objected(acme)
    with tenant_context(acme):
        walk = WalkIn(visitor=_details(), host=None, expected_end=timezone.now() + dt.timedelta(hours=1))
        with pytest.raises(ObjectionConfirmationNeeded):
            walk_in_register(walk_in=walk, actor=KIOSK)
    assert _visitors(acme) == 0 and _still_objected(acme)
    assert not AuditEntry.objects.filter(action="subject.consent_renewed", tenant_schema="acme").exists()


def _link(mail) -> str:
    found = re.search(r"http://acme\.localhost:8000(/privacy/confirm-consent/[^/\s]+/)", mail.body)
    assert found is not None, mail.body
    return found.group(1)


def test_a_walk_in_with_an_objected_email_at_the_desk_and_at_the_kiosk(
    tower_desk,
    kiosk_tower,
    acme,
    client_for,
    mailoutbox,
    django_capture_on_commit_callbacks,
    eager,
):
    """The same e-mail, objected, walks in at both screens of the building: the desk (staff) shows the rule's
    message and registers nobody; the kiosk, where the visitor accepts the notice, registers nobody either but
    e-mails the address a link, in the visitor's language; once its owner confirms, both register the one person."""
    _objected(acme)
    audited = AuditEntry.objects.filter(action="desk.walk_in").count()  # the append-only log keeps earlier tests' rows
    refused = _desk_walk_in(tower_desk, acme)
    assert refused.status_code == 400
    assert "cannot be registered again" in refused.content.decode()
    assert _visitors(acme) == 0 and _still_objected(acme)
    assert AuditEntry.objects.filter(action="desk.walk_in").count() == audited

    with django_capture_on_commit_callbacks(execute=True):
        asked = walk_in(kiosk_tower, acme, language="nl", first_name="Otto", last_name="Objector", email=OBJECTOR)[-1]
    assert asked.redirect_chain == [] and "errorlist" in asked.content.decode()
    assert _visitors(acme) == 0 and _still_objected(acme)
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [OBJECTOR]
    assert "bevestig" in mailoutbox[0].subject.lower()  # Dutch, the language chosen at the kiosk
    link = _link(mailoutbox[0])

    stranger = client_for("acme.localhost")
    assert stranger.get(link).status_code == 200 and _still_objected(acme)  # looking lifts nothing
    assert stranger.get(link.replace("/confirm-consent/", "/confirm-consent/x")).status_code == 404
    assert stranger.post(link).status_code == 200 and not _still_objected(acme)
    assert stranger.post(link).status_code == 404  # once only
    assert AuditEntry.objects.filter(action="subject.consent_renewed", tenant_schema="acme").count() == 1

    done = walk_in(kiosk_tower, acme, first_name="Otto", last_name="Objector", email=OBJECTOR)[-1]
    assert done.redirect_chain[-1][0] == "/kiosk/done/"
    assert _visitors(acme) == 1

    again = _desk_walk_in(tower_desk, acme)  # consent given again: staff may register them now, the same person
    assert again.status_code == 302 and _visitors(acme) == 1
    with tenant_context(acme):
        assert Visit.objects.filter(visitor__email=OBJECTOR).count() == 2


def test_a_confirmation_link_of_another_company_or_expired_opens_nothing(
    kiosk_tower,
    acme,
    globex,
    client_for,
    mailoutbox,
    django_capture_on_commit_callbacks,
    eager,
):
    _objected(acme)
    with django_capture_on_commit_callbacks(execute=True):
        walk_in(kiosk_tower, acme, first_name="Otto", last_name="Objector", email=OBJECTOR)
    link = _link(mailoutbox[0])
    assert client_for("globex.localhost").post(link).status_code == 404
    import time_machine

    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        assert client_for("acme.localhost").post(link).status_code == 404
    assert _still_objected(acme)


def test_the_desk_registers_a_walk_ins_email_and_phone(tower_desk, acme):
    response = _desk_walk_in(tower_desk, acme, email="new.person@example.org", phone="0470 12 34 56")
    assert response.status_code == 302
    with tenant_context(acme):
        visitor = Visitor.objects.get(email="new.person@example.org")
    assert visitor.phone == "+32470123456"
