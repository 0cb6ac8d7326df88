"""The e-mails of a visitor's own requests (the admins' notice, a deadline extension, the outcome) go through the
notifications outbox: a `Delivery` stored with the step that causes it, sent once by the delivery task (the worker
path), retried when the mail server refuses it, written when it is sent in the reader's language; the visitor's
address is kept with it only until it has gone, and an erasure meanwhile leaves nothing to send."""

import pytest
from django.core import mail
from django.db import transaction
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from tenant_apps.notifications.models import Delivery
from tenant_apps.notifications.sending import MessageVoid, Outcome, delivery_attempt
from tenant_apps.notifications.tasks import deliver
from tenant_apps.privacy.models import SubjectMessage, SubjectRequest
from tenant_apps.privacy.subject_requests import (
    subject_message_email,
    subject_messages_forget,
    subject_request_close,
    subject_request_extend,
    subject_request_queue,
)
from tenant_apps.privacy.subjects import person_erase
from tenant_apps.privacy.tasks import resume_all_task
from tenant_apps.visits.models import Visitor
from tests.privacy.test_person_page import MAIL, _zoe

KINDS = (Delivery.Kind.SUBJECT_NOTICE, Delivery.Kind.SUBJECT_EXTENSION, Delivery.Kind.SUBJECT_OUTCOME)


def _admin() -> User:
    return User.objects.get(email="admin@acme.example")


def _queued(kind: str) -> list[Delivery]:
    return list(Delivery.objects.filter(kind=kind).order_by("pk"))


def test_a_request_queues_one_notice_per_admin_in_its_transaction_sent_by_the_worker_once(acme, acme_admin):
    zoe, _ = _zoe(acme)
    mail.outbox.clear()
    with tenant_context(acme):
        User.objects.filter(email="admin@acme.example").update(language="nl")
        with transaction.atomic():
            item = subject_request_queue(visitor=Visitor.objects.get(pk=zoe.pk), kind="correction", message="Zoé")
            [notice] = _queued(Delivery.Kind.SUBJECT_NOTICE)  # stored with the request, not after its commit
        assert (notice.status, notice.visit_id, notice.visitor_id) == ("pending", None, None)
        assert SubjectMessage.objects.get(delivery=notice).admin == _admin()
        assert mail.outbox == []  # nothing leaves from the request itself
        assert delivery_attempt(notice.pk) is Outcome.SENT
        assert delivery_attempt(notice.pk) is Outcome.SENT  # a second try (a redelivered task) sends nothing
        notice.refresh_from_db()
        assert notice.status == "sent" and notice.attempts == 1
    [message] = mail.outbox
    assert message.to == ["admin@acme.example"] and f"/privacy/requests/{item.pk}/" in message.body
    assert "rechtzetting" in message.subject  # in the admin's own language
    assert message.extra_headers["Message-ID"].startswith(f"<{notice.idempotency_key}@")


def test_the_extension_and_the_outcome_are_queued_then_sent_in_the_visitors_language(acme, acme_admin, eager):
    zoe, _ = _zoe(acme, language="nl")
    with tenant_context(acme):
        item = subject_request_queue(visitor=Visitor.objects.get(pk=zoe.pk), kind="correction")
        mail.outbox.clear()
        with transaction.atomic():
            subject_request_extend(item=item, user=_admin(), months=1, reason="Wij kijken alles na.")
            [extension] = _queued(Delivery.Kind.SUBJECT_EXTENSION)
            assert SubjectMessage.objects.get(delivery=extension).to == MAIL and mail.outbox == []
        deliver.apply((extension.pk,))  # the worker's task, in-process
        [told] = mail.outbox
        assert told.to == [MAIL] and "Wij kijken alles na." in told.body
        mail.outbox.clear()
        with transaction.atomic():
            closed = subject_request_close(item=item, user=_admin(), carried_out=False, note="Niet gevonden.")
            [outcome] = _queued(Delivery.Kind.SUBJECT_OUTCOME)
            assert closed.reply_to == "" and SubjectMessage.objects.get(delivery=outcome).to == MAIL
        deliver.apply((outcome.pk,))
        [answer] = mail.outbox
        assert answer.to == [MAIL] and "Niet gevonden." in answer.body and "geweigerd" in answer.body
        assert {d.status for d in Delivery.objects.filter(kind__in=KINDS[1:])} == {"sent"}
        # Sent: the addresses kept for them are forgotten by the every-minute job.
        assert SubjectMessage.objects.exclude(to="").count() == 2
    resume_all_task.apply()
    with tenant_context(acme):
        assert SubjectMessage.objects.exclude(to="").count() == 0
        assert not SubjectRequest.objects.filter(reply_to=MAIL).exists()


def test_a_refused_send_is_retried_and_then_sent_once(acme, acme_admin, settings):
    zoe, _ = _zoe(acme)
    with tenant_context(acme):
        item = subject_request_queue(visitor=Visitor.objects.get(pk=zoe.pk), kind="erasure")
        subject_request_close(item=item, user=_admin(), carried_out=True, note="C'est fait.")
        [outcome] = _queued(Delivery.Kind.SUBJECT_OUTCOME)
        assert not Visitor.objects.filter(pk=zoe.pk).exists()  # erased: the outcome still reaches the address
        settings.EMAIL_BACKEND = "tests.notifications.failing_backend.RefusingBackend"
        assert delivery_attempt(outcome.pk) is Outcome.RETRY
        outcome.refresh_from_db()
        assert outcome.status == "pending" and SubjectMessage.objects.get(delivery=outcome).to == MAIL
        assert subject_messages_forget() == 0  # not gone yet: its address stays for the retry
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        mail.outbox.clear()
        assert delivery_attempt(outcome.pk) is Outcome.SENT
    [answer] = mail.outbox
    assert answer.to == [MAIL] and "Votre demande a été exécutée" in answer.body


def test_an_erasure_before_it_is_sent_leaves_nothing_to_send(acme, acme_admin):
    zoe, _ = _zoe(acme)
    with tenant_context(acme):
        item = subject_request_queue(visitor=Visitor.objects.get(pk=zoe.pk), kind="correction")
        subject_request_extend(item=item, user=_admin(), months=2, reason="Vérifications.")
        [extension] = _queued(Delivery.Kind.SUBJECT_EXTENSION)
        person_erase(visitor=Visitor.objects.get(pk=zoe.pk), user=_admin())
        assert SubjectMessage.objects.get(delivery=extension).to == ""
        mail.outbox.clear()
        assert delivery_attempt(extension.pk) is Outcome.GONE
        extension.refresh_from_db()
        assert extension.status == "failed" and "forgotten" in extension.last_error
    assert mail.outbox == []


def test_an_admin_who_can_no_longer_act_is_not_sent_the_notice(acme, acme_admin):
    zoe, _ = _zoe(acme)
    with tenant_context(acme):
        subject_request_queue(visitor=Visitor.objects.get(pk=zoe.pk), kind="restriction")
        [notice] = _queued(Delivery.Kind.SUBJECT_NOTICE)
        User.objects.filter(pk=_admin().pk).update(is_active=False)
        with pytest.raises(MessageVoid, match="no longer act"):
            subject_message_email(Delivery.objects.get(pk=notice.pk))
        mail.outbox.clear()
        assert delivery_attempt(notice.pk) is Outcome.GONE
    assert mail.outbox == []
