"""The notification tasks, run eagerly (as without REDIS_URL): what they send, and how they retry."""

import datetime as dt
import hashlib
import hmac
import json
import re
from email.mime.image import MIMEImage

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from shared_apps.operations.encryption import code_digests
from tenant_apps.notifications.emails import qr_png
from tenant_apps.notifications.models import Delivery, WebhookAttempt
from tenant_apps.notifications.sending import MAX_ATTEMPTS
from tenant_apps.notifications.services import delivery_queue_arrival
from tenant_apps.visits.models import Host, Visit
from tenant_apps.visits.services import visit_cancel, visit_check_in, visit_reschedule
from tests.notifications.conftest import ADMIN, register, use_webhook

pytestmark = pytest.mark.usefixtures("eager")
DESK = ADMIN.__class__(label="desk:tower:desk@tower.example", channel=Visit.Channel.DESK)


def _ics(message: mail.EmailMessage) -> str:
    [(_name, content, mimetype)] = [a for a in message.attachments if isinstance(a, tuple)]
    assert mimetype.startswith("text/calendar")
    return content if isinstance(content, str) else content.decode()


def test_it_invites_the_visitor_in_their_language_with_qr_code_and_calendar_file(
    in_acme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visit = register(language="fr")
    [message] = mail.outbox
    assert message.to == ["marie@example.org"]
    assert message.subject == "Votre visite chez Acme Logistics le mardi 2 mars 2027"
    assert isinstance(message, mail.EmailMultiAlternatives)
    html = str(message.alternatives[0][0])
    # The e-mail carries a code drawn when it was made (only its digest is kept): not the one of registration.
    code = _mailed_code(message)
    assert code != visit.code and _code_opens(code) == visit.pk and _code_opens(visit.code) is None
    for body in (message.body, html):
        assert code in body
        assert "09:00 \u2013 11:00" in body  # the building's time zone, not UTC
        assert "Rue de la Loi 200, 1040 Brussels" in body
        assert "Sophie Dubois" in body
        assert "Bonjour Marie" in body
    assert 'src="cid:qr"' in html
    [image] = [a for a in message.attachments if isinstance(a, MIMEImage)]
    assert image["Content-ID"] == "<qr>"
    assert image.get_payload(decode=True) == qr_png(code)
    ics = _ics(message)
    assert "METHOD:PUBLISH" in ics
    assert "DTSTART:20270302T080000Z" in ics and "DTEND:20270302T100000Z" in ics
    assert f"UID:visit-{visit.pk}.acme@" in ics
    assert code in ics and "Rue de la Loi 200" in ics
    [delivery] = Delivery.objects.filter(visit=visit)
    assert (delivery.kind, delivery.status, delivery.attempts) == ("invitation", "sent", 1)


@pytest.mark.parametrize(
    ("language", "greeting"), [("nl", "Hallo Marie"), ("de", "Hallo Marie"), ("en", "Hello Marie")]
)
def test_the_invitation_follows_the_visitors_language(in_acme, django_capture_on_commit_callbacks, language, greeting):
    with django_capture_on_commit_callbacks(execute=True):
        register(language=language)
    subject_start = {"nl": "Uw bezoek aan", "de": "Ihr Besuch bei", "en": "Your visit to"}[language]
    assert mail.outbox[0].subject.startswith(subject_start)
    assert greeting in mail.outbox[0].body


@pytest.mark.parametrize("channel", [Visit.Channel.KIOSK, Visit.Channel.DESK])
def test_a_walk_in_gets_no_invitation(in_acme, django_capture_on_commit_callbacks, channel):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        visit = register(channel=channel)
    assert callbacks == []  # not even asked for: a walk-in is checked in at once
    assert mail.outbox == []
    assert not Delivery.objects.filter(visit=visit).exists()


def test_an_api_registration_is_invited_but_a_visitor_without_email_is_not(in_acme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(channel=Visit.Channel.API)
        register(email="")
    assert len(mail.outbox) == 1


def test_a_cancelled_visit_sends_a_cancellation_with_a_cancel_calendar_file(
    in_acme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visit = register(language="nl")
    with django_capture_on_commit_callbacks(execute=True):
        visit_cancel(visit=visit, actor=ADMIN)
    cancellation = mail.outbox[1]
    assert cancellation.subject.startswith("Geannuleerd: uw bezoek aan Acme Logistics")
    ics = _ics(cancellation)
    assert "METHOD:CANCEL" in ics and "STATUS:CANCELLED" in ics and "SEQUENCE:1" in ics
    assert f"UID:visit-{visit.pk}.acme@" in ics  # the same event as the invitation's
    assert set(Delivery.objects.filter(visit=visit).values_list("kind", "status")) == {
        ("invitation", "sent"),
        ("cancellation", "sent"),
    }


def test_a_new_time_is_sent_to_the_invited_visitor_and_moves_the_calendar_event(
    in_acme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visit = register(language="nl")
    later = visit.expected_start + dt.timedelta(days=1, hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        visit_reschedule(visit=visit, expected_start=later, expected_end=later + dt.timedelta(hours=1), actor=ADMIN)
    moved = mail.outbox[1]
    assert moved.subject == "Nieuw tijdstip: uw bezoek aan Acme Logistics op woensdag 3 maart 2027"
    first_code, moved_code = _mailed_code(mail.outbox[0]), _mailed_code(moved)
    assert "heeft een nieuwe datum of tijd" in moved.body and "12:00" in moved.body and moved_code in moved.body
    assert _code_opens(moved_code) == visit.pk and _code_opens(first_code) is None  # the earlier e-mail's code ends
    ics = _ics(moved)
    assert "METHOD:PUBLISH" in ics and "SEQUENCE:1" in ics and f"UID:visit-{visit.pk}.acme@" in ics
    with django_capture_on_commit_callbacks(execute=True):
        visit_cancel(visit=visit, actor=ADMIN)
    assert "SEQUENCE:2" in _ics(mail.outbox[2])  # after the change, for calendars to apply the cancellation
    assert list(Delivery.objects.filter(visit=visit).order_by("pk").values_list("kind", "status")) == [
        ("invitation", "sent"),
        ("reschedule", "sent"),
        ("cancellation", "sent"),
    ]


def test_a_new_time_is_not_sent_to_a_visitor_who_was_not_invited(in_acme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        visit = register(email="")
    later = visit.expected_start + dt.timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        visit_reschedule(visit=visit, expected_start=later, expected_end=later + dt.timedelta(hours=1), actor=ADMIN)
    assert mail.outbox == [] and not Delivery.objects.filter(visit=visit).exists()


def _verify(call, secret: str) -> dict:
    timestamp = call.headers["X-Checkin-Timestamp"]
    expected = "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + call.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(call.headers["X-Checkin-Signature"], expected)
    return json.loads(call.body)


def test_an_arrival_emails_the_host_and_calls_the_signed_webhook(in_acme, receiver, django_capture_on_commit_callbacks):
    use_webhook(receiver.url)
    visit = register()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        visit_check_in(visit=visit, actor=DESK)
    [host_email] = mail.outbox
    assert host_email.to == ["sophie@acme.example"]
    assert host_email.subject == "Your visitor Marie Lambert has arrived"
    [call] = receiver.calls
    assert call.headers["X-Checkin-Event"] == "visit.checked_in"
    payload = _verify(call, "whsec_test-secret")
    assert payload["event"] == "visit.checked_in"
    assert payload["visit"]["id"] == visit.pk and "code" not in payload["visit"]  # a credential: never sent
    assert payload["visit"]["state"] == "on_site" and payload["visit"]["checked_in_at"]
    assert payload["visit"]["host_id"] == visit.host_id
    assert payload["visit"]["visitor_first_name"] == "Marie"
    assert b"Lambert" not in call.body and b"example.org" not in call.body  # only the first name
    webhook = Delivery.objects.get(visit=visit, kind="host_webhook")
    assert (webhook.status, webhook.attempts) == ("sent", 1)
    [attempt] = WebhookAttempt.objects.filter(delivery=webhook)
    assert attempt.status_code == 200


def test_a_host_who_wants_no_email_and_a_company_without_webhook_get_nothing(
    in_acme, django_capture_on_commit_callbacks
):
    Host.objects.filter(name="Sophie Dubois").update(notify_by=Host.Notify.WEBHOOK)
    visit = register()
    with django_capture_on_commit_callbacks(execute=True):
        visit_check_in(visit=visit, actor=DESK)
    assert not Delivery.objects.filter(visit=visit).exclude(kind="invitation").exists()


def test_an_arrival_without_a_host_calls_the_webhook_only(in_acme, receiver, django_capture_on_commit_callbacks):
    use_webhook(receiver.url)
    visit = register()
    Visit.objects.filter(pk=visit.pk).update(host=None)
    visit.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        visit_check_in(visit=visit, actor=DESK)
    assert mail.outbox == []
    assert [_verify(call, "whsec_test-secret")["visit"]["id"] for call in receiver.calls] == [visit.pk]


def test_an_arrival_without_a_host_or_a_webhook_reads_nothing_more(in_acme, django_assert_num_queries):
    visit = register()
    Visit.objects.filter(pk=visit.pk).update(host=None)
    visit = Visit.objects.select_related("host", "visitor").get(pk=visit.pk)  # as the check-in's locked read has it
    with django_assert_num_queries(1):  # the company's settings: no webhook, so nothing to send
        assert delivery_queue_arrival(visit=visit) == []


def test_a_check_in_reads_the_visit_once_with_its_host_for_the_arrival(in_acme, django_capture_on_commit_callbacks):
    """The locked read of the check-in brings the host along; the arrival's deliveries read the visit no more."""
    visit = register()
    with django_capture_on_commit_callbacks() as callbacks, CaptureQueriesContext(connection) as queries:
        visit_check_in(visit=Visit(pk=visit.pk), actor=DESK)
    visit_reads = [q["sql"] for q in queries.captured_queries if 'FROM "visits_visit"' in q["sql"]]
    assert len(visit_reads) == 1
    assert '"visits_host"' in visit_reads[0] and 'FOR UPDATE OF "visits_visit"' in visit_reads[0]
    assert Delivery.objects.filter(visit=visit, kind=Delivery.Kind.HOST_EMAIL).count() == 1
    assert len(callbacks) == 1


@override_settings(EMAIL_BACKEND="tests.notifications.failing_backend.RefusingBackend")
def test_a_failed_email_is_retried_then_marked_failed_without_the_address(in_acme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        visit = register()
    [delivery] = Delivery.objects.filter(visit=visit)
    assert delivery.status == "failed"
    assert delivery.attempts == MAX_ATTEMPTS
    assert delivery.last_error == "SMTPDataError 451"
    assert "example.org" not in delivery.last_error


def test_a_failing_webhook_is_retried_and_every_attempt_is_logged(
    in_acme, receiver, django_capture_on_commit_callbacks
):
    use_webhook(receiver.url)
    receiver.answers = [500] * MAX_ATTEMPTS
    visit = register(channel=Visit.Channel.DESK)
    with django_capture_on_commit_callbacks(execute=True):
        visit_check_in(visit=visit, actor=DESK)
    webhook = Delivery.objects.get(visit=visit, kind="host_webhook")
    assert (webhook.status, webhook.attempts, webhook.last_error) == ("failed", MAX_ATTEMPTS, "HTTP 500")
    assert list(WebhookAttempt.objects.filter(delivery=webhook).values_list("status_code", flat=True)) == [500] * (
        MAX_ATTEMPTS
    )
    assert len(receiver.calls) == MAX_ATTEMPTS


def test_a_webhook_that_fails_once_is_sent_on_the_retry(in_acme, receiver, django_capture_on_commit_callbacks):
    use_webhook(receiver.url)
    receiver.answers = [503]
    visit = register(channel=Visit.Channel.DESK)
    with django_capture_on_commit_callbacks(execute=True):
        visit_check_in(visit=visit, actor=DESK)
    webhook = Delivery.objects.get(visit=visit, kind="host_webhook")
    assert (webhook.status, webhook.attempts) == ("sent", 2)


def test_a_refused_connection_is_a_failure_too(in_acme, django_capture_on_commit_callbacks):
    use_webhook("http://127.0.0.1:9/nothing-listens-here")
    visit = register(channel=Visit.Channel.DESK)
    with django_capture_on_commit_callbacks(execute=True):
        visit_check_in(visit=visit, actor=DESK)
    webhook = Delivery.objects.get(visit=visit, kind="host_webhook")
    assert webhook.status == "failed" and webhook.last_error == "ConnectionRefusedError"


def test_the_company_schema_is_kept_when_the_transaction_commits_outside_it(acme, django_capture_on_commit_callbacks):
    """The desk calls services inside tenant_context(company); the outer transaction commits after leaving it."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic(), tenant_context(acme):
        visit = register()
    assert len(mail.outbox) == 1
    with tenant_context(acme):
        assert Delivery.objects.get(visit=visit).status == "sent"


@pytest.mark.parametrize("url", ["http://127.0.0.1:{port}/", "http://localhost:{port}/", "http://[::1]:{port}/"])
def test_a_webhook_to_a_private_address_is_blocked_in_production(
    in_acme, receiver, settings, django_capture_on_commit_callbacks, url
):
    settings.CHECKIN_WEBHOOK_ALLOW_PRIVATE = False
    use_webhook(url.format(port=receiver.url.split(":")[2].split("/")[0]))
    visit = register(channel=Visit.Channel.DESK)
    with django_capture_on_commit_callbacks(execute=True):
        visit_check_in(visit=visit, actor=DESK)
    webhook = Delivery.objects.get(visit=visit, kind="host_webhook")
    assert (webhook.status, webhook.last_error) == ("failed", "Blocked: not a public address")
    assert receiver.calls == []


def _mailed_code(message) -> str:
    """The kiosk code an invitation or reschedule e-mail carries (the end of its line in the text part)."""
    found = re.search(r":\s+([A-HJ-NP-Z2-9]{8})\s*$", message.body, re.MULTILINE)
    assert found, message.body
    return found.group(1)


def _code_opens(code: str) -> int | None:
    found = Visit.objects.filter(code_digest__in=code_digests(code)).values_list("pk", flat=True)
    return found[0] if found else None
