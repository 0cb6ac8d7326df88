"""A person whose processing is restricted (GDPR art. 18) is not checked in at the kiosk: the kiosk only says to see
the reception desk, which reveals nothing (the desk may check them in with their agreement: tests/desk)."""

from django.utils import timezone
from django_tenants.utils import tenant_context

from tenant_apps.notifications.models import Delivery
from tenant_apps.visits.models import Visit, Visitor
from tests.kiosk.conftest import choose_language, invite, visit_in

SEE_DESK = "Please see the reception desk."


def _restrict(company, visit: Visit) -> None:
    with tenant_context(company):
        Visitor.objects.filter(pk=visit.visitor_id).update(restricted_at=timezone.now())


def test_it_refuses_a_restricted_persons_invitation_with_a_neutral_message(kiosk_tower, acme):
    visit = invite(acme, first="Rita", last="Restricted-Surname", email="rita@example.org")
    _restrict(acme, visit)
    choose_language(kiosk_tower)
    response = kiosk_tower.post("/kiosk/invitation/", {"code": visit.code}, follow=True)
    page = response.content.decode()
    assert SEE_DESK in page
    assert response.redirect_chain == [] or response.redirect_chain[-1][0] != "/kiosk/invitation/confirm/"
    assert "Rita" not in page and "restrict" not in page.lower() and "Acme" not in page
    assert visit_in(acme, visit.pk).state == Visit.State.EXPECTED


def test_it_refuses_one_restricted_after_the_code_was_typed(kiosk_tower, acme):
    visit = invite(acme, first="Rita", last="Later", email="rita.later@example.org")
    choose_language(kiosk_tower)
    confirm = kiosk_tower.post("/kiosk/invitation/", {"code": visit.code}, follow=True)
    assert confirm.redirect_chain[-1][0] == "/kiosk/invitation/confirm/"
    _restrict(acme, visit)
    done = kiosk_tower.post("/kiosk/invitation/confirm/", {"accept_notice": "on"}, follow=True)
    page = done.content.decode()
    assert SEE_DESK in page and "restrict" not in page.lower()
    assert visit_in(acme, visit.pk).state == Visit.State.EXPECTED
    with tenant_context(acme):
        assert not Delivery.objects.filter(visit_id=visit.pk).exclude(kind=Delivery.Kind.INVITATION).exists()


def test_an_unrestricted_invitation_still_checks_in(kiosk_tower, acme):
    visit = invite(acme, first="Una", last="Free", email="una@example.org")
    choose_language(kiosk_tower)
    kiosk_tower.post("/kiosk/invitation/", {"code": visit.code}, follow=True)
    kiosk_tower.post("/kiosk/invitation/confirm/", {"accept_notice": "on"}, follow=True)
    assert visit_in(acme, visit.pk).state == Visit.State.ON_SITE
