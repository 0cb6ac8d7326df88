"""A visitor's request: its deadline extended once (GDPR art. 12(3)), and closed when the person is erased."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.audit.models import AuditEntry
from tenant_apps.privacy.models import SubjectRequest
from tenant_apps.privacy.subjects import person_erase, person_object
from tenant_apps.visits.models import Visitor
from tests.conftest import HostClient
from tests.privacy.conftest import person, visit
from tests.privacy.test_person_page import ACME, MAIL, _zoe

DAY = dt.timedelta(days=1)


def _request(acme, kind: str = "correction") -> tuple[Visitor, SubjectRequest]:
    zoe, path = _zoe(acme)
    HostClient(ACME).post(path + "request/", {"kind": kind, "message": "Mon nom est Zoé."})
    with tenant_context(acme):
        return zoe, SubjectRequest.objects.get()


def test_an_admin_extends_the_deadline_once_and_the_visitor_is_told_in_their_language(
    acme, acme_admin, django_capture_on_commit_callbacks, eager
):
    _, item = _request(acme)
    first_due = item.due_at
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = acme_admin.post(
            f"/privacy/requests/{item.pk}/", {"action": "extend", "months": "2", "reason": "Nous vérifions tout."}
        )
    assert response.status_code == 302
    with tenant_context(acme):
        item.refresh_from_db()
    assert item.status == "open" and item.due_at_first == first_due
    assert item.due_at == first_due + relativedelta(months=2) and item.extension_reason == "Nous vérifions tout."
    assert [m.to for m in mail.outbox] == [[MAIL]]
    body = mail.outbox[0].body
    assert "plus de temps" in body and "Nous vérifions tout." in body
    due = timezone.localtime(item.due_at)  # as the e-mail writes it: in Brussels, a day later than UTC after 23:00
    assert f"{due.day}-{due.month}-{due.year}" in body
    entry = AuditEntry.objects.get(action="subject.request_extended", tenant_schema="acme")
    assert (
        entry.details == {"kind": "correction", "months": 2, "visitor_told": True}
        and entry.actor == "admin@acme.example"
    )
    listing = acme_admin.get("/privacy/requests/").content.decode()
    assert "badge-request-extended" in listing and f"{due.day}-{due.month}-{due.year}" in listing
    # Once only: a second extension is refused and changes nothing.
    again = acme_admin.post(f"/privacy/requests/{item.pk}/", {"action": "extend", "months": "1", "reason": "Encore."})
    assert again.status_code == 400
    with tenant_context(acme):
        assert SubjectRequest.objects.get(pk=item.pk).due_at == first_due + relativedelta(months=2)


def test_an_extension_needs_a_reason_and_at_most_two_months(acme, acme_admin, globex_admin, acme_member):
    _, item = _request(acme)
    for data in ({"months": "2", "reason": " "}, {"months": "3", "reason": "Trop."}, {"months": "0", "reason": "x"}):
        response = acme_admin.post(f"/privacy/requests/{item.pk}/", {"action": "extend", **data})
        assert response.status_code == 400, data
    assert globex_admin.post(f"/privacy/requests/{item.pk}/", {"action": "extend", "months": "1",
                                                                "reason": "x"}).status_code == 404  # fmt: skip
    assert acme_member.post(f"/privacy/requests/{item.pk}/", {"action": "extend", "months": "1",
                                                               "reason": "x"}).status_code in (403, 404)  # fmt: skip
    with tenant_context(acme):
        item.refresh_from_db()
    assert item.extended_at is None and item.status == "open"
    assert not AuditEntry.objects.filter(action="subject.request_extended").exists()


def test_erasing_a_person_closes_their_open_requests_in_the_same_transaction(acme, acme_admin):
    zoe, item = _request(acme, "restriction")
    with tenant_context(acme):
        other = person(first="Otto", last="Other", email="otto@example.org")
        visit(other, ended=dt.datetime.now(dt.UTC) - DAY)
        others = SubjectRequest.objects.create(
            kind="correction", visitor=other, reply_to="otto@example.org", due_at=item.due_at
        )
    response = acme_admin.post(f"/privacy/people/{zoe.pk}/erase/", {"confirm": "on"})
    assert response.status_code == 302
    with tenant_context(acme):
        item.refresh_from_db()
        assert (item.status, item.visitor_id, item.reply_to, item.message) == ("erased", None, "", "")
        assert item.closed_at is not None and item.get_status_display() == "closed: person erased"
        assert SubjectRequest.objects.get(pk=others.pk).status == "open"
    entry = AuditEntry.objects.get(action="subject.erase", tenant_schema="acme")
    assert entry.details["requests_closed"] == 1
    page = acme_admin.get("/privacy/requests/").content.decode()
    assert "closed: person erased" in page


def test_an_erasure_that_fails_closes_nothing(acme, acme_admin):
    zoe, item = _request(acme)
    with tenant_context(acme):
        try:
            with transaction.atomic():
                person_erase(visitor=Visitor.objects.get(pk=zoe.pk), actor="test")
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        item.refresh_from_db()
        assert item.status == "open" and Visitor.objects.filter(pk=zoe.pk).exists()


def test_an_objection_closes_the_persons_open_requests_too(acme):
    zoe, item = _request(acme)
    with tenant_context(acme):
        person_object(visitor=Visitor.objects.get(pk=zoe.pk), actor="test")
        item.refresh_from_db()
        assert item.status == "erased"
