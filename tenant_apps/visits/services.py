"""Writes on visits. One function per state transition; each refuses an illegal one.

Every service runs in the schema of the company that owns the visit: the
portal and API run there already, the desk and the kiosk enter it with
`tenant_context(company)` before calling. `actor` says who acted, for the
visit's timeline and the audit log.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.accounts.models import User
from tenant_apps.notifications.services import (
    delivery_queue_arrival,
    delivery_queue_cancellation,
    delivery_queue_invitation,
)
from tenant_apps.notifications.triggers import in_this_schema
from tenant_apps.visits.models import Host, Visit, VisitEvent, Visitor


class VisitStateError(Exception):
    """An illegal transition; the message is translated and safe to show to the user."""


@dataclass(frozen=True)
class Actor:
    """Who acts: a company user (stored on the visit), or the desk or a kiosk (described only)."""

    label: str  # "admin@acme.example", "desk:tower:dries@...", "kiosk:tower:3"
    channel: str  # a Visit.Channel value
    user: User | None = None


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
) -> Visit:
    """Pre-register a visit: it starts `expected`, with a fresh single-visit code."""
    if expected_end < expected_start:
        raise VisitStateError(_("The departure must be after the arrival."))
    visit = Visit.objects.create(
        visitor=visitor,
        host=host,
        expected_start=expected_start,
        expected_end=expected_end,
        purpose=purpose,
        channel=actor.channel,
        created_by=actor.user,
        updated_by=actor.user,
    )
    _event(visit, VisitEvent.Kind.REGISTERED, actor)
    transaction.on_commit(in_this_schema(delivery_queue_invitation, visit_id=visit.pk), robust=True)
    return visit


@transaction.atomic
def visit_reschedule(*, visit: Visit, expected_start: dt.datetime, expected_end: dt.datetime, actor: Actor) -> Visit:
    """Move a visit that has not started yet."""
    visit = _locked(visit)
    if visit.state != Visit.State.EXPECTED:
        raise VisitStateError(_("Only an expected visit can be rescheduled."))
    if expected_end < expected_start:
        raise VisitStateError(_("The departure must be after the arrival."))
    visit.expected_start, visit.expected_end = expected_start, expected_end
    _save(visit, actor, ["expected_start", "expected_end"])
    _event(visit, VisitEvent.Kind.RESCHEDULED, actor)
    return visit


@transaction.atomic
def visit_check_in(*, visit: Visit, actor: Actor, notice_version: str = "", rules_version: str = "") -> Visit:
    """expected -> on_site, recording the privacy-notice acceptance that came with it."""
    visit = _locked(visit)
    if visit.state == Visit.State.ON_SITE:
        raise VisitStateError(_("This visitor is already checked in."))
    if visit.state == Visit.State.CANCELLED:
        raise VisitStateError(_("This visit was cancelled and cannot be checked in."))
    if visit.state != Visit.State.EXPECTED:
        raise VisitStateError(_("This visit has ended and cannot be checked in again."))
    now = timezone.now()
    visit.state = Visit.State.ON_SITE
    visit.checked_in_at = now
    fields = ["state", "checked_in_at"]
    if notice_version:
        visit.consent_notice_version, visit.consent_at, visit.consent_channel = notice_version, now, actor.channel
        fields += ["consent_notice_version", "consent_at", "consent_channel"]
    if rules_version:
        visit.rules_version = rules_version
        fields.append("rules_version")
    _save(visit, actor, fields)
    _event(visit, VisitEvent.Kind.CHECKED_IN, actor)
    transaction.on_commit(in_this_schema(delivery_queue_arrival, visit_id=visit.pk), robust=True)
    return visit


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
    visit = _locked(visit)
    if visit.state == Visit.State.CANCELLED:
        raise VisitStateError(_("This visit is already cancelled."))
    if visit.state != Visit.State.EXPECTED:
        raise VisitStateError(_("Only an expected visit can be cancelled."))
    visit.state = Visit.State.CANCELLED
    _save(visit, actor, ["state"])
    _event(visit, VisitEvent.Kind.CANCELLED, actor)
    transaction.on_commit(in_this_schema(delivery_queue_cancellation, visit_id=visit.pk), robust=True)
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


def _locked(visit: Visit) -> Visit:
    """Re-read the visit under a row lock, so two check-ins at once cannot both succeed."""
    return Visit.objects.select_for_update().get(pk=visit.pk)


@transaction.atomic
def visit_note_add(*, visit: Visit, note: str, actor: Actor) -> VisitEvent:
    """Add a free-text note to a visit's timeline, in any state; the visit itself does not change."""
    note = note.strip()
    if not note:
        raise ValueError("A note needs some text; forms check this before calling.")
    return VisitEvent.objects.create(visit=visit, kind=VisitEvent.Kind.NOTE, actor=actor.label, note=note)
