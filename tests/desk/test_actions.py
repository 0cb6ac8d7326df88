"""Actions from the board: each goes through the company's services, is audited, and is refused when illegal."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.audit.models import AuditEntry
from shared_apps.operations.encryption import code_digests
from shared_apps.tenancy.models import BuildingDocument
from tenant_apps.visits.models import Host, Visit, VisitEvent

DESK_ACTOR = "desk:tower:desk@tower.example"


def _visit(company, pk):
    with tenant_context(company):
        return Visit.objects.select_related("visitor").get(pk=pk)


def _audited(action, visit_id):
    return AuditEntry.objects.filter(action=action, actor=DESK_ACTOR, object_ids__visit=[visit_id]).count()


@pytest.fixture
def tower_notices(tower):
    BuildingDocument.objects.filter(building=tower).delete()  # the defaults every building gets
    BuildingDocument.objects.create(building=tower, kind="privacy_notice", language="en", version="en-1", text="Old")
    BuildingDocument.objects.create(building=tower, kind="privacy_notice", language="en", version="en-2", text="We")
    BuildingDocument.objects.create(building=tower, kind="privacy_notice", language="fr", version="fr-7", text="Nous")


def test_check_in_records_the_latest_notice_in_the_visitors_language(tower_desk, acme, make_visit, tower_notices):
    visit = make_visit(acme, language="fr")
    page = tower_desk.get(f"/desk/visits/acme/{visit.pk}/check-in/")
    assert page.status_code == 200 and "fr-7" in page.content.decode() and "Nous" in page.content.decode()
    response = tower_desk.post(
        f"/desk/visits/acme/{visit.pk}/check-in/", {"notice_accepted": "on", "next": "/desk/?q=x"}
    )
    assert response.status_code == 302 and response["Location"] == "/desk/?q=x"
    visit = _visit(acme, visit.pk)
    assert (visit.state, visit.consent_notice_version, visit.consent_channel) == ("on_site", "fr-7", "desk")
    with tenant_context(acme):
        assert VisitEvent.objects.filter(visit=visit, kind="checked_in", actor=DESK_ACTOR).exists()
    assert _audited("desk.visit.check_in", visit.pk) == 1


def test_check_in_falls_back_to_the_english_notice(tower_desk, acme, make_visit, tower_notices):
    visit = make_visit(acme, language="nl")
    tower_desk.post(f"/desk/visits/acme/{visit.pk}/check-in/", {"notice_accepted": "on"})
    assert _visit(acme, visit.pk).consent_notice_version == "en-2"


def test_check_in_is_refused_without_the_notice_accepted(tower_desk, acme, make_visit, tower_notices):
    visit = make_visit(acme)
    response = tower_desk.post(f"/desk/visits/acme/{visit.pk}/check-in/", {})
    assert response.status_code == 400 and "must accept the privacy notice" in response.content.decode()
    assert _visit(acme, visit.pk).state == "expected"
    assert _audited("desk.visit.check_in", visit.pk) == 0


def test_check_in_of_a_visit_already_on_site_is_refused(tower_desk, globex, make_visit):
    visit = make_visit(globex, state=Visit.State.ON_SITE)
    response = tower_desk.post(f"/desk/visits/globex/{visit.pk}/check-in/", {"notice_accepted": "on"}, follow=True)
    assert "already checked in" in response.content.decode()
    assert _audited("desk.visit.check_in", visit.pk) == 0


def test_check_out_and_refusal(tower_desk, globex, make_visit):
    on_site = make_visit(globex, state=Visit.State.ON_SITE)
    expected = make_visit(globex)
    assert tower_desk.post(f"/desk/visits/globex/{on_site.pk}/check-out/").status_code == 302
    assert _visit(globex, on_site.pk).state == "left"
    assert _audited("desk.visit.check_out", on_site.pk) == 1
    response = tower_desk.post(f"/desk/visits/globex/{expected.pk}/check-out/", follow=True)
    assert "never checked in" in response.content.decode()
    assert _visit(globex, expected.pk).state == "expected"


def test_cancel_asks_first_and_a_single_post_without_confirmation_cancels_nothing(tower_desk, acme, make_visit):
    expected = make_visit(acme, first_name="Perpetua")
    page = tower_desk.get(f"/desk/visits/acme/{expected.pk}/cancel/?next=/desk/%3Fcompany%3Dacme")
    assert page.status_code == 200 and "Perpetua" in page.content.decode()
    assert 'name="confirm" value="yes"' in page.content.decode()
    response = tower_desk.post(f"/desk/visits/acme/{expected.pk}/cancel/", {"next": "/desk/"})
    assert response.status_code == 200 and 'name="confirm" value="yes"' in response.content.decode()
    assert _visit(acme, expected.pk).state == "expected"
    assert _audited("desk.visit.cancel", expected.pk) == 0


def test_cancel_and_refusal(tower_desk, acme, make_visit):
    expected = make_visit(acme)
    left = make_visit(acme, state=Visit.State.LEFT)
    response = tower_desk.post(f"/desk/visits/acme/{expected.pk}/cancel/", {"confirm": "yes", "next": "/desk/"})
    assert response.status_code == 302 and response["Location"] == "/desk/"
    assert _visit(acme, expected.pk).state == "cancelled"
    assert _audited("desk.visit.cancel", expected.pk) == 1
    tower_desk.post(f"/desk/visits/acme/{left.pk}/cancel/", {"confirm": "yes"})
    assert _visit(acme, left.pk).state == "left"
    assert _audited("desk.visit.cancel", left.pk) == 0


def test_actions_are_post_only(tower_desk, acme, make_visit):
    visit = make_visit(acme, state=Visit.State.ON_SITE)
    assert tower_desk.get(f"/desk/visits/acme/{visit.pk}/check-out/").status_code == 405
    assert _visit(acme, visit.pk).state == "on_site"


def test_a_desk_note_goes_on_the_visit_timeline(tower_desk, acme, make_visit):
    visit = make_visit(acme)
    assert tower_desk.get(f"/desk/visits/acme/{visit.pk}/note/").status_code == 200
    assert (
        tower_desk.post(f"/desk/visits/acme/{visit.pk}/note/", {"note": "  Waiting in the lobby  "}).status_code == 302
    )
    with tenant_context(acme):
        note = VisitEvent.objects.get(visit_id=visit.pk, kind="note")
    assert (note.note, note.actor) == ("Waiting in the lobby", DESK_ACTOR)
    entry = AuditEntry.objects.get(action="desk.visit.note", object_ids__visit=[visit.pk])
    assert "Waiting" not in str(entry.details) + str(entry.object_ids)


def test_an_empty_note_is_refused(tower_desk, acme, make_visit):
    visit = make_visit(acme)
    response = tower_desk.post(f"/desk/visits/acme/{visit.pk}/note/", {"note": "   "})
    assert response.status_code == 400
    with tenant_context(acme):
        assert not VisitEvent.objects.filter(visit_id=visit.pk, kind="note").exists()


def _walk_in(client, **overrides):
    later = (timezone.localtime() + dt.timedelta(hours=1)).strftime("%H:%M")
    if later < timezone.localtime().strftime("%H:%M"):
        later = "23:59"
    data = {"company": "globex", "host": "", "first_name": "Leopold", "last_name": "Walkin", "visitor_company": "",
            "language": "de", "expected_end": later, "notice_accepted": "on"}  # fmt: skip
    data.update(overrides)
    return client.post("/desk/walk-in/", data)


def test_a_walk_in_is_registered_and_checked_in_in_the_company_schema(tower_desk, globex, tower_notices):
    with tenant_context(globex):
        host = Host.objects.get(pk=Host.objects.order_by("pk").values_list("pk", flat=True)[0])
    response = _walk_in(tower_desk, host=f"globex:{host.pk}")
    assert response.status_code == 302 and "/badge/" in response["Location"]
    with tenant_context(globex):
        visit = Visit.objects.select_related("visitor").get(visitor__last_name="Walkin")
        assert (visit.state, visit.channel, visit.host_id) == ("on_site", "desk", host.pk)
        assert visit.consent_notice_version == "en-2"  # no German notice: English
        kinds = list(visit.events.values_list("kind", flat=True))
    assert kinds == ["registered", "checked_in"]
    assert _audited("desk.walk_in", visit.pk) == 1


def test_a_walk_in_is_refused_with_field_errors(tower_desk, acme, globex, tower_notices):
    with tenant_context(acme):
        acme_host = Host.objects.order_by("pk")[0]
    wrong_host = _walk_in(tower_desk, host=f"acme:{acme_host.pk}")
    assert wrong_host.status_code == 400 and "works for another company" in wrong_host.content.decode()
    assert _walk_in(tower_desk, first_name="").status_code == 400
    assert _walk_in(tower_desk, notice_accepted="").status_code == 400
    assert _walk_in(tower_desk, company="initech").status_code == 400
    with tenant_context(globex):
        assert not Visit.objects.filter(visitor__last_name="Walkin").exists()


def test_the_harbour_desk_cannot_register_a_walk_in_for_a_tower_company(harbour_desk, globex):
    assert _walk_in(harbour_desk).status_code == 400
    with tenant_context(globex):
        assert not Visit.objects.filter(visitor__last_name="Walkin").exists()


def test_the_badge_has_the_name_company_and_a_qr_of_a_fresh_code_and_the_old_code_stops(tower_desk, acme, make_visit):
    visit = make_visit(acme, first_name="Millicent", organisation="Stark", state=Visit.State.ON_SITE)
    old_code = visit.code
    preview = tower_desk.get(f"/desk/visits/acme/{visit.pk}/badge/").content.decode()
    assert (
        "Millicent" in preview and old_code not in preview and 'class="badge-qr"' not in preview
    )  # nothing to read back
    assert _audited("desk.badge.print", visit.pk) == 0
    response = tower_desk.post(f"/desk/visits/acme/{visit.pk}/badge/")
    page = response.content.decode()
    assert response.status_code == 200
    new_code = re.findall(r"class=\"badge-code\">(\w+)<", page)[0]
    assert "Millicent" in page and "Acme Logistics" in page and new_code != old_code and "<svg" in page
    assert "kiosk/badge.css" in page and "kiosk/badge-62x100.css" in page  # the building's label size
    assert _audited("desk.badge.print", visit.pk) == 1
    with tenant_context(acme):
        assert AuditEntry.objects.filter(action="visit.code_reissued", details__reason="badge").count() == 1
        assert Visit.objects.filter(code_digest__in=code_digests(new_code)).get().pk == visit.pk
        assert not Visit.objects.filter(code_digest__in=code_digests(old_code)).exists()
