"""Data-subject requests: find, show, download, correct, erase, object; and IT's audited search."""

import datetime as dt
import json
import logging

import pytest
from django.core.files.storage import storages
from django_tenants.utils import tenant_context

from shared_apps.audit.models import AuditEntry
from tenant_apps.privacy.exports.lifecycle import export_request
from tenant_apps.privacy.models import Export
from tenant_apps.visits.models import SuppressedEmail, Visit, VisitEvent, Visitor
from tenant_apps.visits.objections import objection_lift as suppression_lift
from tenant_apps.visits.objections import visitor_objected as visitor_is_suppressed
from tests.privacy.conftest import person, visit

DAY = dt.timedelta(days=1)
SECRET_NAME, SECRET_MAIL = "Quintijn", "quintijn.private@example.org"


def _someone(company) -> Visitor:
    with tenant_context(company):
        who = person(first=SECRET_NAME, last="Oosterhof", email=SECRET_MAIL, phone="+32470000000")
        visit(who, ended=dt.datetime.now(dt.UTC) - 3 * DAY)
        visit(who, ended=dt.datetime.now(dt.UTC) - DAY, state=Visit.State.NO_SHOW)
        return who


def test_an_admin_finds_a_person_by_email_or_name_without_it_in_the_url(acme, acme_admin):
    who = _someone(acme)
    for query in (SECRET_MAIL.upper(), "quintijn oosterh"):
        page = acme_admin.post("/privacy/people/", {"query": query}).content.decode()
        assert f"/privacy/people/{who.pk}/" in page, query
    assert "Nobody matches" in acme_admin.post("/privacy/people/", {"query": "nobody-here"}).content.decode()


def test_the_person_page_shows_everything_held(acme, acme_admin):
    who = _someone(acme)
    page = acme_admin.get(f"/privacy/people/{who.pk}/").content.decode()
    # State and event labels, not their codes.
    assert SECRET_NAME in page and "+32470000000" in page and "checked in" in page and "no-show" in page


def test_an_admin_downloads_the_record_as_json_and_html_and_it_is_audited(acme, acme_admin):
    who = _someone(acme)
    record = json.loads(acme_admin.get(f"/privacy/people/{who.pk}/record.json").content)
    assert record["visitor"]["email"] == SECRET_MAIL and len(record["visits"]) == 2
    assert {e["kind"] for e in record["visits"][0]["events"]} == {"registered", "checked_in", "checked_out"}
    html = acme_admin.get(f"/privacy/people/{who.pk}/record.html")
    assert html["Content-Disposition"] == f'attachment; filename="visitor-{who.pk}.html"'
    assert SECRET_NAME in html.content.decode()
    # This person's only: the append-only log keeps what committed tests (the browser's) wrote before.
    downloads = AuditEntry.objects.filter(
        action="subject.download", tenant_schema="acme", object_ids={"visitor": [who.pk]}
    )
    assert sorted(e.details["format"] for e in downloads) == ["html", "json"]
    assert all(SECRET_MAIL not in str(e.details) for e in downloads)


def test_an_admin_corrects_the_details_and_the_audit_names_only_the_fields(acme, acme_admin):
    who = _someone(acme)
    data = {"first_name": SECRET_NAME, "last_name": "Oosterhout", "email": SECRET_MAIL, "phone": "+32470000000",
            "company_name": "", "language": "nl"}  # fmt: skip
    assert acme_admin.post(f"/privacy/people/{who.pk}/", data).status_code == 302
    with tenant_context(acme):
        who.refresh_from_db()
    assert (who.last_name, who.language) == ("Oosterhout", "nl")
    entry = AuditEntry.objects.get(action="subject.correct")
    assert entry.details == {"fields": ["last_name", "language"]} and "Oosterhout" not in str(entry.object_ids)
    bad = acme_admin.post(f"/privacy/people/{who.pk}/", {**data, "last_name": "Typo", "email": "not-an-address"})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    assert "<h1>Quintijn Oosterhout</h1>" in bad.content.decode()


def test_erasure_leaves_nothing_of_the_person(acme, acme_admin, caplog, eager, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    who = _someone(acme)
    with tenant_context(acme):
        visit_ids = list(Visit.objects.filter(visitor=who).values_list("pk", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            before = export_request(user=_admin())
        before.refresh_from_db()
        old_file = before.storage_name
    assert storages["exports"].exists(old_file)
    response = acme_admin.post(f"/privacy/people/{who.pk}/erase/", {"objection": "0"})
    assert response.status_code == 302
    with tenant_context(acme):
        assert not Visitor.objects.filter(pk=who.pk).exists()
        assert not Visitor.objects.filter(email__iexact=SECRET_MAIL).exists()
        assert not Visit.objects.filter(pk__in=visit_ids).exists()
        assert not VisitEvent.objects.filter(visit_id__in=visit_ids).exists()
        before.refresh_from_db()
        assert before.status == Export.Status.EXPIRED
        with django_capture_on_commit_callbacks(execute=True):
            after = export_request(user=_admin())
        after.refresh_from_db()
    assert not storages["exports"].exists(old_file)
    import zipfile

    with storages["exports"].open(after.storage_name, "rb") as handle, zipfile.ZipFile(handle) as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist())
    assert SECRET_NAME.encode() not in everything and SECRET_MAIL.encode() not in everything
    entry = AuditEntry.objects.get(action="subject.erase")
    assert entry.details == {"visits": 2, "visit_events": 5, "exports": 1, "requests_closed": 0}
    audit_text = json.dumps(list(AuditEntry.objects.values("actor", "object_ids", "details")))
    assert SECRET_NAME not in audit_text and SECRET_MAIL not in audit_text
    assert SECRET_NAME not in caplog.text and SECRET_MAIL not in caplog.text and "Oosterhof" not in caplog.text


def _admin():
    from shared_apps.accounts.models import User

    return User.objects.get(email="admin@acme.example")


def test_an_objection_erases_and_suppresses_the_email_in_this_company_only(acme, globex, acme_admin):
    who = _someone(acme)
    assert acme_admin.post(f"/privacy/people/{who.pk}/erase/", {"objection": "1"}).status_code == 302
    with tenant_context(acme):
        assert not Visitor.objects.filter(pk=who.pk).exists()
        assert visitor_is_suppressed(SECRET_MAIL.upper() + " ")
        assert not visitor_is_suppressed("someone.else@example.org")
        assert SECRET_MAIL not in str(list(SuppressedEmail.objects.values_list("email_hash", flat=True)))
    with tenant_context(globex):
        assert not visitor_is_suppressed(SECRET_MAIL)
    objection = AuditEntry.objects.get(action="subject.object", object_ids={"visitor": [who.pk]})
    assert objection.details["email_suppressed"] is True
    with tenant_context(acme):
        assert suppression_lift(email=SECRET_MAIL, actor="kiosk:tower:1")
        assert not visitor_is_suppressed(SECRET_MAIL)
    assert AuditEntry.objects.filter(action="subject.consent_renewed", tenant_schema="acme").exists()


def test_nobody_else_reaches_a_persons_data(acme, acme_member, globex_admin, tower_desk, client_for):
    who = _someone(acme)
    for path in ("", "record.json", "record.html", "erase/"):
        url = f"/privacy/people/{who.pk}/{path}"
        for intruder in (acme_member, globex_admin, tower_desk):
            assert intruder.get(url).status_code == 404, (url, intruder.host)
        assert client_for("acme.localhost").get(url).status_code == 302
    assert globex_admin.post(f"/privacy/people/{who.pk}/erase/", {"objection": "0"}).status_code == 404
    assert acme_member.post("/privacy/people/", {"query": SECRET_MAIL}).status_code == 404
    with tenant_context(acme):
        assert Visitor.objects.filter(pk=who.pk).exists()


def test_it_searches_across_a_building_and_every_search_is_audited(acme, initech, it_staff, tower):
    _someone(acme)
    _someone(initech)
    page = it_staff.post("/privacy/people/", {"query": SECRET_MAIL, "building": tower.pk}).content.decode()
    assert "Acme Logistics" in page and "Initech" not in page
    everywhere = it_staff.post("/privacy/people/", {"query": SECRET_MAIL, "building": ""}).content.decode()
    assert "Acme Logistics" in everywhere and "Initech" in everywhere
    entries = list(AuditEntry.objects.filter(action="subject.it_search").order_by("id"))
    assert [e.details["scope"] for e in entries] == ["tower", "platform"]
    assert entries[0].actor == "it:it@checkin.example" and entries[1].details["matches"] == 2
    assert all(SECRET_MAIL not in json.dumps(e.details) for e in entries)


def test_only_it_reaches_the_platform_search(acme_admin, tower_desk, client_for):
    assert client_for("localhost").get("/privacy/people/").status_code == 302
    assert acme_admin.post("/privacy/people/", {"query": "x"}).status_code == 200  # the company's own search
    assert tower_desk.get("/privacy/people/").status_code == 404


def test_after_an_objection_staff_cannot_register_the_person_again(acme, acme_admin):
    from tenant_apps.visits.services import VisitorDetails, VisitStateError, visitor_find_or_create

    who = _someone(acme)
    acme_admin.post(f"/privacy/people/{who.pk}/erase/", {"objection": "1"})
    with tenant_context(acme), pytest.raises(VisitStateError, match="objected"):
        visitor_find_or_create(
            details=VisitorDetails(first_name="A", last_name="B", email=SECRET_MAIL, phone="", company_name="",
                                   language="en")
        )  # fmt: skip
    response = acme_admin.post(
        "/api/v1/visitors/", {"first_name": "A", "last_name": "B", "email": SECRET_MAIL, "language": "en"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400 and "objected" in response.json()["email"][0]
    with tenant_context(acme):
        assert not Visitor.objects.filter(email=SECRET_MAIL).exists()
