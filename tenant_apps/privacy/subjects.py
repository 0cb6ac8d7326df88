"""Data-subject requests about one person: find, show, download, correct, erase, object, restrict, merge.

A person is one per company (`tenant_apps/visits/models.py`, `email_normalise`), so each right acts on the
person with all their visits. An objection (or withdrawn consent) erases the person and records it by the
objection rule of visits (`tenant_apps/visits/objections.py`), which refuses to re-create them on every channel
until they confirm a renewed consent by e-mail. A restriction (GDPR art. 18) keeps the person but stops every use
(no new visit, no message) until an admin lifts it. Audit entries hold ids and counts, never the person's name
or e-mail.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from tenant_apps.privacy.exports.lifecycle import exports_delete_all
from tenant_apps.privacy.models import SubjectMessage, SubjectRequest
from tenant_apps.visits.models import Visit, VisitEvent, Visitor, email_normalise
from tenant_apps.visits.objections import objection_record
from tenant_apps.visits.selectors import visitors_with_email
from tenant_apps.visits.services import TAKEN_EMAIL_MESSAGE, VisitStateError

SEARCH_LIMIT = 50
CORRECTABLE_FIELDS = ("first_name", "last_name", "email", "phone", "company_name", "language")


def persons_find(*, query: str, among: QuerySet[Visitor] | None = None) -> QuerySet[Visitor]:
    """Visitors of the current company (of `among`, the ones the searcher may open) matching an e-mail address
    exactly, or every word of a name."""
    query = query.strip()
    candidates = Visitor.objects.all() if among is None else among
    if not query:
        return Visitor.objects.none()
    if "@" in query:
        return candidates.filter(pk__in=visitors_with_email(query).values("pk"))[:SEARCH_LIMIT]
    full_name = Concat("first_name", Value(" "), "last_name", output_field=CharField())  # see tenancy.text.NameField
    people = candidates.annotate(full_name=full_name)
    for word in query.split():
        people = people.filter(Q(full_name__icontains=word) | Q(company_name__icontains=word))
    return people[:SEARCH_LIMIT]


def _values(row: Any, names: list[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def person_record(*, visitor: Visitor) -> dict[str, Any]:
    """Everything the company holds about one visitor, as stored: the person, their own requests, their visits, and
    each visit's timeline."""
    visit_fields = [f.attname for f in Visit._meta.concrete_fields]
    event_fields = [f.attname for f in VisitEvent._meta.concrete_fields if f.attname != "visit_id"]
    visits = Visit.objects.filter(visitor=visitor).select_related("host").prefetch_related("events").order_by("pk")
    request_fields = [f.attname for f in SubjectRequest._meta.concrete_fields if f.attname != "visitor_id"]
    return {
        "visitor": _values(visitor, [f.attname for f in Visitor._meta.concrete_fields]),
        "requests": [_values(item, request_fields) for item in SubjectRequest.objects.filter(visitor=visitor)],
        "visits": [
            {
                **_values(visit, visit_fields),
                "host_name": visit.host.name if visit.host else None,
                "events": [_values(event, event_fields) for event in visit.events.all()],
            }
            for visit in visits
        ],
    }


@transaction.atomic
def person_correct(
    *, visitor: Visitor, user: User, changes: dict[str, str], request: HttpRequest | None = None
) -> Visitor:
    """Correct a visitor's details; the audit entry names the fields changed, never their values. The address is
    stored normalised; another person's address is refused (merge the two instead: `persons_merge`)."""
    if "email" in changes:
        changes = {**changes, "email": email_normalise(changes["email"])}
        if visitors_with_email(changes["email"]).exclude(pk=visitor.pk).exists():
            raise VisitStateError(str(TAKEN_EMAIL_MESSAGE))
    changed = [name for name in CORRECTABLE_FIELDS if name in changes and getattr(visitor, name) != changes[name]]
    if not changed:
        return visitor
    for name in changed:
        setattr(visitor, name, changes[name])
    visitor.full_clean()
    visitor.save(update_fields=changed)
    audit_record(
        actor=user.email, action="subject.correct", request=request,
        object_ids={"visitor": [visitor.pk]}, details={"fields": changed},
    )  # fmt: skip
    return visitor


@dataclass(frozen=True)
class Erasure:
    visits: int
    visit_events: int
    exports: int
    requests_closed: int = 0


def _erase(visitor: Visitor) -> Erasure:
    """Delete the person, their visits and timelines, and close their open requests ("closed: person erased",
    keeping no address or message, nor do their unsent e-mails: nothing is left to answer), in the caller's
    transaction. Counts are taken of the
    rows themselves before deleting: a delete's own total also counts what cascades (deliveries, webhook attempts)."""
    visits = Visit.objects.filter(visitor=visitor)
    visit_count = visits.count()
    events = VisitEvent.objects.filter(visit__in=visits).count()
    closed = SubjectRequest.objects.filter(visitor=visitor, status=SubjectRequest.Status.OPEN).update(
        status=SubjectRequest.Status.ERASED, closed_at=timezone.now(), reply_to="", message=""
    )
    # Nor do their e-mails still waiting in the outbox keep the address (they are then not sent).
    SubjectMessage.objects.filter(request__visitor=visitor).exclude(to="").update(to="", language="")
    VisitEvent.objects.filter(visit__in=visits).delete()
    visits.delete()
    visitor.delete()
    # Exports made before may hold the person: they go too, and the admin can export again.
    exports = exports_delete_all(reason="erasure")
    return Erasure(visits=visit_count, visit_events=events, exports=exports, requests_closed=closed)


@transaction.atomic
def person_erase(
    *, visitor: Visitor, user: User | None = None, actor: str = "", request: HttpRequest | None = None
) -> Erasure:
    """Hard-delete the visitor, their visits and timelines, and every earlier export; audited by counts.

    `actor`: who acts when no account does (the visitor on their own page)."""
    visitor_id = visitor.pk
    erasure = _erase(visitor)
    audit_record(
        actor=actor or (user.email if user else ""), action="subject.erase", request=request,
        object_ids={"visitor": [visitor_id]},
        details={"visits": erasure.visits, "visit_events": erasure.visit_events, "exports": erasure.exports,
                 "requests_closed": erasure.requests_closed},
    )  # fmt: skip
    return erasure


@transaction.atomic
def person_object(
    *, visitor: Visitor, user: User | None = None, actor: str = "", request: HttpRequest | None = None
) -> Erasure:
    """Record an objection or withdrawn consent: suppress the e-mail address (hashed), then erase the person.

    `actor`: who acts when no account does (the visitor on their own page)."""
    visitor_id, suppressed = visitor.pk, bool(visitor.email)
    if visitor.email:
        objection_record(visitor.email)
    erasure = _erase(visitor)
    audit_record(
        actor=actor or (user.email if user else ""), action="subject.object", request=request,
        object_ids={"visitor": [visitor_id]},
        details={"visits": erasure.visits, "visit_events": erasure.visit_events, "exports": erasure.exports,
                 "email_suppressed": suppressed, "requests_closed": erasure.requests_closed},
    )  # fmt: skip
    return erasure


@transaction.atomic
def person_restrict(*, visitor: Visitor, actor: str, request: HttpRequest | None = None) -> Visitor:
    """Restrict the processing of a person's data (GDPR art. 18): kept, but no channel registers a visit for them,
    no message is sent about them, and they are offered for no new visit, until `person_restriction_lift`.
    `actor` is the admin's e-mail (or the visitor's own page). Audited; a second call changes nothing."""
    visitor = Visitor.objects.select_for_update().get(pk=visitor.pk)
    if visitor.restricted_at is None:
        visitor.restricted_at = timezone.now()
        visitor.save(update_fields=["restricted_at"])
        audit_record(actor=actor, action="subject.restrict", request=request, object_ids={"visitor": [visitor.pk]})
    return visitor


@transaction.atomic
def person_restriction_lift(*, visitor: Visitor, user: User, request: HttpRequest | None = None) -> Visitor:
    """Lift a restriction: the person can be registered and told again. A company admin's decision; audited."""
    visitor = Visitor.objects.select_for_update().get(pk=visitor.pk)
    if visitor.restricted_at is not None:
        visitor.restricted_at = None
        visitor.save(update_fields=["restricted_at"])
        audit_record(actor=user.email, action="subject.restriction_lifted", request=request,
                     object_ids={"visitor": [visitor.pk]})  # fmt: skip
    return visitor


def merge_candidates(*, visitor: Visitor, among: QuerySet[Visitor]) -> QuerySet[Visitor]:
    """Other records that may be the same person: same first and last name (any case), or same phone."""
    same = Q(first_name__iexact=visitor.first_name, last_name__iexact=visitor.last_name)
    if visitor.phone:
        same |= Q(phone=visitor.phone)
    return among.filter(same).exclude(pk=visitor.pk).order_by("pk")[:SEARCH_LIMIT]


@transaction.atomic
def persons_merge(*, keep: Visitor, duplicate: Visitor, user: User, request: HttpRequest | None = None) -> Visitor:
    """Merge `duplicate` into `keep`: every visit moves to `keep`, which keeps its details and takes only the blanks
    from the duplicate (its address too, when it had none); the duplicate is deleted. A restriction of either
    holds for the merged person. Refused when both have a different address (two people, or a correction first).
    Audited with ids and counts."""
    if keep.pk == duplicate.pk:
        raise VisitStateError(_("A person cannot be merged with themselves."))
    keep = Visitor.objects.select_for_update().get(pk=keep.pk)
    duplicate = Visitor.objects.select_for_update().get(pk=duplicate.pk)
    if keep.email and duplicate.email and email_normalise(keep.email) != email_normalise(duplicate.email):
        raise VisitStateError(_("These two records have different e-mail addresses: correct one of them first."))
    moved = Visit.objects.filter(visitor=duplicate).update(visitor=keep)
    blanks = ("email", "phone", "company_name")
    filled = [name for name in blanks if not getattr(keep, name) and getattr(duplicate, name)]
    values = {name: getattr(duplicate, name) for name in filled}
    restricted = keep.restricted_at or duplicate.restricted_at
    duplicate_id = duplicate.pk
    duplicate.delete()  # first: its address is free for `keep` under the unique index
    for name, value in values.items():
        setattr(keep, name, value)
    keep.restricted_at = restricted
    keep.full_clean()
    keep.save(update_fields=[*filled, "restricted_at"])
    audit_record(
        actor=user.email, action="subject.merge", request=request,
        object_ids={"visitor": [keep.pk], "merged_visitor": [duplicate_id]},
        details={"visits_moved": moved, "fields_filled": filled},
    )  # fmt: skip
    return keep
