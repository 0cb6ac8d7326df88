"""From the kiosk to the export and the erasure, no log line names a visitor or their e-mail."""

import logging

from django.core import mail
from django_tenants.utils import tenant_context

from tenant_apps.privacy.models import Export
from tenant_apps.visits.models import Visit, Visitor
from tests.kiosk.conftest import kiosk_client, pair_device, walk_in

NAME, SURNAME, EMAIL = "Wilhelmina", "Logvanderveen", "wilhelmina.log@example.org"


def test_a_full_visit_leaves_no_name_or_email_in_the_logs(
    tower, acme, acme_admin, client_for, caplog, eager, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    kiosk = kiosk_client(client_for, tower, pair_device(tower)[1])
    with django_capture_on_commit_callbacks(execute=True):
        walk_in(kiosk, acme, first_name=NAME, last_name=SURNAME, email=EMAIL)
    with tenant_context(acme):
        visit = Visit.objects.get(visitor__last_name=SURNAME)
        code, visitor_id = visit.code, visit.visitor_id
    kiosk.post("/kiosk/check-out/", {"code": code}, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        acme_admin.post(
            "/visits/new/",
            {"first_name": NAME, "last_name": SURNAME, "email": EMAIL, "phone": "", "company_name": "",
             "language": "nl", "expected_start": "2030-01-07T10:00", "expected_end": "2030-01-07T11:00",
             "purpose": "Follow-up"},
        )  # fmt: skip
        acme_admin.post("/privacy/exports/", {"date_from": "", "date_to": ""})
    with tenant_context(acme):
        assert Visit.objects.filter(visitor_id=visitor_id).count() == 2  # walk-in and pre-registration
        assert Export.objects.filter(status=Export.Status.READY).exists()
    assert any(EMAIL in message.to for message in mail.outbox)  # the invitation went out
    acme_admin.post("/privacy/people/", {"query": EMAIL})
    acme_admin.post(f"/privacy/people/{visitor_id}/erase/", {"objection": "0"})
    with tenant_context(acme):
        assert not Visitor.objects.filter(last_name=SURNAME).exists()  # the scenario really ran to the end
    assert caplog.records, "nothing was logged: the test proves nothing"
    logged = "\n".join(f"{record.getMessage()} {record.args!r}" for record in caplog.records)
    assert SURNAME not in logged and EMAIL not in logged and NAME not in logged
