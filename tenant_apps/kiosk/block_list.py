"""The building's block list: people the reception holds at check-in until the desk has seen them.

Kept in the building's reception schema (the kiosk app, below the desk app, so that both the kiosk and the desk
check against it; the desk's pages manage it). No company reads it: the kiosk and the desk match before they call
the company's services, and the company only learns that the desk held the visit (`Visit.State.HELD`).

Matching (`block_list_match`): an entry matches a check-in when its normalised name equals the visitor's, or when
it has an e-mail address equal to the visitor's (lower-case, trimmed). A normalised name is lower-case, without
accents, with every run of other characters than letters and digits made one space, its words sorted: "Jean-Pierre
Dupont", "DUPONT jean pierre" and "Dupont, Jean-Pierre" are one name. Its limits: someone who gives another name
and another address (or none) is not found; two people of one name are both held (the desk lets the other one in);
initials, nicknames and misspellings do not match. A date of birth or a document hint is not matched: the kiosk
asks for neither, and they are shown to the desk to compare with the visitor's identity document.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.audit.services import audit_record
from shared_apps.database.brief_memory import BriefMemory
from shared_apps.database.connection import tenant_connection
from shared_apps.database.every_schema import in_every_schema
from shared_apps.tenancy.models import Tenant
from tenant_apps.kiosk.models import BlockListEntry, BlockListMatch

DEFAULT_DAYS = 182  # about six months
MAX_DAYS = 366  # a year, a leap day included


def name_key(name: str) -> str:
    """The normalised form of a name that matching compares (see the module docstring)."""
    flat = unicodedata.normalize("NFKD", name.casefold())
    flat = "".join(char for char in flat if not unicodedata.combining(char))
    return " ".join(sorted(re.sub(r"[\W_]+", " ", flat).split()))


def _email_key(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class BlockListDetails:
    full_name: str
    email: str
    birth_date: dt.date | None
    document_hint: str
    reason: str
    expires_on: dt.date


def block_list_expiry_bounds(today: dt.date | None = None) -> tuple[dt.date, dt.date, dt.date]:
    """(earliest, default, latest) day an entry may expire: tomorrow, in about six months, in a year at most."""
    today = today or timezone.localdate()
    return today + dt.timedelta(days=1), today + dt.timedelta(days=DEFAULT_DAYS), today + dt.timedelta(days=MAX_DAYS)


def block_list_expiry_message() -> str:
    return _("Choose an expiry between tomorrow and one year from today.")


def _validate(details: BlockListDetails) -> None:
    earliest, _default, latest = block_list_expiry_bounds()
    errors = {}
    if not name_key(details.full_name):
        errors["full_name"] = _("Give the person's name.")
    if not details.reason.strip():
        errors["reason"] = _("Say why the person is on the list.")
    if not earliest <= details.expires_on <= latest:
        errors["expires_on"] = block_list_expiry_message()
    if errors:
        raise ValidationError(errors)


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max.replace(microsecond=0)))


@transaction.atomic
def block_list_add(*, details: BlockListDetails, actor: str) -> BlockListEntry:
    """Put someone on the current building's list until the end of `expires_on` (at most a year); audited without
    the person's name."""
    _validate(details)
    entry = BlockListEntry.objects.create(
        full_name=details.full_name.strip(), name_key=name_key(details.full_name), email=_email_key(details.email),
        birth_date=details.birth_date, document_hint=details.document_hint.strip(), reason=details.reason.strip(),
        added_by=actor, expires_at=_end_of(details.expires_on),
    )  # fmt: skip
    audit_record(actor=actor, action="block_list.added", object_ids={"block_list_entry": [entry.pk]},
                 details={"expires_on": details.expires_on.isoformat()})  # fmt: skip
    return entry


@transaction.atomic
def block_list_remove(*, entry: BlockListEntry, actor: str) -> None:
    """Take someone off the list now (their alerts go with them)."""
    audit_record(actor=actor, action="block_list.removed", object_ids={"block_list_entry": [entry.pk]})
    entry.delete()


def block_list_entries() -> QuerySet[BlockListEntry]:
    """The current building's entries still in force."""
    return BlockListEntry.objects.filter(expires_at__gt=timezone.now())


@dataclass(frozen=True)
class Match:
    entry: BlockListEntry
    on: str  # "name", "email" or "name+email"


@dataclass(frozen=True)
class BlockListIndex:
    """What a building's entries in force match: normalised names and addresses, each with its latest expiry."""

    names: dict[str, dt.datetime]
    emails: dict[str, dt.datetime]

    def may_match(self, *, first_name: str, last_name: str, email: str) -> bool:
        """False: no entry in force matches this person (certain while the index is current). True: one may;
        `block_list_match` reads which from the table."""
        now = timezone.now()
        key, address = name_key(f"{first_name} {last_name}"), _email_key(email)
        return bool(key and key in self.names and self.names[key] > now) or bool(
            address and address in self.emails and self.emails[address] > now
        )


def _index_read() -> BlockListIndex:
    names: dict[str, dt.datetime] = {}
    emails: dict[str, dt.datetime] = {}
    for key, address, expires in block_list_entries().order_by().values_list("name_key", "email", "expires_at"):
        names[key] = max(expires, names.get(key, expires))
        if address:
            emails[address] = max(expires, emails.get(address, expires))
    return BlockListIndex(names=names, emails=emails)


# Every check-in at the kiosk and the desk asks whether the visitor is on the building's list, and nearly nobody is:
# the index of what is in force is remembered briefly per reception schema (shared_apps/database/brief_memory.py), so
# "not on the list" costs no query; a possible match is read from the table as before. Adding or removing an entry
# saves or deletes it, which every process honours at its next request; an entry past its expiry stops matching at
# once (the index keeps each expiry).
_indexes: BriefMemory[BlockListIndex] = BriefMemory(forget_on=("kiosk.BlockListEntry",), max_entries=1_000)


def block_list_remembered() -> BlockListIndex | None:
    """The current building's index when this request may use the memory (else None: ask `block_list_match`)."""
    if not _indexes.answers():
        return None
    return _indexes.recall(tenant_connection().schema_name, _index_read)


def block_list_match(*, first_name: str, last_name: str, email: str) -> Match | None:
    """The entry in force that a check-in of this person matches, if any (rules in the module docstring)."""
    index = block_list_remembered()
    if index is not None and not index.may_match(first_name=first_name, last_name=last_name, email=email):
        return None
    key, address = name_key(f"{first_name} {last_name}"), _email_key(email)
    wanted = Q(name_key=key) if key else Q(pk__in=[])
    if address:
        wanted |= Q(email=address)
    entry = block_list_entries().filter(wanted).order_by("-created_at").first()
    if entry is None:
        return None
    on = [part for part, hit in (("name", entry.name_key == key), ("email", bool(address) and entry.email == address))
          if hit]  # fmt: skip
    return Match(entry=entry, on="+".join(on))


def block_list_match_record(*, match: Match, company_id: int, visit_id: int, actor: str) -> BlockListMatch:
    """The desk's alert for a check-in held by `match`, in the current (reception) schema; audited there, never in
    the company's log, with ids only."""
    alert = BlockListMatch.objects.create(
        entry=match.entry, company_id=company_id, visit_id=visit_id, matched_by=actor, on=match.on
    )
    audit_record(
        actor=actor, action="block_list.matched", tenant_schema=tenant_connection().schema_name,
        object_ids={"block_list_entry": [match.entry.pk], "tenant": [company_id], "visit": [visit_id]},
        details={"on": match.on},
    )  # fmt: skip
    return alert


def block_list_alerts_open() -> QuerySet[BlockListMatch]:
    """Check-ins held by the list that the desk has not decided yet (current building)."""
    return BlockListMatch.objects.filter(decided_at=None).select_related("entry")


def block_list_alerts_of(*, company_id: int, visit_id: int) -> list[BlockListMatch]:
    return list(BlockListMatch.objects.filter(company_id=company_id, visit_id=visit_id).select_related("entry"))


def block_list_decision_record(*, company_id: int, visit_id: int, decision: str, actor: str) -> int:
    """Close the alerts of a visit the desk decided; audited with who decided. How many were closed."""
    closed = BlockListMatch.objects.filter(company_id=company_id, visit_id=visit_id, decided_at=None).update(
        decided_at=timezone.now(), decision=decision, decided_by=actor
    )
    if closed:
        audit_record(
            actor=actor, action="block_list.decided", tenant_schema=tenant_connection().schema_name,
            object_ids={"tenant": [company_id], "visit": [visit_id]}, details={"decision": decision},
        )  # fmt: skip
    return closed


def block_list_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the current building's expired entries (and their alerts): the list's own retention. How many."""
    _total, per_model = BlockListEntry.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return per_model.get(BlockListEntry._meta.label, 0)


def block_list_purge_all(*, now: dt.datetime | None = None) -> dict[str, int]:
    """`block_list_purge` in every building's reception schema, each under its own role; audited with counts only.
    {building slug: entries deleted}."""
    receptions = Tenant.objects.filter(type=Tenant.Type.RECEPTION).exclude(building=None).select_related("building")
    deleted: dict[str, int] = {}
    for reception, count in in_every_schema(receptions, lambda _reception: block_list_purge(now=now)):
        assert reception.building is not None
        deleted[reception.building.slug] = count
        if count:
            audit_record(actor="system:block-list", action="block_list.purged", tenant_schema=reception.schema_name,
                         details={"deleted": count})  # fmt: skip
    return deleted
