"""The desk sees a restricted person's visit marked so, on the board (its read model carries the mark, written in the
restriction's own transaction) and on the check-in page, and checks them in only with their agreement confirmed
(GDPR art. 18(2)), audited apart; nobody is messaged about that arrival."""

import re
from html import escape

import pytest
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tenants.utils import schema_context, tenant_context

from shared_apps.accounts.models import User
from shared_apps.audit.models import AuditEntry
from tenant_apps.desk.models import DeskVisit
from tenant_apps.desk.read_model import read_model_fill
from tenant_apps.notifications.models import Delivery
from tenant_apps.privacy.subjects import person_restrict, person_restriction_lift
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


def _board_row(desk, visit: Visit) -> str:
    page = desk.get("/desk/").content.decode()
    [row] = re.findall(rf'<tr data-visit="\d+:{visit.pk}".*?</tr>', page, re.S)
    return row


def test_the_board_marks_a_restricted_persons_visits_from_the_restriction_until_it_is_lifted(
    tower_desk, acme, acme_admin, make_visit
):
    visit, other = make_visit(acme), make_visit(acme)
    assert "data-restricted" not in _board_row(tower_desk, visit)
    with tenant_context(acme):
        admin = User.objects.get(email="admin@acme.example")
        with transaction.atomic():
            person_restrict(visitor=visit.visitor, actor=admin.email)
            # Written in the restriction's own transaction, like every row of the read model.
            with schema_context("tower"):
                assert DeskVisit.objects.get(company_id=acme.pk, visit_id=visit.pk).restricted
    row = _board_row(tower_desk, visit)
    assert 'data-restricted="true"' in row and 'class="badge badge-restricted"' in row
    assert "Restricted processing" in row and "check in only with their agreement" in row
    assert "data-restricted" not in _board_row(tower_desk, other)  # another person's visit is not marked
    with tenant_context(acme):
        person_restriction_lift(visitor=visit.visitor, user=admin)
    assert "data-restricted" not in _board_row(tower_desk, visit)


def test_a_visit_registered_for_someone_restricted_later_and_a_refill_keep_the_mark(tower, acme, make_visit):
    visit = _restricted_visit(make_visit, acme)  # restricted by a plain UPDATE of the visitor
    with schema_context("tower"):
        assert DeskVisit.objects.get(company_id=acme.pk, visit_id=visit.pk).restricted
    with tenant_context(acme):
        Visit.objects.filter(pk=visit.pk).update(state=Visit.State.ON_SITE)  # the visit's own row written again
    read_model_fill(building=tower, again=True)  # copied again from the company's tables, as after a migration
    with schema_context("tower"):
        assert DeskVisit.objects.get(company_id=acme.pk, visit_id=visit.pk).restricted


@pytest.mark.parametrize(
    ("language", "label"),
    [("fr", "Traitement limité"), ("nl", "Beperkte verwerking"), ("en", "Restricted processing"),
     ("de", "Eingeschränkte Verarbeitung")],
)  # fmt: skip
def test_the_boards_mark_speaks_the_desks_language(tower_desk, acme, make_visit, language, label):
    visit = _restricted_visit(make_visit, acme)
    page = tower_desk.get("/desk/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    [row] = re.findall(rf'<tr data-visit="\d+:{visit.pk}".*?</tr>', page, re.S)
    with translation.override(language):
        hint = gettext("This person's data may be kept but not used: do only what the visit needs, check in only "
                       "with their agreement, and no message is sent about it.")  # fmt: skip
    assert label in row and escape(hint) in row
    assert language == "en" or not hint.startswith("This person")  # translated, not left in English
