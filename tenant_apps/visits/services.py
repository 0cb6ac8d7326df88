"""Writes on visits. One function per state transition; each refuses an illegal one.

Every service runs in the schema of the company that owns the visit: the
portal and API run there already, the desk and the kiosk enter it with
`tenant_context(company)` before calling. `actor` says who acted, for the
visit's timeline and the audit log.
"""

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from shared_apps.tenancy.models import Building
from tenant_apps.visits.models import CompanySettings, Host, Visit, VisitEvent, Visitor, email_normalise
from tenant_apps.visits.objections import OBJECTED_MESSAGE, visitor_objected
from tenant_apps.visits.selectors import company_settings_remembered, visitors_with_email
from tenant_apps.visits.signals import (
    visit_approval_asked,
    visit_arrived,
    visit_cancelled,
    visit_details_requested,
    visit_registered,
    visit_rescheduled,
)


class VisitStateError(Exception):
    """An illegal transition; the message is translated and safe to show to the user."""


SERIES_RESCHEDULE_MESSAGE = gettext_lazy(
    "A day of a visit over several days cannot be moved: cancel that day and register a separate visit instead."
)
TAKEN_EMAIL_MESSAGE = gettext_lazy(
    "Another person of this company already has this e-mail address. A company admin can merge the two on the "
    "privacy pages."
)


@dataclass(frozen=True)
class Actor:
    """Who acts: a company user (stored on the visit), or the desk or a kiosk (described only)."""

    label: str  # "admin@acme.example", "desk:tower:dries@...", "kiosk:tower:3"
    channel: str  # a Visit.Channel value
    user: User | None = None


@dataclass(frozen=True)
class Hold:
    """Why a walk-in is not on site at once: it waits for the company's approval until `approval_deadline`, or
    (no deadline) the building's desk holds it."""

    approval_deadline: dt.datetime | None = None


def desk_actor(*, building: Building, user: User) -> Actor:
    """A desk user of the building, for the timeline and the audit log: `desk:<building>:<email>`."""
    return Actor(label=f"desk:{building.slug}:{user.email}", channel=Visit.Channel.DESK)


def kiosk_actor(*, building: Building, kiosk_id: int) -> Actor:
    """A paired kiosk of the building: `kiosk:<building>:<kiosk id>`."""
    return Actor(label=f"kiosk:{building.slug}:{kiosk_id}", channel=Visit.Channel.KIOSK)


def _event(visit: Visit, kind: str, actor: Actor, note: str = "") -> None:
    VisitEvent.objects.create(visit=visit, kind=kind, actor=actor.label, note=note)


def _save(visit: Visit, actor: Actor, fields: list[str]) -> None:
    visit.updated_by = actor.user
    visit.save(update_fields=[*fields, "updated_by", "updated_at"])


@transaction.atomic
def visit_register(
    *,
    visitor: Visitor,
    host: Host | None,
    expected_start: dt.datetime,
    expected_end: dt.datetime,
    purpose: str,
    actor: Actor,
    details_requested: bool = False,
) -> Visit:
    """Pre-register a visit: it starts `expected`, with a fresh single-visit code. Refused for someone who objected
    or whose processing is restricted, whatever the channel. `details_requested`: the visitor fills in their own
    details first (tenant_apps/visits/self_registration.py): they are sent the link for it, and the invitation
    only once they have."""
    _refuse_departure_before_arrival(expected_start, expected_end)
    visitor_refuse_if_unusable(visitor)
    visit = Visit.objects.create(
        visitor=visitor,
        host=host,
        expected_start=expected_start,
        expected_end=expected_end,
        purpose=purpose,
        channel=actor.channel,
        created_by=actor.user,
        updated_by=actor.user,
        details_requested_at=timezone.now() if details_requested else None,
    )
    _event(visit, VisitEvent.Kind.REGISTERED, actor)
    if details_requested:
        _event(visit, VisitEvent.Kind.DETAILS_REQUESTED, actor)
        visit_details_requested.send(sender=Visit, visit=visit)
    else:
        visit_registered.send(sender=Visit, visit=visit)
    return visit


@transaction.atomic
def visit_reschedule(*, visit: Visit, expected_start: dt.datetime, expected_end: dt.datetime, actor: Actor) -> Visit:
    """Move a visit that has not started yet. A day of a series keeps the series' times (its calendar file holds
    one rule for every day): cancel the day and register a visit of its own instead."""
    visit = _locked(visit)
    if visit.series_id is not None:
        raise VisitStateError(str(SERIES_RESCHEDULE_MESSAGE))
    if visit.state != Visit.State.EXPECTED:
        raise VisitStateError(_("Only an expected visit can be rescheduled."))
    _refuse_departure_before_arrival(expected_start, expected_end)
    visit.expected_start, visit.expected_end = expected_start, expected_end
    _save(visit, actor, ["expected_start", "expected_end"])
    _event(visit, VisitEvent.Kind.RESCHEDULED, actor)
    visit_rescheduled.send(sender=Visit, visit=visit)
    return visit


@transaction.atomic
def visit_check_in(
    *,
    visit: Visit,
    actor: Actor,
    notice_version: str = "",
    rules_version: str = "",
    check: Callable[[Visit], None] | None = None,
    restriction_consent: bool = False,
) -> Visit:
    """expected -> on_site, recording the privacy-notice acceptance that came with it.

    `visit` may be an unsaved `Visit(pk=...)`: the row is read here, under a lock. `check` is the
    caller's own condition on that row; it raises VisitStateError to refuse. A person whose processing is restricted
    (GDPR art. 18) is refused (VisitorRestricted) unless `restriction_consent`: the person, present, agreed to this
    visit being recorded (art. 18(2)), which only the desk may confirm, and audits.
    """
    visit = _locked(visit, with_host=True)  # the arrival's deliveries need the host: read with the row, once
    if check is not None:
        check(visit)
    if not restriction_consent and visit.visitor.restricted_at is not None:
        raise VisitorRestricted(str(RESTRICTED_CHECK_IN_MESSAGE))
    if visit.state == Visit.State.ON_SITE:
        raise VisitStateError(_("This visitor is already checked in."))
    if visit.state == Visit.State.CANCELLED:
        raise VisitStateError(_("This visit was cancelled and cannot be checked in."))
    if visit.state == Visit.State.WAITING:  # a walk-in already at the kiosk: it arrives by a decision, not here
        raise VisitStateError(_("This visitor waits for the company's approval: approve or decline the visit "
                                "instead of checking it in."))  # fmt: skip
    if visit.state == Visit.State.HELD:
        raise VisitStateError(_("This visit is held by the front desk: only the desk can let the visitor in."))
    if visit.state == Visit.State.DECLINED:
        raise VisitStateError(_("This visit was declined and cannot be checked in."))
    if visit.state != Visit.State.EXPECTED:
        raise VisitStateError(_("This visit has ended and cannot be checked in again."))
    fields = _arrive(visit, actor, notice_version=notice_version, rules_version=rules_version)
    _save(visit, actor, fields)
    _event(visit, VisitEvent.Kind.CHECKED_IN, actor)
    visit_arrived.send(sender=Visit, visit=visit)
    return visit


def visit_walk_in(
    *,
    visitor: Visitor,
    host: Host | None,
    expected_end: dt.datetime,
    actor: Actor,
    notice_version: str = "",
    rules_version: str = "",
    hold: Hold | None = None,
    _checked_usable: bool = False,
) -> Visit:
    """A visitor who came unannounced: registered and on site at once, from now until `expected_end`.

    The same end state and timeline as `visit_register` then `visit_check_in`, in one INSERT per table:
    a walk-in is the kiosk's busiest write. Inside the caller's transaction it takes no savepoint of its
    own: whatever fails after the first INSERT fails the caller's whole transaction, as it should.
    With `hold`, the visitor is not on site yet: the visit waits for an approval until the hold's deadline
    (the host or the reception is asked, `visit_approval_asked`), or is held for the building's desk.
    """
    visit = Visit(
        visitor=visitor,
        host=host,
        expected_start=timezone.now(),
        expected_end=expected_end,
        channel=actor.channel,
        created_by=actor.user,
        updated_by=actor.user,
    )
    _refuse_departure_before_arrival(visit.expected_start, expected_end)
    if not _checked_usable:
        visitor_refuse_if_unusable(visitor)
    if hold is None:
        _arrive(visit, actor, notice_version=notice_version, rules_version=rules_version)
        then = VisitEvent.Kind.CHECKED_IN
    else:
        _consent(visit, actor, notice_version=notice_version, rules_version=rules_version)
        visit.state = Visit.State.WAITING if hold.approval_deadline else Visit.State.HELD
        visit.approval_deadline = hold.approval_deadline
        then = VisitEvent.Kind.APPROVAL_ASKED if hold.approval_deadline else VisitEvent.Kind.HELD
    with transaction.atomic(savepoint=False):
        visit.save(force_insert=True)
        VisitEvent.objects.bulk_create(
            [
                VisitEvent(visit=visit, kind=VisitEvent.Kind.REGISTERED, actor=actor.label),
                VisitEvent(visit=visit, kind=then, actor=actor.label),
            ]
        )
        if hold is None:
            visit_arrived.send(sender=Visit, visit=visit)
        elif hold.approval_deadline:
            visit_approval_asked.send(sender=Visit, visit=visit)
    return visit


def approval_deadline(*, required_by_building: bool) -> dt.datetime | None:
    """Until when a kiosk walk-in of the current company waits for approval; None when it is not held for one
    (the company's setting, or the building's requirement for every company)."""
    settings = company_settings_remembered()
    if not (settings.walk_in_approval or required_by_building):
        return None
    return timezone.now() + dt.timedelta(minutes=settings.approval_timeout_minutes)


class Decision(enum.StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"


@transaction.atomic
def visit_decide(*, visit: Visit, decision: Decision, actor: Actor, decided_by: str, states: tuple[str, ...]) -> Visit:
    """Approve (on site now, the arrival announced) or decline a visit that waits for approval or is held by the
    desk, when its state is one of `states` (what the caller may decide). Refused (VisitStateError) once decided:
    a decision is taken once. Audited with who decided (`decided_by`: host, reception or desk)."""
    visit = _locked(visit, with_host=True)
    if visit.state not in states:
        raise VisitStateError(_("This visit has already been decided."))
    if decision == Decision.APPROVE:
        visit.state, visit.checked_in_at = Visit.State.ON_SITE, timezone.now()
        _save(visit, actor, ["state", "checked_in_at"])
        _event(visit, VisitEvent.Kind.APPROVED, actor)
        _event(visit, VisitEvent.Kind.CHECKED_IN, actor)
        visit_arrived.send(sender=Visit, visit=visit)
    else:
        visit.state = Visit.State.DECLINED
        _save(visit, actor, ["state"])
        _event(visit, VisitEvent.Kind.DECLINED, actor)
    audit_record(
        actor=actor.label,
        action=f"visit.{decision}d",
        object_ids={"visit": [visit.pk]},
        details={"decided_by": decided_by},
    )
    return visit


DECIDED_BY_TIMEOUT = "timeout"  # nobody answered in time: the periodic job (tenant_apps/kiosk/autocheckout.py)


def undecided_expire(*, now: dt.datetime, held_before: dt.datetime, actor: Actor) -> int:
    """End as declined, in the current company, the walk-ins nobody decided: those waiting past their approval
    deadline, and those the desk held that arrived before the building's last auto check-out time (the day is
    over). Each is audited like any decision (`visit.declined`, decided by "timeout"); how many."""
    undecided = Visit.objects.filter(
        Q(state=Visit.State.WAITING, approval_deadline__lt=now) | Q(state=Visit.State.HELD, created_at__lt=held_before)
    )
    ended = 0
    for visit in undecided.order_by("pk"):
        try:
            visit_decide(visit=visit, decision=Decision.DECLINE, actor=actor, decided_by=DECIDED_BY_TIMEOUT,
                         states=(Visit.State.WAITING, Visit.State.HELD))  # fmt: skip
        except VisitStateError:  # decided meanwhile
            continue
        ended += 1
    return ended


@transaction.atomic
def visit_hold(*, visit: Visit, actor: Actor) -> Visit:
    """expected -> held: an invited visitor whom the building's desk must see before they go in. The company's
    timeline says only that the desk held the visit."""
    visit = _locked(visit)
    if visit.state != Visit.State.EXPECTED:
        raise VisitStateError(_("Only an expected visit can be held."))
    visit.state = Visit.State.HELD
    _save(visit, actor, ["state"])
    _event(visit, VisitEvent.Kind.HELD, actor)
    return visit


PAST_ARRIVAL_MESSAGE = gettext_lazy("The arrival is on a day that is past: choose today or a later day.")
PAST_DEPARTURE_MESSAGE = gettext_lazy("The departure is already past: choose a later time.")


def visit_times_past(start: dt.datetime | None, end: dt.datetime | None) -> dict[str, str]:
    """Why times typed for a new or moved visit are in the past, by field: an arrival on a day before today (the
    company's time zone) or a departure already gone. Staff register visits ahead; the portal, the bulk import and
    the API refuse these with a field error, and no invitation leaves for them."""
    problems = {}
    if start is not None and timezone.localdate(start) < timezone.localdate():
        problems["expected_start"] = str(PAST_ARRIVAL_MESSAGE)
    if end is not None and end < timezone.now():
        problems["expected_end"] = str(PAST_DEPARTURE_MESSAGE)
    return problems


def _refuse_departure_before_arrival(start: dt.datetime, end: dt.datetime) -> None:
    if end < start:
        raise VisitStateError(_("The departure must be after the arrival."))


def _arrive(visit: Visit, actor: Actor, *, notice_version: str, rules_version: str) -> list[str]:
    """Mark the visit on site now, with the notice and rules accepted on arrival; the fields it changed."""
    visit.state = Visit.State.ON_SITE
    visit.checked_in_at = timezone.now()
    return ["state", "checked_in_at", *_consent(visit, actor, notice_version=notice_version,
                                                rules_version=rules_version, at=visit.checked_in_at)]  # fmt: skip


def _consent(
    visit: Visit, actor: Actor, *, notice_version: str, rules_version: str, at: dt.datetime | None = None
) -> list[str]:
    """Record the notice and rules accepted on arrival (`at`: the check-in's moment, one time for both); the fields
    it changed."""
    now = at or timezone.now()
    fields: list[str] = []
    if notice_version:
        visit.consent_notice_version, visit.consent_at, visit.consent_channel = notice_version, now, actor.channel
        fields += ["consent_notice_version", "consent_at", "consent_channel"]
    if rules_version:
        visit.rules_version = rules_version
        fields.append("rules_version")
    return fields


@transaction.atomic
def visit_check_out(*, visit: Visit, actor: Actor, automatic: bool = False) -> Visit:
    """on_site -> left. `automatic` marks the building's end-of-day check-out."""
    visit = _locked(visit)
    if visit.state == Visit.State.LEFT:
        raise VisitStateError(_("This visitor has already checked out."))
    if visit.state != Visit.State.ON_SITE:
        raise VisitStateError(_("This visitor never checked in, so cannot check out."))
    visit.state = Visit.State.LEFT
    visit.checked_out_at = timezone.now()
    visit.auto_checked_out = automatic
    _save(visit, actor, ["state", "checked_out_at", "auto_checked_out"])
    _event(visit, VisitEvent.Kind.AUTO_CHECKED_OUT if automatic else VisitEvent.Kind.CHECKED_OUT, actor)
    return visit


@transaction.atomic
def visit_cancel(*, visit: Visit, actor: Actor) -> Visit:
    """expected -> cancelled."""
    visit = cancel_one(_locked(visit), actor)
    visit_cancelled.send(sender=Visit, visit=visit)
    return visit


def cancel_one(visit: Visit, actor: Actor) -> Visit:
    """expected -> cancelled for a visit read under lock, without telling anyone (the caller does, once)."""
    if visit.state == Visit.State.CANCELLED:
        raise VisitStateError(_("This visit is already cancelled."))
    if visit.state != Visit.State.EXPECTED:
        raise VisitStateError(_("Only an expected visit can be cancelled."))
    visit.state = Visit.State.CANCELLED
    _save(visit, actor, ["state"])
    _event(visit, VisitEvent.Kind.CANCELLED, actor)
    return visit


@transaction.atomic
def visit_mark_no_show(*, visit: Visit, actor: Actor) -> Visit:
    """expected -> no_show, for a visitor who never came."""
    visit = _locked(visit)
    if visit.state != Visit.State.EXPECTED:
        raise VisitStateError(_("Only an expected visit can be marked as a no-show."))
    visit.state = Visit.State.NO_SHOW
    _save(visit, actor, ["state"])
    _event(visit, VisitEvent.Kind.NO_SHOW, actor)
    return visit


def _locked(visit: Visit, *, with_host: bool = False) -> Visit:
    """Re-read the visit under a row lock, so two check-ins at once cannot both succeed; with its host (not locked)
    when asked."""
    if with_host:  # and its visitor: a check-in reads their restriction, the arrival's messages their name
        return Visit.objects.select_for_update(of=("self",)).select_related("host", "visitor").get(pk=visit.pk)
    return Visit.objects.select_for_update().get(pk=visit.pk)


class CodeReason:
    """Why a visit's code was drawn again (the audit entry's `reason`)."""

    INVITATION = "invitation"  # the invitation e-mail (or its re-send), with QR and calendar file
    RESCHEDULE = "reschedule"  # the e-mail with the new date, which carries the code again
    BADGE = "badge"  # a badge printed at the desk
    PORTAL = "portal"  # company staff asked for the code on the visit's page


@transaction.atomic
def visit_code_reissue(*, visit: Visit, actor: str, reason: str) -> str:
    """A fresh code for the visit, returned in clear for the one message or page that shows it; the earlier code
    stops working at once (only the new digest is stored). Audited, never with the code.

    A day of a series shares its code with every day of the series: the new code replaces it on all of them,
    except a badge printed at the desk, which is that day's alone."""
    code = visit.code_issue()
    same_code = Visit.objects.filter(pk=visit.pk)
    if visit.series_id is not None and reason != CodeReason.BADGE:
        same_code = Visit.objects.filter(series_id=visit.series_id)
    same_code.update(code_digest=visit.code_digest)
    audit_record(
        actor=actor,
        action="visit.code_reissued",
        object_ids={"visit": [visit.pk]},
        details={"reason": reason},
    )
    return code


@transaction.atomic
def visit_note_add(*, visit: Visit, note: str, actor: Actor) -> VisitEvent:
    """Add a free-text note to a visit's timeline, in any state; the visit itself does not change."""
    note = note.strip()
    if not note:
        raise ValueError("A note needs some text; forms check this before calling.")
    return VisitEvent.objects.create(visit=visit, kind=VisitEvent.Kind.NOTE, actor=actor.label, note=note)


# --- Visitors, visit details and hosts (portal writes) -------------------------------


@dataclass(frozen=True)
class VisitorDetails:
    """What a company may know about a visitor: no field beyond what a visit needs."""

    first_name: str
    last_name: str
    email: str
    phone: str
    company_name: str
    language: str


def _apply_visitor_details(visitor: Visitor, details: VisitorDetails) -> None:
    visitor.first_name, visitor.last_name = details.first_name, details.last_name
    visitor.email, visitor.phone = email_normalise(details.email), details.phone
    visitor.company_name, visitor.language = details.company_name, details.language


class VisitorRefused(VisitStateError):
    """The person may not be registered now (objected, or restricted); the message is safe to show."""


class VisitorObjected(VisitorRefused):
    """The person objected: no channel registers them again."""


class ObjectionConfirmationNeeded(VisitorObjected):
    """Consent given again at the kiosk for an address that objected: it lifts nothing until the address's owner
    confirms through the link sent to it (tenant_apps/privacy/objection_confirm.py sends it)."""


class VisitorRestricted(VisitorRefused):
    """The person's processing is restricted (GDPR art. 18): kept, not used, until an admin lifts it."""


RESTRICTED_MESSAGE = gettext_lazy(
    "The processing of this person's data is restricted: they cannot be registered for a visit until a company "
    "admin lifts the restriction on the privacy pages."
)


RESTRICTED_CHECK_IN_MESSAGE = gettext_lazy(
    "The processing of this person's data is restricted: they can be checked in only at the reception desk, "
    "with their agreement."
)


def visitor_restricted(visitor_id: int) -> bool:
    """Whether this person's processing is restricted now (read fresh: a restriction holds at once)."""
    return Visitor.objects.filter(pk=visitor_id).exclude(restricted_at=None).exists()


def visitor_refuse_if_unusable(visitor: Visitor) -> None:
    """Refuse a new visit (or a message) for someone who objected or whose processing is restricted."""
    if visitor.restricted_at is not None:
        raise VisitorRestricted(str(RESTRICTED_MESSAGE))
    if visitor_objected(visitor.email):
        raise VisitorObjected(str(OBJECTED_MESSAGE))


def visitor_refusal_for_email(email: str) -> str:
    """Why no visit may be registered for this address now ("" when it may): the address objected, or its person's
    processing is restricted. For forms, so the refusal shows on the e-mail field before anything is stored."""
    if visitor_objected(email):
        return str(OBJECTED_MESSAGE)
    if visitors_with_email(email).exclude(restricted_at=None).exists():
        return str(RESTRICTED_MESSAGE)
    return ""


def _fill_blanks(visitor: Visitor, details: VisitorDetails) -> list[str]:
    """Complete a known person with what a channel typed, never overwriting what is stored: names a host typed are
    not replaced by a kiosk walk-in, nor a visitor's details by someone else's pre-registration. Corrections are
    explicit: the visit's edit form, the privacy pages, the API's PATCH."""
    changed = []
    for name in ("first_name", "last_name", "phone", "company_name"):
        typed = getattr(details, name).strip()
        if typed and not getattr(visitor, name).strip():
            setattr(visitor, name, typed)
            changed.append(name)
    if changed:
        visitor.full_clean()
        visitor.save(update_fields=changed)
    return changed


@dataclass(frozen=True)
class Found:
    visitor: Visitor
    created: bool


def visitor_find_or_create(*, details: VisitorDetails, consent_by: Actor | None = None, actor: str = "") -> Found:
    """The company's one person with this address, completed (never overwritten) with `details`; a new one
    otherwise. Every channel comes here: portal, bulk import, API, desk and kiosk.

    Refused (VisitorRefused) when the address objected or the person is restricted. `consent_by` says the person
    gave consent again themselves (at the kiosk): for an address that objected it lifts nothing by itself
    (ObjectionConfirmationNeeded: the owner of the address confirms by e-mail first). Two channels creating the
    same person at once make one: the second INSERT waits on the unique index, does nothing, and the first's is read.
    Without an e-mail address nobody can be recognised: a new person each time (an admin merges duplicates).
    When a channel's details complete a known person (the blanks it fills: a merge of what two channels typed,
    whether the person existed long before or was made a moment ago by another channel racing this one), it is
    audited as `subject.details_merged` with the fields filled (never their values), by `actor` (who acts: the
    channel's label).
    """
    email = email_normalise(details.email)
    if email and visitor_objected(email):
        if consent_by is not None:
            raise ObjectionConfirmationNeeded(str(OBJECTED_MESSAGE))
        raise VisitorObjected(str(OBJECTED_MESSAGE))
    if not email:
        return Found(_visitor_insert(details), created=True)
    created = _visitor_insert_unless_known(details)
    if created is not None:
        return Found(created, created=True)
    visitor = visitors_with_email(email).select_for_update().get()
    if visitor.restricted_at is not None:  # objection was checked above, for this very address
        raise VisitorRestricted(str(RESTRICTED_MESSAGE))
    filled = _fill_blanks(visitor, details)
    if filled:
        who = actor or (consent_by.label if consent_by is not None else "system:visits")
        audit_record(actor=who, action="subject.details_merged", object_ids={"visitor": [visitor.pk]},
                     details={"fields_filled": filled})  # fmt: skip
    return Found(visitor, created=False)


def _visitor_insert(details: VisitorDetails) -> Visitor:
    visitor = Visitor()
    _apply_visitor_details(visitor, details)
    visitor.full_clean()
    visitor.save(force_insert=True)
    return visitor


def _visitor_insert_unless_known(details: VisitorDetails) -> Visitor | None:
    """The new person with these details, or None when the company has one with this address already (another
    channel's, even one committed a moment ago): one `INSERT ... ON CONFLICT DO NOTHING` on the address index
    (`visitor_one_per_email`), so the busiest path, a new walk-in, takes one round trip and no savepoint."""
    visitor = Visitor()
    _apply_visitor_details(visitor, details)
    visitor.full_clean(validate_constraints=False)
    fields = [field for field in Visitor._meta.concrete_fields if not field.primary_key and field.column]
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    values = [field.get_db_prep_save(getattr(visitor, field.attname), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Visitor._meta.db_table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) "
            "ON CONFLICT ((lower(btrim(email)))) WHERE NOT (email = '') DO NOTHING RETURNING id",
            values,
        )
        row = cursor.fetchone()
    if row is None:
        return None
    visitor.pk = row[0]
    visitor._state.adding, visitor._state.db = False, connection.alias
    return visitor


@transaction.atomic
def visitor_create(*, details: VisitorDetails, actor: str = "") -> Visitor:
    """The person with these details for staff (portal, API): the existing one with this address if any (completed,
    not overwritten), else a new one. Someone who objected or is restricted is refused."""
    return visitor_find_or_create(details=details, actor=actor).visitor


@dataclass(frozen=True)
class WalkIn:
    """A visitor who came unannounced, as typed at the desk or the kiosk, and what was accepted on arrival."""

    visitor: VisitorDetails
    host: Host | None
    expected_end: dt.datetime
    notice_version: str = ""
    rules_version: str = ""


@transaction.atomic
def walk_in_register(*, walk_in: WalkIn, actor: Actor, hold: Hold | None = None) -> Visit:
    """Register a walk-in and check them in at once, all or nothing, in the current company; the desk and the
    kiosk both come here. The known person with this address is reused (completed, never overwritten). Someone who
    objected is refused: at the desk as everywhere staff register visitors; at the kiosk, where the visitor accepts
    the privacy notice themselves, too, until the owner of the address confirms by e-mail
    (ObjectionConfirmationNeeded). A restricted person is refused on every channel."""
    own_consent = actor.channel == Visit.Channel.KIOSK
    visitor = visitor_find_or_create(
        details=walk_in.visitor, consent_by=actor if own_consent else None, actor=actor.label
    ).visitor
    return visit_walk_in(
        visitor=visitor, host=walk_in.host, expected_end=walk_in.expected_end, actor=actor,
        notice_version=walk_in.notice_version, rules_version=walk_in.rules_version, hold=hold,
        _checked_usable=True,  # visitor_find_or_create refused an objected or restricted person a moment ago
    )  # fmt: skip


def visitor_details_of(visitor: Visitor, **changes: str) -> VisitorDetails:
    """A visitor's current details with `changes` applied, for a partial correction."""
    names = VisitorDetails.__dataclass_fields__
    return VisitorDetails(**{name: changes.get(name, getattr(visitor, name)) for name in names})


@transaction.atomic
def visitor_update(*, visitor: Visitor, details: VisitorDetails) -> Visitor:
    """Correct a visitor's details; they are the same person on every visit. Taking the address of another person
    of the company is refused (an admin merges the two on the privacy pages)."""
    if visitors_with_email(details.email).exclude(pk=visitor.pk).exists():
        raise VisitStateError(str(TAKEN_EMAIL_MESSAGE))
    _apply_visitor_details(visitor, details)
    visitor.full_clean()
    visitor.save()
    return visitor


@transaction.atomic
def visit_update_details(
    *, visit: Visit, visitor: VisitorDetails, host: Host | None, purpose: str, actor: Actor
) -> Visit:
    """Correct the visitor, the host and the purpose of a visit that has not ended; the timeline records it."""
    visit = _locked(visit)
    if visit.state not in (Visit.State.EXPECTED, Visit.State.ON_SITE):
        raise VisitStateError(_("This visit has ended and can no longer be changed."))
    visitor_update(visitor=visit.visitor, details=visitor)
    visit.host, visit.purpose = host, purpose
    _save(visit, actor, ["host", "purpose"])
    _event(visit, VisitEvent.Kind.UPDATED, actor)
    return visit


@dataclass(frozen=True)
class HostDetails:
    name: str
    email: str
    phone: str
    notify_by: str
    user: User | None


@transaction.atomic
def host_create(*, details: HostDetails) -> Host:
    """Add someone visitors can come to see; a staff account is linked to at most one host."""
    host = Host(
        name=details.name, email=details.email.strip().lower(), phone=details.phone,
        notify_by=details.notify_by, user=details.user,
    )  # fmt: skip
    host.full_clean()
    host.save()
    return host


@transaction.atomic
def host_update(*, host: Host, details: HostDetails) -> Host:
    """Change a host's contact details, how they are told, and the staff account linked to them."""
    host.name, host.email, host.phone = details.name, details.email.strip().lower(), details.phone
    host.notify_by, host.user = details.notify_by, details.user
    host.full_clean()
    host.save()
    return host


@transaction.atomic
def host_channel_set(*, host: Host, notify_by: str, phone: str) -> Host:
    """A host's own choice of how they hear of an arrival, and the phone number a text message goes to."""
    host.notify_by, host.phone = notify_by, phone
    host.full_clean()
    host.save(update_fields=["notify_by", "phone"])
    return host


@transaction.atomic
def host_set_active(*, host: Host, active: bool) -> Host:
    """Deactivate a host (kept for the history of past visits, offered for no new visit) or bring one back."""
    host.is_active = active
    host.save(update_fields=["is_active"])
    return host


@dataclass(frozen=True)
class SeriesPattern:
    """The days of a visit over several days as typed: the last day and the ISO weekdays ("12345"); the first day is
    the arrival's (tenant_apps/visits/series.py)."""

    last_day: dt.date
    weekdays: str


@dataclass(frozen=True)
class Registration:
    """One pre-registration as typed: the visitor's details and the visit's; `series` for one over several days."""

    visitor: VisitorDetails
    host: Host | None
    expected_start: dt.datetime
    expected_end: dt.datetime
    purpose: str
    series: SeriesPattern | None = None


@transaction.atomic
def visit_preregister(*, registration: Registration, actor: Actor) -> Visit:
    """Register a visit for the company's person with this e-mail address: the known one (completed with what was
    typed, never overwritten) or a new one."""
    visitor = visitor_find_or_create(details=registration.visitor, actor=actor.label).visitor
    return visit_register(
        visitor=visitor, host=registration.host, expected_start=registration.expected_start,
        expected_end=registration.expected_end, purpose=registration.purpose, actor=actor,
    )  # fmt: skip


@transaction.atomic
def visits_preregister_many(*, registrations: list[Registration], actor: Actor) -> list[Visit]:
    """Register every visit of a bulk import, or none: one failure rolls back the whole batch."""
    return [visit_preregister(registration=registration, actor=actor) for registration in registrations]


@transaction.atomic
def company_settings_update(
    *,
    show_hosts_on_kiosk: bool,
    require_two_factor: bool,
    reception_email: str = "",
    privacy_contact_name: str = "",
    privacy_contact_email: str = "",
    dpo_name: str = "",
    dpo_email: str = "",
    walk_in_approval: bool | None = None,
    approval_timeout_minutes: int | None = None,
    desk_may_decide: bool | None = None,
) -> CompanySettings:
    """Choose whether the kiosk lets walk-in visitors search for their host, where a walk-in who names no host is
    announced (empty: the building's desk), whether every account of the company must sign in with a second
    factor, whom visitors ask about their data (blank: the admins), and whether kiosk walk-ins wait for an approval
    (how long, and whether the building's desk may decide for the company)."""
    settings = CompanySettings.objects.select_for_update().get_or_create(pk=1)[0]
    settings.show_hosts_on_kiosk = show_hosts_on_kiosk
    settings.require_two_factor = require_two_factor
    settings.reception_email = reception_email.strip().lower()
    settings.privacy_contact_name = privacy_contact_name
    settings.privacy_contact_email = privacy_contact_email
    settings.dpo_name = dpo_name
    settings.dpo_email = dpo_email
    approval = {"walk_in_approval": walk_in_approval, "approval_timeout_minutes": approval_timeout_minutes,
                "desk_may_decide": desk_may_decide}  # fmt: skip
    for name, value in approval.items():
        if value is not None:  # None: unchanged
            setattr(settings, name, value)
    settings.save(
        update_fields=["show_hosts_on_kiosk", "require_two_factor", "reception_email", "privacy_contact_name",
                       "privacy_contact_email", "dpo_name", "dpo_email", *approval, "updated_at"]
    )  # fmt: skip
    return settings
