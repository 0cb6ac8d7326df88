"""Visitor self pre-registration: a host registers a visit with the visitor's e-mail address only (portal or API);
the visitor gets a signed, single-use, expiring link to fill in their own details on the company's host, in their
language, with the privacy notice; then the visit is complete and the usual invitation with the code goes out. A
used, expired or altered link, or one of another company, shows a clear page and changes nothing."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.audit.models import AuditEntry
from shared_apps.tenancy.models import Building, Tenant
from tenant_apps.api.services import api_token_create
from tenant_apps.notifications.models import Delivery
from tenant_apps.privacy.forms import PersonCorrectionForm
from tenant_apps.visits.models import Visit, VisitEvent, Visitor
from tenant_apps.visits.self_registration import LINK_LIFETIME
from tests.conftest import HostClient

pytestmark = pytest.mark.usefixtures("eager")

LINK = re.compile(r"http://acme\.localhost:8000(/register/[^/\s]+/)")
START = "2031-03-04T09:00"
ASK = {"email": "Vera@Example.org", "language": "nl", "expected_start": START, "expected_end": "2031-03-04T10:30",
       "purpose": "Workshop"}  # fmt: skip
GIVEN = {"first_name": "Vera", "last_name": "Vos", "company_name": "Vos & Co", "language": "nl",
         "accept_notice": "on"}  # fmt: skip


def _link(to: str = "vera@example.org") -> str:
    message = next(message for message in mail.outbox if message.to == [to])
    return LINK.findall(str(message.body))[0]


def _asked(acme: Tenant, acme_admin: HostClient, capture, **changes: str) -> Visit:
    with capture(execute=True):
        response = acme_admin.post("/visits/ask-details/", {**ASK, **changes})
    assert response.status_code == 302, response.content.decode()
    with tenant_context(acme):
        visit = Visit.objects.select_related("visitor").get(pk=int(response["Location"].split("/")[2]))
    return visit


def _visit(acme: Tenant, visit: Visit) -> Visit:
    with tenant_context(acme):
        return Visit.objects.select_related("visitor").get(pk=visit.pk)


def _plate_asked(tower: Building, asked: bool) -> None:
    Building.objects.filter(pk=tower.pk).update(asks_licence_plate=asked)


def test_the_host_sends_the_link_and_the_visitor_completes_the_visit(acme, world, acme_admin, client_for,
                                                                     django_capture_on_commit_callbacks):  # fmt: skip
    visit = _asked(acme, acme_admin, django_capture_on_commit_callbacks)
    assert visit.details_requested_at is not None and visit.state == Visit.State.EXPECTED
    assert (visit.visitor.email, visit.visitor.first_name, visit.visitor.language) == ("vera@example.org", "", "nl")
    request = next(message for message in mail.outbox if message.to == ["vera@example.org"])
    assert "Acme" in request.subject and "gegevens" in request.subject  # in the visitor's language (Dutch)
    with tenant_context(acme):
        assert list(Delivery.objects.filter(visit=visit).values_list("kind", flat=True)) == ["details_request"]
    assert "details awaited" in acme_admin.get("/visits/upcoming/").content.decode()

    link = _link()
    visitor = client_for("acme.localhost")
    page = visitor.get(link)
    text = page.content.decode()
    assert page.status_code == 200 and '<html lang="nl">' in text  # the visitor's language, unasked
    assert "Privacyverklaring" in text or "privacy" in text.lower()  # the notice the kiosk shows
    assert "Nummerplaat" not in text and 'name="licence_plate"' not in text  # the building asks for no plate
    assert page["Cache-Control"].startswith("max-age=0") and page["X-Robots-Tag"] == "noindex, nofollow"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = visitor.post(link, GIVEN)
    assert done.status_code == 200 and 'data-self-registration="done"' in done.content.decode()
    visit = _visit(acme, visit)
    assert visit.details_requested_at is None and visit.consent_notice_version and visit.consent_at
    visitor_now = visit.visitor
    assert (visitor_now.first_name, visitor_now.last_name, visitor_now.company_name) == ("Vera", "Vos", "Vos & Co")
    [invitation] = mail.outbox  # the normal invitation, with the code, in Dutch
    assert invitation.to == ["vera@example.org"] and "Hallo Vera" in str(invitation.body)
    with tenant_context(acme):
        kinds = list(visit.events.values_list("kind", flat=True))
        assert kinds == [VisitEvent.Kind.REGISTERED, VisitEvent.Kind.DETAILS_REQUESTED, VisitEvent.Kind.DETAILS_GIVEN]
        assert Delivery.objects.filter(visit=visit, kind=Delivery.Kind.INVITATION).exists()
    entry = AuditEntry.objects.filter(action="visit.details_given").latest("pk")
    assert entry.actor == "visitor:self-registration" and "vera" not in str(entry.details)

    again = visitor.post(link, {**GIVEN, "first_name": "Mallory"})  # the link worked once
    assert again.status_code == 404 and 'data-self-registration="gone"' in again.content.decode()
    assert visitor.get(link).status_code == 404
    assert _visit(acme, visit).visitor.first_name == "Vera"


def test_the_form_speaks_the_chosen_language_and_names_each_problem(acme, world, acme_admin, client_for,
                                                                   django_capture_on_commit_callbacks):  # fmt: skip
    visit = _asked(acme, acme_admin, django_capture_on_commit_callbacks)
    link = _link()
    visitor = client_for("acme.localhost")
    visitor.post("/i18n/setlang/", {"language": "fr", "next": link})  # the page's language switch
    page = visitor.post(link, {"first_name": "", "last_name": "Vos", "language": "xx"})
    text = page.content.decode()
    assert page.status_code == 200 and '<html lang="fr">' in text
    assert "Ce champ est obligatoire." in text  # first name, in French
    assert "Sélectionnez un choix valide." in text  # language
    assert "Veuillez lire et accepter" in text  # the privacy notice
    visit = _visit(acme, visit)
    assert visit.details_requested_at is not None and visit.visitor.last_name == ""  # nothing stored


def test_the_building_can_ask_for_the_licence_plate(acme, tower, world, acme_admin, client_for,
                                                    django_capture_on_commit_callbacks):  # fmt: skip
    _plate_asked(tower, True)
    visit = _asked(acme, acme_admin, django_capture_on_commit_callbacks, language="en")
    link = _link()
    visitor = client_for("acme.localhost")
    assert 'name="licence_plate"' in visitor.get(link).content.decode()
    missing = visitor.post(link, {**GIVEN, "language": "en"}).content.decode()
    assert "This field is required." in missing
    bad = visitor.post(link, {**GIVEN, "language": "en", "licence_plate": "1-ABC-234!"}).content.decode()
    assert "Enter the plate as printed" in bad
    assert _visit(acme, visit).details_requested_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post(link, {**GIVEN, "language": "en", "licence_plate": " 1-abc-234 "})
    visit = _visit(acme, visit)
    assert visit.licence_plate == "1-ABC-234" and visit.details_requested_at is None
    assert "1-ABC-234" in acme_admin.get(f"/visits/{visit.pk}/").content.decode()


def test_an_altered_expired_or_foreign_link_changes_nothing(acme, globex, world, acme_admin, client_for,
                                                           django_capture_on_commit_callbacks):  # fmt: skip
    visit = _asked(acme, acme_admin, django_capture_on_commit_callbacks)
    link = _link()
    visitor = client_for("acme.localhost")
    altered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    for response in (visitor.post(altered, GIVEN), visitor.get(link.replace("/register/", "/register/x"))):
        assert response.status_code == 404 and 'data-self-registration="gone"' in response.content.decode()
    assert client_for("globex.localhost").post(link, GIVEN).status_code == 404  # another company's host
    with tenant_context(acme):  # past the link's lifetime
        Visit.objects.filter(pk=visit.pk).update(details_requested_at=timezone.now() - LINK_LIFETIME
                                                 - dt.timedelta(minutes=1))  # fmt: skip
    expired = visitor.post(link, GIVEN)
    assert expired.status_code == 404 and "no longer works" in expired.content.decode()
    with tenant_context(acme):
        assert Visitor.objects.get(pk=visit.visitor_id).first_name == ""
        assert not Delivery.objects.filter(visit=visit, kind=Delivery.Kind.INVITATION).exists()


def test_a_cancelled_visit_s_link_no_longer_works(acme, world, acme_admin, client_for,
                                                  django_capture_on_commit_callbacks):  # fmt: skip
    visit = _asked(acme, acme_admin, django_capture_on_commit_callbacks)
    acme_admin.post(f"/visits/{visit.pk}/cancel/", {"confirm": "yes"})
    assert _visit(acme, visit).state == Visit.State.CANCELLED
    assert client_for("acme.localhost").post(_link(), GIVEN).status_code == 404
    assert _visit(acme, visit).visitor.first_name == ""


def test_the_host_form_refuses_bad_input_with_field_errors(acme, world, acme_admin):
    with tenant_context(acme):
        before = (Visit.objects.count(), Visitor.objects.count())
    page = acme_admin.post("/visits/ask-details/", {**ASK, "email": "nope", "expected_end": "2031-03-04T08:00"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Enter a valid email address" in text and "The departure must be after the arrival." in text
    with tenant_context(acme):
        assert (Visit.objects.count(), Visitor.objects.count()) == before


def test_a_known_person_keeps_their_details_until_they_correct_them(acme, world, acme_admin, client_for,
                                                                    django_capture_on_commit_callbacks):  # fmt: skip
    visit = _asked(acme, acme_admin, django_capture_on_commit_callbacks, email="eva@example.org")
    assert visit.visitor_id == world.own_today.visitor_id and visit.visitor.first_name == "Eva"
    link = _link("eva@example.org")
    assert 'value="Evers"' in client_for("acme.localhost").get(link).content.decode()


def test_the_api_asks_the_visitor_s_details_too(acme, world, client_for, django_capture_on_commit_callbacks):
    with tenant_context(acme):
        key = api_token_create(name="HR system", created_by=world.admin)[1]
    api = HostClient("acme.localhost", HTTP_AUTHORIZATION=f"Bearer {key}")
    body = {**ASK, "expected_start": "2031-03-04T09:00:00+01:00", "expected_end": "2031-03-04T10:00:00+01:00",
            "host": world.other_host.pk}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/visits/ask-details/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    answer = created.json()
    assert answer["details_awaited"] is True and answer["visitor"]["first_name"] == ""
    link = _link()
    with django_capture_on_commit_callbacks(execute=True):
        client_for("acme.localhost").post(link, GIVEN)
    assert api.get(f"/api/v1/visits/{answer['id']}/").json()["details_awaited"] is False
    bad = api.post("/api/v1/visits/ask-details/", {**body, "email": "nope", "language": "xx"},
                   content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and set(bad.json()) >= {"email", "language"}
    # The visitor API still requires both names.
    nameless = api.post("/api/v1/visitors/", {"first_name": "", "last_name": "", "email": "x@example.org",
                                              "language": "en"}, content_type="application/json")  # fmt: skip
    assert nameless.status_code == 400 and {"first_name", "last_name"} <= set(nameless.json())


def test_a_correction_still_names_the_person(acme, world):
    """Names may be blank in the table only while the visitor's own details are awaited: the privacy pages'
    correction form still requires both."""
    with tenant_context(acme):
        form = PersonCorrectionForm(data={"first_name": "", "last_name": "", "email": "eva@example.org",
                                          "language": "en"}, instance=world.own_today.visitor)  # fmt: skip
        assert not form.is_valid() and {"first_name", "last_name"} <= set(form.errors)
