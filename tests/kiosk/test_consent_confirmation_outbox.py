"""The renewed-consent confirmation e-mail of the kiosk goes through the delivery outbox like every other message:
stored with the pending request, sent by the delivery task, and retried when the mail server refuses it."""

import re

from django_tenants.utils import tenant_context

from shared_apps.audit.models import AuditEntry
from tenant_apps.notifications.models import Delivery
from tenant_apps.notifications.sending import Outcome, delivery_attempt
from tenant_apps.visits.models import ObjectionLiftRequest
from tenant_apps.visits.objections import objection_record, visitor_objected
from tests.conftest import HostClient
from tests.kiosk.conftest import walk_in

OBJECTOR = "otto.objector@example.org"


def _ask(kiosk, company, language: str = "de") -> Delivery:
    with tenant_context(company):
        objection_record(OBJECTOR)
    walk_in(kiosk, company, language=language, first_name="Otto", last_name="Objector", email=OBJECTOR)
    with tenant_context(company):
        return Delivery.objects.get(kind=Delivery.Kind.CONSENT_CONFIRMATION)


def test_a_refused_confirmation_is_retried_and_then_sent_in_the_visitors_language(
    kiosk_tower, acme, settings, mailoutbox
):
    delivery = _ask(kiosk_tower, acme)
    assert delivery.status == "pending" and delivery.visit_id is None and delivery.objection_lift_id
    assert mailoutbox == []  # nothing leaves but through the outbox
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.RefusingBackend"
    with tenant_context(acme):
        assert delivery_attempt(delivery.pk) is Outcome.RETRY
        delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.last_error == "SMTPDataError 451" and OBJECTOR not in delivery.last_error
    failed = AuditEntry.objects.get(action="notifications.delivery_failed", object_ids={"delivery": [delivery.pk]},
                                    tenant_schema="acme")  # fmt: skip
    assert failed.details["kind"] == "consent_confirm" and OBJECTOR not in str(failed.details)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with tenant_context(acme):
        assert delivery_attempt(delivery.pk) is Outcome.SENT
        assert delivery_attempt(delivery.pk) is Outcome.SENT  # sent once only
        delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    [message] = mailoutbox
    assert message.to == [OBJECTOR] and "Einwilligung" in message.subject
    assert str(delivery.idempotency_key) in message.message()["Message-ID"]
    link = re.search(r"http://acme\.localhost:8000(/privacy/confirm-consent/[^/\s]+/)", message.body)
    assert link is not None
    assert HostClient("acme.localhost").post(link.group(1)).status_code == 200
    with tenant_context(acme):
        assert not visitor_objected(OBJECTOR)


def test_a_confirmation_used_or_replaced_before_it_is_sent_is_not_sent(kiosk_tower, acme, mailoutbox):
    first = _ask(kiosk_tower, acme, language="fr")
    walk_in(kiosk_tower, acme, language="fr", first_name="Otto", last_name="Objector", email=OBJECTOR)
    with tenant_context(acme):
        second = Delivery.objects.filter(kind=Delivery.Kind.CONSENT_CONFIRMATION).exclude(pk=first.pk).get()
        assert delivery_attempt(first.pk) is Outcome.GONE  # its request was replaced by the second one
        assert delivery_attempt(second.pk) is Outcome.SENT
        first.refresh_from_db()
        assert first.status == "failed" and first.last_error.startswith("Not sent")
        assert ObjectionLiftRequest.objects.filter(used_at=None).count() == 1
    assert len(mailoutbox) == 1 and "consentement" in mailoutbox[0].subject
