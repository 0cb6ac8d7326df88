"""Visitor self pre-registration: a host registers a visit with the visitor's e-mail address only, and the visitor
fills in their own details (name, company, language, the licence plate when the building asks for it) through a
link sent to that address; then the visit is complete and the visitor gets the usual invitation with the code.

The link is a signed `{"v": <visit id>, "r": <when the details were asked>}` (tenant_apps/visits/signed_links.py:
it works on that company's host only). It works once: while the visit is expected and its details are still
awaited, and until `LINK_LIFETIME` after the request or the visit's expected departure, whichever comes first.
A used link (the details were given), an expired one or an altered one does nothing and says so.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shared_apps.audit.services import audit_record
from tenant_apps.visits.models import Host, Visit, VisitEvent
from tenant_apps.visits.services import (
    Actor,
    VisitorDetails,
    VisitorRefused,
    visit_register,
    visitor_details_of,
    visitor_find_or_create,
    visitor_refuse_if_unusable,
    visitor_update,
)
from tenant_apps.visits.signals import visit_registered
from tenant_apps.visits.signed_links import link_payload, link_token, link_url

PURPOSE = "visitor-details"
LINK_LIFETIME = dt.timedelta(days=14)
# Plates as printed: letters, digits, spaces and hyphens (Belgian "1-ABC-234", German "B-MW 1234"...).
PLATE = re.compile(r"^[A-Z0-9][A-Z0-9 -]{0,14}[A-Z0-9]$")
PLATE_MESSAGE = _("Enter the plate as printed: letters and digits, with spaces or hyphens, 16 characters at most.")


@dataclass(frozen=True)
class DetailsRequest:
    """What the host types: the visitor's address and the language of the e-mail, and the visit's details."""

    email: str
    language: str
    host: Host | None
    expected_start: dt.datetime
    expected_end: dt.datetime
    purpose: str


@transaction.atomic
def visit_details_request(*, request: DetailsRequest, actor: Actor) -> Visit:
    """Register a visit whose visitor fills in their own details, and send them the link (the notifications app
    hears `visit_details_requested`). A person the company knows by this address keeps what is stored (their
    link lets them correct it); someone who objected or is restricted is refused like on every channel."""
    details = VisitorDetails(first_name="", last_name="", email=request.email, phone="", company_name="",
                             language=request.language)  # fmt: skip
    visitor = visitor_find_or_create(details=details, actor=actor.label).visitor
    return visit_register(
        visitor=visitor, host=request.host, expected_start=request.expected_start,
        expected_end=request.expected_end, purpose=request.purpose, actor=actor, details_requested=True,
    )  # fmt: skip


def _stamp(visit: Visit) -> str:
    return visit.details_requested_at.isoformat() if visit.details_requested_at else ""


def details_token(visit: Visit) -> str:
    return link_token(PURPOSE, {"v": visit.pk, "r": _stamp(visit)})


def details_url(visit: Visit) -> str:
    """The absolute link for the e-mail, on the current company's host."""
    return link_url("self_registration:give", details_token(visit))


def details_link_until(visit: Visit) -> dt.datetime | None:
    """Until when the visit's link works; None once it no longer can (given, cancelled...)."""
    if visit.details_requested_at is None or visit.state != Visit.State.EXPECTED:
        return None
    return min(visit.details_requested_at + LINK_LIFETIME, visit.expected_end)


def _open(visit: Visit, stamp: str) -> bool:
    until = details_link_until(visit)
    return until is not None and stamp == _stamp(visit) and timezone.now() <= until


def details_link_open(token: str) -> Visit | None:
    """The visit a link asks the details of, while it still can: None for an altered link, one of another
    company, one used already (the details were given) or expired."""
    data = link_payload(PURPOSE, token)
    if data is None:
        return None
    try:
        visit_id, stamp = int(data["v"]), str(data["r"])
    except (KeyError, TypeError, ValueError):
        return None
    visit = Visit.objects.select_related("visitor", "host").filter(pk=visit_id).first()
    return visit if visit is not None and _open(visit, stamp) else None


@dataclass(frozen=True)
class OwnDetails:
    """What the visitor types about themselves."""

    first_name: str
    last_name: str
    company_name: str
    language: str
    licence_plate: str = ""


def plate_normalise(plate: str) -> str:
    return " ".join(plate.upper().split())


@transaction.atomic
def visit_details_give(*, token: str, details: OwnDetails, notice_version: str) -> Visit | None:
    """Store what the visitor typed, once (the visit is re-read under a lock: two sends store once), with the
    privacy notice they were shown; the visit is then complete and the invitation with the code goes out
    (`visit_registered`). None when the link does nothing: nothing is changed then."""
    visit = details_link_open(token)
    if visit is None:
        return None
    stamp = _stamp(visit)
    visit = Visit.objects.select_for_update(of=("self",)).select_related("visitor").get(pk=visit.pk)
    if not _open(visit, stamp):
        return None
    try:
        visitor_refuse_if_unusable(visit.visitor)  # objected or restricted since the link was sent
    except VisitorRefused:
        return None
    visitor_update(visitor=visit.visitor, details=visitor_details_of(
        visit.visitor, first_name=details.first_name, last_name=details.last_name,
        company_name=details.company_name, language=details.language,
    ))  # fmt: skip
    now = timezone.now()
    visit.details_requested_at, visit.licence_plate = None, plate_normalise(details.licence_plate)
    visit.consent_notice_version, visit.consent_at, visit.consent_channel = notice_version, now, visit.channel
    visit.save(update_fields=["details_requested_at", "licence_plate", "consent_notice_version", "consent_at",
                              "consent_channel", "updated_at"])  # fmt: skip
    actor = "visitor:self-registration"  # the visitor through their link (no address: the audit log is public)
    VisitEvent.objects.create(visit=visit, kind=VisitEvent.Kind.DETAILS_GIVEN, actor=actor)
    audit_record(actor=actor, action="visit.details_given", object_ids={"visit": [visit.pk]},
                 details={"licence_plate": bool(visit.licence_plate)})  # fmt: skip
    visit_registered.send(sender=Visit, visit=visit)
    return visit
