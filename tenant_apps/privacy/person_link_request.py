"""A visitor asks for their own privacy link by typing their e-mail address (`/privacy/me/`, the short link printed
on the kiosk's notice and the badge: it names the company, never the person).

The answer is the same whether the address is known or not, so nobody learns who visited: a known person (one not
objected: an objection erased them) is sent their signed personal link (tenant_apps/visits/person_links.py) in their
language, through the delivery outbox like every message; an unknown address gets nothing. Nor does the answer's time
tell: the request does the same work for every address (it counts the ask and queues one task, the address sealed
with the project's encryption keys so the broker never holds it readable), and the task (`privacy.person_link_send`)
looks the address up, queues the link and writes the audit entry. Asking is limited per client address and per
e-mail address with the shared counters of the kiosk's limits (PostgreSQL, every process and pod:
shared_apps/login_throttle/counters.py; keys hold the schema and keyed hashes only). Every ask is audited
(`subject.link_requested`: the person's id when known, never the address).
"""

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from shared_apps.audit.services import audit_record, client_ip
from shared_apps.database.connection import tenant_connection
from shared_apps.login_throttle.counters import counter_hit
from shared_apps.operations.broker import publish
from shared_apps.operations.encryption import decrypt, encrypt
from shared_apps.tenancy.links import tenant_url
from shared_apps.tenancy.models import Tenant
from shared_apps.tenancy.public_links import urlconf_of
from tenant_apps.notifications.models import Delivery
from tenant_apps.notifications.sending import MessageVoid
from tenant_apps.notifications.services import delivery_queue_person_link
from tenant_apps.privacy.subject_requests import VISITOR_ACTOR
from tenant_apps.visits.models import email_normalise
from tenant_apps.visits.person_links import person_page_url
from tenant_apps.visits.selectors import privacy_contact, visitors_with_email

logger = logging.getLogger(__name__)

WINDOW = 3600
PER_CLIENT = 10  # asks from one client address per hour
PER_ADDRESS = 3  # links sent to one e-mail address per hour


@dataclass(frozen=True)
class LinkAsk:
    throttled: bool  # the client asked too often: told to wait (says nothing about the address)


def _key(scope: str, subject: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), subject.encode(), hashlib.sha256).hexdigest()[:32]
    return f"person-link:{tenant_connection().schema_name}:{scope}:{digest}"


def person_link_page_url(company: Tenant, *, language: str = "") -> str:
    """The short, non-personal link of `company`'s page that sends a visitor their own link (for the kiosk's notice
    and the badge), in `language` when given."""
    path = reverse("privacy:me", urlconf=urlconf_of(Tenant.Type.COMPANY))
    return tenant_url(company) + path + (f"?lang={language}" if language else "")


def person_link_request(*, email: str, request: HttpRequest | None = None) -> LinkAsk:
    """Send the person with this address their own privacy link, if the company knows them; the same outcome, and
    the same work here, for an unknown address: count the ask, queue one task that does the rest
    (`person_link_send`). Past the client's limit nothing is queued; past the address's limit the task sends
    nothing (and the answer stays the same)."""
    from tenant_apps.privacy.tasks import person_link_send_task  # the task module imports this one

    address, ip = email_normalise(email), client_ip(request)
    if counter_hit(_key("client", ip or "unknown"), window=WINDOW) > PER_CLIENT:
        audit_record(actor=VISITOR_ACTOR, action="subject.link_requested", request=request,
                     details={"throttled": "client"})  # fmt: skip
        return LinkAsk(throttled=True)
    address_past = counter_hit(_key("address", address), window=WINDOW) > PER_ADDRESS
    sealed = encrypt(json.dumps({"email": address, "ip": ip, "address_past": address_past}))
    if not publish(person_link_send_task, sealed):
        # No broker: the ask is done here rather than lost (while Redis is away, its time may differ by address).
        logger.warning("broker unavailable: a privacy-link ask is handled in the request")
        person_link_send(sealed)
    return LinkAsk(throttled=False)


def person_link_send(sealed: str) -> bool:
    """One ask's work, in the company's schema (the task): find the person with the sealed address, queue their link
    through the outbox unless the address asked too often, and audit the ask; whether a link was queued."""
    ask = json.loads(decrypt(sealed))
    address: str = ask["email"]
    with transaction.atomic():
        visitor = visitors_with_email(address).first() if address else None
        sent = False
        if visitor is not None and not ask["address_past"]:
            delivery_queue_person_link(visitor=visitor)
            sent = True
        audit_record(
            actor=VISITOR_ACTOR, action="subject.link_requested", ip=ask["ip"],
            object_ids={"visitor": [visitor.pk]} if visitor is not None else {},
            details={"known": visitor is not None, "sent": sent,
                     **({"throttled": "address"} if ask["address_past"] else {})},
        )  # fmt: skip
    return sent


def person_link_email(delivery: Delivery) -> EmailMessage:
    """The e-mail of one privacy-link delivery, written when it is sent (the outbox's builder for its kind): a fresh
    signed link to the person's page, in their language; not sent once the person is gone."""
    visitor = delivery.visitor
    if visitor is None or not visitor.email:
        raise MessageVoid("Not sent: the person is gone")
    context = {
        "company": tenant_connection().tenant.name, "privacy_url": person_page_url(visitor),
        "privacy_days": settings.CHECKIN_PERSON_LINK_DAYS, "contact": privacy_contact(),
    }  # fmt: skip
    with translation.override(visitor.language):
        subject = render_to_string("privacy/email/person_link_subject.txt", context).strip()
        body = render_to_string("privacy/email/person_link_body.txt", context)
    return EmailMessage(subject, body, None, [visitor.email])
