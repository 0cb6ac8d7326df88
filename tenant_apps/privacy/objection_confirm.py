"""A renewed consent for an address that objected, confirmed by its owner through a link sent to it.

Consent typed at the kiosk proves nothing about who typed the address: the objection stays until the owner of the
address follows the link e-mailed to it, in their language. The link is signed, names this company's schema and
one `ObjectionLiftRequest`, expires after LIFT_REQUEST_HOURS and works once (tenant_apps/visits/objections.py).
"""

from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import translation

from shared_apps.database.connection import tenant_connection
from tenant_apps.privacy.mail import portal_link
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
    """Record the renewed consent as pending and e-mail its confirmation link to the address, in `language`; the
    e-mail leaves once the transaction commits. Lifts nothing."""
    with transaction.atomic():
        request = objection_lift_request(email=email, language=language)
        link = objection_confirmation_url(request_id=request.pk)
        context = {"company": tenant_connection().tenant.name, "link": link, "hours": LIFT_REQUEST_HOURS}
        with translation.override(language):
            subject = render_to_string("privacy/email/objection_confirm_subject.txt", context).strip()
            body = render_to_string("privacy/email/objection_confirm_body.txt", context)
        address = request.email
        transaction.on_commit(lambda: send_mail(subject, body, None, [address]))
