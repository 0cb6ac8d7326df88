"""The visitor's own privacy page: a signed link per person and company, what it shows and what it does."""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.core import mail, signing
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.audit.models import AuditEntry
from tenant_apps.notifications.emails import invitation_email
from tenant_apps.privacy.models import SubjectRequest
from tenant_apps.privacy.subject_requests import answer_due
from tenant_apps.visits.models import CompanySettings, SuppressedEmail, Visit, Visitor
from tenant_apps.visits.person_links import person_page_path, person_token
from tests.conftest import HostClient
from tests.portal.conftest import world  # noqa: F401  (a fixture)
from tests.privacy.conftest import person, visit

DAY = dt.timedelta(days=1)
MAIL = "zoe.private@example.org"
ACME = "acme.localhost"


def _zoe(company, language: str = "fr") -> tuple[Visitor, str]:
    """Zoë with two visits (one left, one no-show) and the path of her page."""
    with tenant_context(company):
        zoe = person(first="Zoë", last="Peeters", email=MAIL, phone="+32470000001", language=language)
        visit(zoe, ended=dt.datetime(2026, 12, 7, 14, 5, tzinfo=dt.UTC) - 3 * DAY)
        visit(zoe, ended=dt.datetime.now(dt.UTC) - DAY, state=Visit.State.NO_SHOW)
        return zoe, person_page_path(zoe)


def _other(company) -> Visitor:
    with tenant_context(company):
        other = person(first="Otto", last="Secret", email="otto@example.org")
        visit(other, ended=dt.datetime.now(dt.UTC) - DAY)
        return other


def test_it_shows_the_person_their_own_data_in_their_language_with_labels_and_belgian_dates(acme):
    zoe, path = _zoe(acme)
    _other(acme)
    response = HostClient(ACME).get(path)
    page = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin" and '<html lang="fr">' in page
    assert "Zoë" in page and "+32470000001" in page and "Otto" not in page
    assert "Vos données" in page and "Français" in page
    assert "· parti" in page and "· absent" in page  # the states' labels, not their codes
    assert re.search(r"\b4-12-2026 1[45]:05\b", page)  # Belgian date and 24-hour time in the building's zone
    for code in ("no_show", "checked_in", "on_site", "kiosk:", "desk:tower", "desk@tower.example"):
        assert code not in page, code
    assert AuditEntry.objects.filter(action="subject.page_view", tenant_schema="acme",
                                     object_ids={"visitor": [zoe.pk]}).exists()  # fmt: skip


@pytest.mark.parametrize(
    ("language", "title", "state", "host_label"),
    [("fr", "Vos données", "Absent", "Hôte"), ("nl", "Uw gegevens", "niet opgedaagd", "Gastheer"),
     ("en", "Your data", "no-show", "Host"), ("de", "Ihre Daten", "Nicht erschienen", "Gastgeber")],
)  # fmt: skip
def test_it_speaks_each_language(acme, language, title, state, host_label):
    _, path = _zoe(acme, language=language)
    page = HostClient(ACME).get(path).content.decode()
    assert title in page and host_label in page, language
    assert state.lower() in page.lower(), language


def test_the_download_is_complete_json_for_that_person_only(acme):
    zoe, path = _zoe(acme)
    other = _other(acme)
    response = HostClient(ACME).get(path + "my-data.json")
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    record = json.loads(response.content)
    assert record["format"] == "checkin.person-record/1" and record["language"] == "fr"
    person_fields = {entry["field"]: entry["value"] for entry in record["person"]}
    assert set(person_fields) == {f.name for f in Visitor._meta.concrete_fields}
    assert person_fields["email"] == MAIL and person_fields["id"] == zoe.pk
    with tenant_context(acme):
        visits = list(Visit.objects.filter(visitor=zoe).order_by("pk").prefetch_related("events"))
    assert [v["id"] for v in record["visits"]] == [v.pk for v in visits]
    for got, held in zip(record["visits"], visits, strict=True):
        fields = {entry["field"] for entry in got["fields"]}
        # The code's digest is no personal data; nor is the desk's mark that nobody was told of a walk-in.
        left_out = {"visitor", "created_by", "updated_by", "code_digest", "arrival_unannounced"}
        assert fields >= {f.name for f in Visit._meta.concrete_fields} - left_out
        assert [e["kind"] for e in got["events"]] == [e.kind for e in held.events.all()]
        assert all(e["kind_label"] and e["at_display"] and e["by"] for e in got["events"])
    assert "otto" not in response.content.decode().lower() and str(other.pk) not in [str(v["id"]) for v in
                                                                                    record["visits"]]  # fmt: skip
    assert AuditEntry.objects.filter(action="subject.download", tenant_schema="acme").exists()


def test_another_persons_altered_expired_or_foreign_link_shows_nothing(acme, globex):
    zoe, path = _zoe(acme)
    other = _other(acme)
    anonymous = HostClient(ACME)
    value, stamp, signature = path.strip("/").split("/")[1].split(".")
    assert len(path) < 40  # short enough for a badge
    forged = f"/p/{signing.b62_encode(other.pk)}.{stamp}.{signature}/"  # Zoë's signature on Otto's id
    assert anonymous.get(forged).status_code == 404
    assert anonymous.get(f"/p/{value}.{stamp}.{signature[:-2]}xx/").status_code == 404
    assert anonymous.get(f"/p/{value}.{signing.b62_encode(9**12)}.{signature}/").status_code == 404  # a new time
    assert anonymous.get(f"/p/{value}/").status_code == 404 and anonymous.get("/p/../").status_code == 404
    assert anonymous.get(path + "my-data.json".replace("my", "my")).status_code == 200  # the genuine one works
    assert HostClient("globex.localhost").get(path).status_code == 404  # another company's host
    assert HostClient("globex.localhost").get(path + "my-data.json").status_code == 404
    assert HostClient("tower.localhost").get(path).status_code == 404
    with tenant_context(globex):  # the same id in another company: its own token differs
        assert person_token(Visitor(pk=zoe.pk)) not in path
    with time_machine.travel(dt.datetime.now(dt.UTC) + 91 * DAY):
        assert anonymous.get(path).status_code == 404
        for action in ("request/", "object/"):
            assert anonymous.post(path + action, {"kind": "erasure", "confirm": "on"}).status_code == 404
    with tenant_context(acme):
        assert SubjectRequest.objects.count() == 0 and Visitor.objects.filter(pk=zoe.pk).exists()


@pytest.mark.parametrize("kind", ["correction", "erasure", "restriction"])
def test_each_request_reaches_the_admins_with_its_deadline_and_is_audited(
    acme, acme_admin, acme_member, django_capture_on_commit_callbacks, eager, kind
):
    # The e-mails go through the delivery outbox, sent when the request commits (eager: in-process, as the worker).
    zoe, path = _zoe(acme)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = HostClient(ACME).post(path + "request/", {"kind": kind, "message": "Mon nom est Zoé, pas Zoë."})
    assert response.status_code == 302 and response["Location"].endswith("sent=1")
    with tenant_context(acme):
        item = SubjectRequest.objects.get()
    assert (item.kind, item.status, item.visitor_id, item.reply_to) == (kind, "open", zoe.pk, MAIL)
    assert item.due_at == answer_due(item.received_at) and item.due_at.month != item.received_at.month
    assert [m.to for m in mail.outbox] == [["admin@acme.example"]]
    assert f"/privacy/requests/{item.pk}/" in mail.outbox[0].body and item.due_at.strftime("%Y") in mail.outbox[0].body
    entry = AuditEntry.objects.get(
        action="subject.request", tenant_schema="acme", object_ids__subject_request=[item.pk]
    )
    assert entry.details == {"kind": kind} and entry.actor == "person-link" and MAIL not in str(entry.details)
    listing = acme_admin.get("/privacy/requests/").content.decode()
    due = timezone.localtime(item.due_at)  # as the page writes it: in Brussels, a day later than UTC after 23:00
    assert f"/privacy/requests/{item.pk}/" in listing and f"{due.day}-{due.month}-" in listing
    assert acme_member.get("/privacy/requests/").status_code in (403, 404)
    assert acme_member.get(f"/privacy/requests/{item.pk}/").status_code in (403, 404)
    assert "Demande envoyée" in HostClient(ACME).get(response["Location"]).content.decode() or "envoyée" in \
        HostClient(ACME).get(response["Location"]).content.decode()  # fmt: skip

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        closed = acme_admin.post(f"/privacy/requests/{item.pk}/", {"outcome": "done", "note": "C'est fait."})
    assert closed.status_code == 302
    with tenant_context(acme):
        item.refresh_from_db()
        assert item.status == "done" and item.reply_to == "" and item.message == ""
        assert Visitor.objects.filter(pk=zoe.pk).exists() == (kind != "erasure")
    assert [m.to for m in mail.outbox] == [[MAIL]]
    assert "Votre demande a été exécutée" in mail.outbox[0].body and "C'est fait." in mail.outbox[0].body
    closing = AuditEntry.objects.filter(action="subject.request_closed", tenant_schema="acme").get()
    assert closing.details["status"] == "done"


@pytest.mark.parametrize("outcome", ["done", "refused"])
def test_a_restriction_holds_from_the_request_and_is_lifted_only_if_refused(acme, acme_admin, outcome):
    zoe, path = _zoe(acme)
    HostClient(ACME).post(path + "request/", {"kind": "restriction"})
    with tenant_context(acme):
        zoe.refresh_from_db()
        assert zoe.restricted_at is not None
        item = SubjectRequest.objects.get()
    closed = acme_admin.post(f"/privacy/requests/{item.pk}/", {"outcome": outcome, "note": "Art. 18."})
    assert closed.status_code == 302
    with tenant_context(acme):
        zoe.refresh_from_db()
        assert (zoe.restricted_at is None) == (outcome == "refused")


def test_a_request_is_refused_only_with_a_reason_and_other_companies_never_see_it(
    acme, acme_admin, globex_admin, django_capture_on_commit_callbacks
):
    _, path = _zoe(acme)
    HostClient(ACME).post(path + "request/", {"kind": "restriction"})
    with tenant_context(acme):
        item = SubjectRequest.objects.get()
    assert acme_admin.post(f"/privacy/requests/{item.pk}/", {"outcome": "refused", "note": ""}).status_code == 400
    assert globex_admin.get(f"/privacy/requests/{item.pk}/").status_code == 404
    assert "/privacy/requests/" not in globex_admin.get("/privacy/requests/").content.decode().split("</h1>")[1] or \
        f"/privacy/requests/{item.pk}/" not in globex_admin.get("/privacy/requests/").content.decode()  # fmt: skip
    with tenant_context(acme):
        item.refresh_from_db()
        assert item.status == "open"
    bad = HostClient(ACME).post(path + "request/", {"kind": "correction", "message": " "})
    assert bad.status_code == 400 and "Dites-nous" in bad.content.decode()


def test_an_objection_is_done_at_once_and_staff_cannot_register_the_person_again(
    acme,
    acme_admin,
    world,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    zoe, path = _zoe(acme)
    anonymous = HostClient(ACME)
    unconfirmed = anonymous.post(path + "object/", {"kind": "objection"})
    assert unconfirmed.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        done = anonymous.post(path + "object/", {"kind": "objection", "confirm": "on"})
    assert done.status_code == 200 and "Votre opposition est enregistrée" in done.content.decode()
    with tenant_context(acme):
        assert not Visitor.objects.filter(pk=zoe.pk).exists() and SuppressedEmail.objects.count() == 1
        item = SubjectRequest.objects.get()
        assert (item.kind, item.status, item.visitor_id, item.reply_to) == ("objection", "done", None, "")
    assert anonymous.get(path).status_code == 404
    assert AuditEntry.objects.filter(action="subject.object", actor="person-link").exists()
    assert "Objection" in acme_admin.get("/privacy/requests/").content.decode()
    refused = acme_admin.post("/visits/new/", {
        "first_name": "Zoë", "last_name": "Peeters", "email": MAIL, "phone": "", "company_name": "", "language": "fr",
        "expected_start": "2031-03-04T09:00", "expected_end": "2031-03-04T10:30", "host": world.other_host.pk,
    })  # fmt: skip
    assert refused.status_code == 200 and "objected" in refused.content.decode()
    with tenant_context(acme):
        assert not Visitor.objects.filter(email=MAIL).exists()


def test_the_invitation_names_the_privacy_contact_and_carries_the_link(acme):
    zoe, path = _zoe(acme)
    with tenant_context(acme):
        message = invitation_email(visit=Visit.objects.filter(visitor=zoe).get(state=Visit.State.LEFT))
        html = str(message.alternatives[0][0])
        assert path in message.body and path in html and "admin@acme.example" in message.body
        assert "do not reply" not in message.body.lower() and "ne pas répondre" not in message.body.lower()
        CompanySettings.objects.update_or_create(pk=1, defaults={
            "privacy_contact_name": "Privacy team", "privacy_contact_email": "privacy@acme.example",
            "dpo_name": "Dana Officer", "dpo_email": "dpo@acme.example"})  # fmt: skip
        message = invitation_email(visit=Visit.objects.filter(visitor=zoe).get(state=Visit.State.LEFT))
        assert "privacy@acme.example" in message.body and "dpo@acme.example" in message.body
        assert "admin@acme.example" not in message.body
    page = HostClient(ACME).get(path).content.decode()
    assert "privacy@acme.example" in page and "Dana Officer" in page


def test_an_admin_sets_the_privacy_contact_on_the_settings_page(acme, acme_admin):
    form = {"privacy_contact_name": "Privacy team", "privacy_contact_email": ""}
    response = acme_admin.post("/settings/", form)
    assert response.status_code == 200 and "Give the address" in response.content.decode()
    response = acme_admin.post("/settings/", {**form, "privacy_contact_email": "privacy@acme.example"})
    assert response.status_code == 302
    with tenant_context(acme):
        assert CompanySettings.objects.get().privacy_contact_email == "privacy@acme.example"
    entry = AuditEntry.objects.filter(action="settings.updated", tenant_schema="acme").latest("pk")
    assert "privacy@acme.example" not in str(entry.details)


def test_the_desk_badge_carries_no_personal_link(acme, tower_desk):
    """A badge is worn in view: whoever read a link printed on it could see the person's data or object for them
    (which erases them). The link travels only in the person's own e-mails."""
    zoe, _ = _zoe(acme)
    with tenant_context(acme):
        visit = Visit.objects.filter(visitor=zoe).order_by("pk").first()
    assert visit is not None
    page = tower_desk.get(f"/desk/visits/acme/{visit.pk}/badge/").content.decode()
    assert "Zoë" in page and "/p/" not in page and person_token(zoe).split(".")[0] + "." not in page


def test_the_readable_record_an_admin_downloads_is_in_the_persons_language_with_labels(acme, acme_admin):
    zoe, _ = _zoe(acme, language="nl")
    page = acme_admin.get(f"/privacy/people/{zoe.pk}/record.html").content.decode()
    assert '<html lang="nl">' in page and "niet opgedaagd" in page and "het onthaal" in page  # the desk, by name
    assert re.search(r"\b4-12-2026 1[45]:05\b", page)
    for code in ("no_show", "checked_in", "desk:tower", "desk@tower.example"):
        assert code not in page, code
