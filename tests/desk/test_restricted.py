"""The desk sees a restricted person's visit marked so, and checks them in only with their agreement confirmed
(GDPR art. 18(2)), audited apart; nobody is messaged about that arrival."""

from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.audit.models import AuditEntry
from tenant_apps.notifications.models import Delivery
from tenant_apps.visits.models import Visit, Visitor

DESK_ACTOR = "desk:tower:desk@tower.example"


def _restricted_visit(make_visit, company) -> Visit:
    visit = make_visit(company)
    with tenant_context(company):
        Visitor.objects.filter(pk=visit.visitor_id).update(restricted_at=timezone.now())
    return visit


def _state(company, pk: int) -> str:
    with tenant_context(company):
        return Visit.objects.get(pk=pk).state


def _audited(action: str, visit_id: int) -> int:
    return AuditEntry.objects.filter(action=action, actor=DESK_ACTOR, object_ids__visit=[visit_id]).count()


def test_the_check_in_page_marks_a_restricted_person(tower_desk, acme, make_visit):
    visit = _restricted_visit(make_visit, acme)
    page = tower_desk.get(f"/desk/visits/acme/{visit.pk}/check-in/").content.decode()
    assert "Restricted processing" in page and 'name="restriction_confirmed"' in page
    plain = make_visit(acme)
    assert "Restricted processing" not in tower_desk.get(f"/desk/visits/acme/{plain.pk}/check-in/").content.decode()


def test_the_desk_cannot_check_in_a_restricted_person_without_confirming(tower_desk, acme, make_visit):
    visit = _restricted_visit(make_visit, acme)
    response = tower_desk.post(f"/desk/visits/acme/{visit.pk}/check-in/", {"notice_accepted": "on"})
    assert response.status_code == 400
    assert "check them in only if they are here and agree" in response.content.decode()
    assert _state(acme, visit.pk) == Visit.State.EXPECTED
    assert _audited("desk.visit.check_in", visit.pk) == _audited("desk.visit.check_in_restricted", visit.pk) == 0


def test_a_confirmed_check_in_is_audited_apart_and_messages_nobody(tower_desk, acme, make_visit):
    visit = _restricted_visit(make_visit, acme)
    response = tower_desk.post(
        f"/desk/visits/acme/{visit.pk}/check-in/", {"notice_accepted": "on", "restriction_confirmed": "on"}
    )
    assert response.status_code == 302
    assert _state(acme, visit.pk) == Visit.State.ON_SITE
    assert _audited("desk.visit.check_in_restricted", visit.pk) == 1
    assert _audited("desk.visit.check_in", visit.pk) == 0
    with tenant_context(acme):
        assert not Delivery.objects.filter(visit_id=visit.pk).exists()
        assert Visitor.objects.get(pk=visit.visitor_id).restricted_at is not None  # still restricted
