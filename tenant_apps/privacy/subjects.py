"""Data-subject requests about one visitor: find, show, download, correct, erase, object.

An objection (or withdrawn consent) erases the person and records it by the
objection rule of visits (`tenant_apps/visits/objections.py`), which refuses to
re-create them until they give consent again. Audit entries hold ids and
counts, never the person's name or e-mail.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.http import HttpRequest

from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from tenant_apps.privacy.exports.lifecycle import exports_delete_all
from tenant_apps.visits.models import Visit, VisitEvent, Visitor
from tenant_apps.visits.objections import objection_record

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
        return candidates.filter(email__iexact=query)[:SEARCH_LIMIT]
    full_name = Concat("first_name", Value(" "), "last_name", output_field=CharField())  # see tenancy.text.NameField
    people = candidates.annotate(full_name=full_name)
    for word in query.split():
        people = people.filter(Q(full_name__icontains=word) | Q(company_name__icontains=word))
    return people[:SEARCH_LIMIT]


def _values(row: Any, names: list[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def person_record(*, visitor: Visitor) -> dict[str, Any]:
    """Everything the company holds about one visitor: the person, their visits, and each visit's timeline."""
    visit_fields = [f.attname for f in Visit._meta.concrete_fields]
    event_fields = [f.attname for f in VisitEvent._meta.concrete_fields if f.attname != "visit_id"]
    visits = Visit.objects.filter(visitor=visitor).select_related("host").prefetch_related("events").order_by("pk")
    return {
        "visitor": _values(visitor, [f.attname for f in Visitor._meta.concrete_fields]),
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
    """Correct a visitor's details; the audit entry names the fields changed, never their values."""
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


def _erase(visitor: Visitor) -> Erasure:
    visits = Visit.objects.filter(visitor=visitor)
    events = VisitEvent.objects.filter(visit__in=visits).delete()[0]
    visit_count = visits.delete()[1].get(Visit._meta.label, 0)  # the visits only, not their deliveries too
    visitor.delete()
    # Exports made before may hold the person: they go too, and the admin can export again.
    return Erasure(visits=visit_count, visit_events=events, exports=exports_delete_all(reason="erasure"))


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
        details={"visits": erasure.visits, "visit_events": erasure.visit_events, "exports": erasure.exports},
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
                 "email_suppressed": suppressed},
    )  # fmt: skip
    return erasure
