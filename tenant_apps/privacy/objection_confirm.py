"""A renewed consent for an address that objected, confirmed by its owner through a link sent to it.

Consent typed at the kiosk proves nothing about who typed the address: the objection stays until the owner of the
address follows the link e-mailed to it, in their language. The link is signed, names this company's schema and
one `ObjectionLiftRequest`, expires after LIFT_REQUEST_HOURS and works once (tenant_apps/visits/objections.py).
The e-mail goes through the delivery outbox like every other message, so a failed send is retried.
"""

import datetime as dt

from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation

from shared_apps.database.connection import tenant_connection
from tenant_apps.notifications.models import Delivery
from tenant_apps.notifications.sending import MessageVoid
from tenant_apps.notifications.services import delivery_queue_consent_confirmation
from tenant_apps.privacy.mail import portal_link
from tenant_apps.visits.models import ObjectionLiftRequest
from tenant_apps.visits.objections import LIFT_REQUEST_HOURS, objection_lift_request

_SALT = "checkin.objection-lift"


def objection_confirmation_url(*, request_id: int) -> str:
    token = signing.dumps({"schema": tenant_connection().schema_name, "request": request_id}, salt=_SALT)
    return portal_link("privacy:objection_confirm", token)


def objection_request_from_token(token: str) -> int:
    """The request a link names; 404 for a forged, expired or another company's link."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=LIFT_REQUEST_HOURS * 3600)
    except signing.BadSignature:
        raise Http404 from None
    if not isinstance(data, dict) or data.get("schema") != tenant_connection().schema_name:
        raise Http404
    return int(data["request"])


def objection_confirmation_send(*, email: str, language: str) -> None:
    """Record the renewed consent as pending and queue the e-mail of its confirmation link to the address, in
    `language`, in the delivery outbox (tenant_apps/notifications: stored with the request, handed to the broker on
    commit, retried with back-off, swept again if lost). Lifts nothing."""
    with transaction.atomic():
        request = objection_lift_request(email=email, language=language)
        delivery_queue_consent_confirmation(lift_request=request)


def consent_confirmation_email(delivery: Delivery) -> EmailMessage:
    """The confirmation e-mail of one delivery, written when it is sent (the outbox's builder for its kind): a fresh
    signed link to the pending request, in the language chosen at the kiosk. Not sent (MessageVoid) once the request
    was used, replaced or expired."""
    request = ObjectionLiftRequest.objects.filter(pk=delivery.objection_lift_id or 0, used_at=None).first()
    if request is None or not request.email:
        raise MessageVoid("Not sent: the confirmation was used or replaced")
    if request.created_at < timezone.now() - dt.timedelta(hours=LIFT_REQUEST_HOURS):
        raise MessageVoid("Not sent: the confirmation expired")
    link = objection_confirmation_url(request_id=request.pk)
    context = {"company": tenant_connection().tenant.name, "link": link, "hours": LIFT_REQUEST_HOURS}
    with translation.override(request.language):
        subject = render_to_string("privacy/email/objection_confirm_subject.txt", context).strip()
        body = render_to_string("privacy/email/objection_confirm_body.txt", context)
    return EmailMessage(subject, body, None, [request.email])
