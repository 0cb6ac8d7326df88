"""A visitor's own requests about their data, made on their privacy page, and the admins' answers.

Objection and withdrawn consent are carried out at once (`person_object`: the address is suppressed, the person
erased) and recorded as done. A restriction takes effect at once too (art. 18 protects while the company decides):
the person is restricted when the request arrives, and lifted again if the admins refuse it. Correction, erasure
and the restriction's decision need the company: they wait for its admins, who
are e-mailed, see them under /privacy/requests/ with the deadline of GDPR art. 12(3) (one month after receipt),
and close them as carried out or refused; the visitor is then e-mailed the outcome in their language. Every step
is audited, by ids and kinds, never by name or address.

Every e-mail of these (an admin's notice, a deadline extension, an outcome) goes through the notifications outbox:
a `Delivery` stored in the transaction of the step that causes it, beside a `SubjectMessage` saying what it is
about, sent once by the delivery task, retried with back-off when the mail server refuses it and handed over again
by the outbox sweep; the message is written when it is sent (`subject_message_email`, registered in apps.py).
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from shared_apps.database.connection import tenant_connection
from tenant_apps.notifications.models import Delivery
from tenant_apps.notifications.sending import MessageVoid
from tenant_apps.notifications.services import delivery_queue_subject_message
from tenant_apps.privacy.access import may_manage_exports
from tenant_apps.privacy.mail import company_admins, portal_link
from tenant_apps.privacy.models import SubjectMessage, SubjectRequest
from tenant_apps.privacy.subjects import person_erase, person_object, person_restrict, person_restriction_lift
from tenant_apps.visits.models import Visitor
from tenant_apps.visits.selectors import privacy_contact

VISITOR_ACTOR = "person-link"  # the visitor, through their own link
QUEUED_KINDS = (SubjectRequest.Kind.CORRECTION, SubjectRequest.Kind.ERASURE, SubjectRequest.Kind.RESTRICTION)
AT_ONCE_KINDS = (SubjectRequest.Kind.OBJECTION, SubjectRequest.Kind.WITHDRAWAL)


def answer_due(received_at: dt.datetime) -> dt.datetime:
    """GDPR art. 12(3): an answer within one month of receipt (the same day of the next month, or its last day)."""
    return received_at + relativedelta(months=1)


def subject_requests_open() -> QuerySet[SubjectRequest]:
    return SubjectRequest.objects.filter(status=SubjectRequest.Status.OPEN).order_by("due_at", "pk")


@transaction.atomic
def subject_request_queue(
    *, visitor: Visitor, kind: str, message: str = "", request: HttpRequest | None = None
) -> SubjectRequest:
    """Queue the visitor's request for the company's admins, with its deadline, and e-mail them; audited. A
    restriction is in force from now on."""
    assert kind in QUEUED_KINDS
    now = timezone.now()
    if kind == SubjectRequest.Kind.RESTRICTION:
        person_restrict(visitor=visitor, actor=VISITOR_ACTOR, request=request)
    item = SubjectRequest.objects.create(
        kind=kind, visitor=visitor, message=message.strip(), reply_to=visitor.email, language=visitor.language,
        received_at=now, due_at=answer_due(now),
    )  # fmt: skip
    audit_record(actor=VISITOR_ACTOR, action="subject.request", request=request,
                 object_ids={"visitor": [visitor.pk], "subject_request": [item.pk]},
                 details={"kind": kind})  # fmt: skip
    _tell_admins(item)
    return item


def _tell_admins(item: SubjectRequest) -> None:
    """Queue the notice of a new request to every admin who may act on it, in the caller's transaction."""
    for admin in company_admins():
        delivery = delivery_queue_subject_message(kind=Delivery.Kind.SUBJECT_NOTICE)
        SubjectMessage.objects.create(delivery=delivery, request=item, admin=admin)


def _tell_visitor(item: SubjectRequest, *, kind: str, to: str, language: str) -> None:
    """Queue an e-mail to the visitor about their request (its extension or outcome), in the caller's transaction;
    the address is kept with it until it is sent."""
    delivery = delivery_queue_subject_message(kind=kind)
    SubjectMessage.objects.create(delivery=delivery, request=item, to=to, language=language)


@transaction.atomic
def subject_request_object(*, visitor: Visitor, kind: str, request: HttpRequest | None = None) -> SubjectRequest:
    """The visitor objects or withdraws consent on their page: done at once (their address suppressed, their data
    erased), recorded as a done request the admins see; audited."""
    assert kind in AT_ONCE_KINDS
    visitor_id, now = visitor.pk, timezone.now()
    person_object(visitor=visitor, actor=VISITOR_ACTOR, request=request)
    item = SubjectRequest.objects.create(
        kind=kind, status=SubjectRequest.Status.DONE, received_at=now, due_at=answer_due(now), closed_at=now,
    )  # fmt: skip
    audit_record(actor=VISITOR_ACTOR, action="subject.request", request=request,
                 object_ids={"visitor": [visitor_id], "subject_request": [item.pk]},
                 details={"kind": kind, "done_at_once": True})  # fmt: skip
    _tell_admins(item)
    return item


@transaction.atomic
def subject_request_close(
    *, item: SubjectRequest, user: User, carried_out: bool, note: str = "", request: HttpRequest | None = None
) -> SubjectRequest:
    """An admin answers an open request: carried out (an erasure erases the person here; a correction is made on
    the person's page first; a restriction stays) or refused with a reason (a refused restriction is lifted). The
    visitor is e-mailed the outcome in their language; then the request keeps no address or message. Audited."""
    item = SubjectRequest.objects.select_for_update().get(pk=item.pk)
    if item.status != SubjectRequest.Status.OPEN:
        return item
    visitor_id = item.visitor_id
    if carried_out and item.kind == SubjectRequest.Kind.ERASURE and item.visitor is not None:
        person_erase(visitor=item.visitor, user=user, request=request)
        item.visitor = None
    if not carried_out and item.kind == SubjectRequest.Kind.RESTRICTION and item.visitor is not None:
        person_restriction_lift(visitor=item.visitor, user=user, request=request)
    item.status = SubjectRequest.Status.DONE if carried_out else SubjectRequest.Status.REFUSED
    item.closed_at, item.closed_by, item.outcome_note = timezone.now(), user, note.strip()
    reply_to, language = item.reply_to, item.language
    item.reply_to, item.message = "", ""
    item.save()
    audit_record(actor=user.email, action="subject.request_closed", request=request,
                 object_ids={"subject_request": [item.pk], **({"visitor": [visitor_id]} if visitor_id else {})},
                 details={"kind": item.kind, "status": item.status, "visitor_told": bool(reply_to)})  # fmt: skip
    if reply_to:
        _tell_visitor(item, kind=Delivery.Kind.SUBJECT_OUTCOME, to=reply_to, language=language)
    return item


EXTENSION_MAX_MONTHS = 2  # GDPR art. 12(3): "by two further months where necessary"


class ExtensionRefused(Exception):
    """The deadline cannot be extended (closed, already extended once, or a bad length); safe to show."""


@transaction.atomic
def subject_request_extend(
    *, item: SubjectRequest, user: User, months: int, reason: str, request: HttpRequest | None = None
) -> SubjectRequest:
    """GDPR art. 12(3): extend an open request's deadline once, by one or two further months, with a reason; the
    visitor is e-mailed the new deadline and the reason in their language. Audited (kind and months, not the reason's
    text, which is the visitor's to read)."""
    item = SubjectRequest.objects.select_for_update().get(pk=item.pk)
    if item.status != SubjectRequest.Status.OPEN:
        raise ExtensionRefused(_("Only an open request's deadline can be extended."))
    if item.extended_at is not None:
        raise ExtensionRefused(_("This deadline was extended already: the law allows it once."))
    if not 1 <= months <= EXTENSION_MAX_MONTHS or not reason.strip():
        raise ExtensionRefused(_("Choose one or two months and give the reason."))
    item.due_at_first, item.due_at = item.due_at, item.due_at + relativedelta(months=months)
    item.extended_at, item.extended_by, item.extension_reason = timezone.now(), user, reason.strip()
    item.save(update_fields=["due_at_first", "due_at", "extended_at", "extended_by", "extension_reason"])
    ids: dict[str, list[int | str]] = {"subject_request": [item.pk]}
    if item.visitor_id:
        ids["visitor"] = [item.visitor_id]
    audit_record(actor=user.email, action="subject.request_extended", request=request, object_ids=ids,
                 details={"kind": item.kind, "months": months, "visitor_told": bool(item.reply_to)})  # fmt: skip
    if item.reply_to:
        _tell_visitor(item, kind=Delivery.Kind.SUBJECT_EXTENSION, to=item.reply_to, language=item.language)
    return item


_TEMPLATES = {
    Delivery.Kind.SUBJECT_NOTICE: "subject_request",
    Delivery.Kind.SUBJECT_EXTENSION: "subject_extension",
    Delivery.Kind.SUBJECT_OUTCOME: "subject_outcome",
}


def subject_message_email(delivery: Delivery) -> EmailMessage:
    """The e-mail of one data-subject request's delivery, written when it is sent (the outbox's builder for its
    kinds), from the request as it is then. Not sent (MessageVoid) to an admin who can no longer act on it, nor to a
    visitor whose address was forgotten (the person erased meanwhile)."""
    message = SubjectMessage.objects.select_related("request", "admin").filter(delivery=delivery).first()
    if message is None:
        raise MessageVoid("Not sent: what it was about is gone")
    item, template = message.request, _TEMPLATES[Delivery.Kind(delivery.kind)]
    if delivery.kind == Delivery.Kind.SUBJECT_NOTICE:
        admin = message.admin
        if admin is None or not admin.is_active or not may_manage_exports(admin):
            raise MessageVoid("Not sent: the admin can no longer act on it")
        to, language = admin.email, admin.language or settings.LANGUAGE_CODE
        context: dict[str, object] = {
            "item": item, "queued": item.kind in QUEUED_KINDS, "due_at": item.due_at,
            "company": tenant_connection().tenant.name, "request_url": portal_link("privacy:request", item.pk),
        }  # fmt: skip
    else:
        if not message.to:
            raise MessageVoid("Not sent: the address was forgotten")
        to, language = message.to, message.language
        context = {"item": item, "contact": privacy_contact()}
    with translation.override(language or None):
        subject = render_to_string(f"privacy/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"privacy/email/{template}_body.txt", context)
    return EmailMessage(subject, body, None, [to])


def subject_messages_forget() -> int:
    """Forget the addresses kept for the visitors' e-mails once they are sent or given up; how many (every minute,
    with `privacy.resume_all`)."""
    settled = [Delivery.Status.SENT, Delivery.Status.FAILED]
    return SubjectMessage.objects.filter(delivery__status__in=settled).exclude(to="").update(to="", language="")
