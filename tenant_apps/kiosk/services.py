"""Writes of the kiosk: pairing devices, and checking visitors in and out.

Visits are written only through tenant_apps/visits/services.py, inside the
schema of the company visited, with the kiosk as the actor.
"""

import datetime as dt
import enum
import zoneinfo
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from shared_apps.operations.encryption import code_digest, code_digests
from shared_apps.tenancy.models import Building, Tenant
from tenant_apps.kiosk.block_list import Match, block_list_match, block_list_match_record, block_list_remembered
from tenant_apps.kiosk.models import Kiosk, PairingCode, state_nonce_new
from tenant_apps.kiosk.selectors import FoundVisit, visit_by_code
from tenant_apps.kiosk.throttle import code_subject, throttle_forgive, throttle_hit, throttle_hit_in_turn
from tenant_apps.kiosk.tokens import device_token_hash, device_token_new, pairing_code_new
from tenant_apps.privacy.services import objection_confirmation_send
from tenant_apps.visits.models import Visit
from tenant_apps.visits.selectors import host_active
from tenant_apps.visits.services import (
    Actor,
    Hold,
    ObjectionConfirmationNeeded,
    VisitorDetails,
    VisitStateError,
    WalkIn,
    approval_deadline,
    desk_actor,
    kiosk_actor,
    visit_check_in,
    visit_check_out,
    visit_hold,
    walk_in_register,
)

PAIRING_CODE_MINUTES = 10
# A device may get a code wrong this often per window; a code may be tried this often per window.
DEVICE_CODE_FAILURES = (10, 600)
CODE_ATTEMPTS = (5, 3600)
DEVICE_CHECK_INS = (30, 600)
PAIRING_ATTEMPTS = (10, 600)


def _kiosk_actor(kiosk: Kiosk, building: Building) -> Actor:
    return kiosk_actor(building=building, kiosk_id=kiosk.pk)


@transaction.atomic
def pairing_code_create(*, kiosk_name: str, user: User, building: Building) -> PairingCode:
    """A fresh one-time code, valid for a few minutes, that pairs one tablet named `kiosk_name`."""
    for _ in range(5):
        try:
            with transaction.atomic():
                code = pairing_code_new()
                pairing = PairingCode.objects.create(
                    code_digest=code_digest(code),
                    kiosk_name=kiosk_name.strip(),
                    created_by=user,
                    expires_at=timezone.now() + dt.timedelta(minutes=PAIRING_CODE_MINUTES),
                )
            break
        except IntegrityError:  # the same code is still pending: draw again
            continue
    else:
        raise RuntimeError("Could not draw a free pairing code; delete old codes and try again.")
    pairing.code = code  # shown once to the desk that asked; only the digest is stored
    audit_record(
        actor=desk_actor(building=building, user=user).label,
        action="kiosk.pairing_code",
        object_ids={"pairing_code": [pairing.pk]},
    )
    return pairing


class PairingRefused(Exception):
    """A wrong, used or expired pairing code, or too many attempts."""


def kiosk_pair(*, code: str, client: str, building: Building) -> tuple[Kiosk, str]:
    """Turn a valid, unused, unexpired pairing code into a kiosk; return it with its token (never stored)."""
    # Counted before, and outside, the transaction: a wrong code rolls that back, never the count.
    if throttle_hit(scope="pair", subject=client, limit=PAIRING_ATTEMPTS[0], window=PAIRING_ATTEMPTS[1]):
        raise PairingRefused("throttled")
    return _kiosk_pair(code=code, building=building)


@transaction.atomic
def _kiosk_pair(*, code: str, building: Building) -> tuple[Kiosk, str]:
    pairing = (
        PairingCode.objects.select_for_update()
        .filter(code_digest__in=code_digests(code), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if pairing is None:
        raise PairingRefused("invalid")
    token = device_token_new()
    kiosk = Kiosk.objects.create(
        name=pairing.kiosk_name, token_hash=device_token_hash(token), paired_by=pairing.created_by
    )
    pairing.used_at, pairing.kiosk = timezone.now(), kiosk
    pairing.save(update_fields=["used_at", "kiosk"])
    audit_record(
        actor=_kiosk_actor(kiosk, building).label,
        action="kiosk.pair",
        object_ids={"kiosk": [kiosk.pk], "pairing_code": [pairing.pk]},
    )
    return kiosk, token


def kiosk_state_restart(*, kiosk_id: int) -> str:
    """A new nonce for the kiosk's state cookie: every earlier cookie of the device stops showing anything.

    A queryset update, not a save: the device stays remembered (its nonce is never read from that memory).
    """
    nonce = state_nonce_new()
    Kiosk.objects.filter(pk=kiosk_id).update(state_nonce=nonce)
    return nonce


@transaction.atomic
def kiosk_revoke(*, kiosk: Kiosk, user: User, building: Building) -> Kiosk:
    """Revoke a kiosk: its token stops working on its next request, on every web process (brief_memory.py)."""
    if kiosk.revoked_at is None:
        kiosk.revoked_at = timezone.now()
        kiosk.save(update_fields=["revoked_at"])
        actor = desk_actor(building=building, user=user).label
        audit_record(actor=actor, action="kiosk.revoke", object_ids={"kiosk": [kiosk.pk]})
    return kiosk


class CodeProblem(enum.Enum):
    UNKNOWN = "unknown"  # also: a code of another building, a cancelled visit
    EXPIRED = "expired"  # not valid today
    USED = "used"
    THROTTLED = "throttled"
    SEE_DESK = "see_desk"  # the person's processing is restricted: only the desk may check them in, with consent


@dataclass(frozen=True)
class CodeLookup:
    found: FoundVisit | None = None
    problem: CodeProblem | None = None


def _building_today(building: Building, when: dt.datetime) -> dt.date:
    return timezone.localtime(when, zoneinfo.ZoneInfo(building.timezone)).date()


def _code_lookup(*, kiosk: Kiosk, building: Building, code: str) -> CodeLookup | FoundVisit:
    device = str(kiosk.pk)
    # Every code counts as the device's failure until it is found (counted before it is checked: codes typed at
    # once on many web processes cannot all slip under the limit), and counts for the code itself.
    # Both counts in one round trip; the code is not counted once the device is past its limit.
    limit, window = DEVICE_CODE_FAILURES
    device_past, code_past = throttle_hit_in_turn(
        scope="code-fail", subject=device, limit=limit, window=window,
        then_scope="code", then_subject=code_subject(code), then_limit=CODE_ATTEMPTS[0], then_window=CODE_ATTEMPTS[1],
    )  # fmt: skip
    if device_past:
        return CodeLookup(problem=CodeProblem.THROTTLED)
    if code_past:
        throttle_forgive(scope="code-fail", subject=device, window=window)  # refused unread: not the device's failure
        return CodeLookup(problem=CodeProblem.THROTTLED)
    found = visit_by_code(building=building, code=code)
    if found is None or found.visit.state in (Visit.State.CANCELLED, Visit.State.NO_SHOW):
        return CodeLookup(problem=CodeProblem.UNKNOWN)
    throttle_forgive(scope="code-fail", subject=device, window=window)
    return found


def invitation_find(*, kiosk: Kiosk, building: Building, code: str) -> CodeLookup:
    """An expected visit of this building for today with this code; else why not (same for other buildings)."""
    result = _code_lookup(kiosk=kiosk, building=building, code=code)
    if isinstance(result, CodeLookup):
        return result
    visit = result.visit
    if visit.state != Visit.State.EXPECTED:
        return CodeLookup(problem=CodeProblem.USED)
    if _building_today(building, visit.expected_start) != _building_today(building, timezone.now()):
        return CodeLookup(problem=CodeProblem.EXPIRED)
    if visit.visitor.restricted_at is not None:  # kept, not used: the kiosk says only "see the desk"
        return CodeLookup(problem=CodeProblem.SEE_DESK)
    return CodeLookup(found=result)


class _MayBeBlocked(Exception):
    """The visitor may be on the building's block list: the check-in stops before writing anything."""


def invitation_check_in(
    *, kiosk: Kiosk, building: Building, company: Tenant, visit_id: int, notice_version: str, rules_version: str
) -> Visit:
    """Check in an invited visitor found by code, recording the notice and rules they accepted. A person whose
    processing is restricted is refused (VisitorRestricted, even when restricted since the code was typed): the
    kiosk cannot confirm their agreement, the desk can (tenant_apps/desk/services.py). Someone on the building's
    block list is held for the desk instead (`Visit.State.HELD`, the desk alerted)."""

    def expected_today(visit: Visit) -> None:
        if _building_today(building, visit.expected_start) != _building_today(building, timezone.now()):
            raise VisitStateError("expired")

    actor = _kiosk_actor(kiosk, building)
    index = block_list_remembered()
    if index is not None:  # nearly every visitor: checked in on the one locked read of the visit with its visitor

        def not_blocked_and_today(visit: Visit) -> None:
            visitor = visit.visitor
            if index.may_match(first_name=visitor.first_name, last_name=visitor.last_name, email=visitor.email):
                raise _MayBeBlocked  # nothing written yet: rolled back, and matched against the table below
            expected_today(visit)

        try:
            with tenant_context(company):
                return visit_check_in(
                    visit=Visit(pk=visit_id),
                    actor=actor,
                    notice_version=notice_version,
                    rules_version=rules_version,
                    check=not_blocked_and_today,
                )
        except _MayBeBlocked:
            pass
    with tenant_context(company):
        visitor = Visit.objects.select_related("visitor").get(pk=visit_id).visitor
    match = block_list_match(first_name=visitor.first_name, last_name=visitor.last_name, email=visitor.email)
    if match is None:
        with tenant_context(company):
            return visit_check_in(
                visit=Visit(pk=visit_id),
                actor=actor,
                notice_version=notice_version,
                rules_version=rules_version,
                check=expected_today,
            )
    with transaction.atomic():  # the held visit and the desk's alert, both or neither
        with tenant_context(company):
            held = visit_hold(visit=Visit(pk=visit_id), actor=actor)
        block_list_match_record(match=match, company_id=company.pk, visit_id=held.pk, actor=actor.label)
    return held


def walk_in_allowed(*, kiosk: Kiosk) -> bool:
    """Counts one walk-in for the device; False past the per-device limit."""
    return not throttle_hit(
        scope="walk-in", subject=str(kiosk.pk), limit=DEVICE_CHECK_INS[0], window=DEVICE_CHECK_INS[1]
    )


def walk_in_check_in(
    *,
    kiosk: Kiosk,
    building: Building,
    company: Tenant,
    host_id: int | None,
    visitor: VisitorDetails,
    notice_version: str,
    rules_version: str,
) -> Visit:
    """Register and check in a walk-in in the visited company's schema, all or nothing, with the accepted versions,
    staying until the building's end-of-day check-out (an hour at least). The visitor accepted the notice here
    themselves, but for an address that objected that lifts nothing by itself: the confirmation link is e-mailed
    to the address, and ObjectionConfirmationNeeded raised (tenant_apps/visits/objections.py). A restricted person
    is refused (VisitorRestricted). When the company (or the building, for all) approves walk-ins, the visit waits
    for that approval (`Visit.State.WAITING`) instead of being on site; someone on the building's block list is held
    for the desk (`Visit.State.HELD`, the desk alerted in the reception schema, in the same transaction)."""
    now = timezone.now()
    match = block_list_match(first_name=visitor.first_name, last_name=visitor.last_name, email=visitor.email)
    register = partial(
        _walk_in_register, kiosk=kiosk, building=building, company=company, host_id=host_id, visitor=visitor,
        notice_version=notice_version, rules_version=rules_version, now=now, match=match,
    )  # fmt: skip
    try:
        if match is None:  # the busiest path: the walk-in's own transaction, no savepoint around it
            return register()
        with transaction.atomic():  # the held visit and the desk's alert, both or neither
            visit = register()
            block_list_match_record(match=match, company_id=company.pk, visit_id=visit.pk,
                                    actor=_kiosk_actor(kiosk, building).label)  # fmt: skip
    except ObjectionConfirmationNeeded:
        with tenant_context(company):  # after the rollback: the confirmation link goes out all the same
            objection_confirmation_send(email=visitor.email, language=visitor.language)
        raise
    return visit


def _walk_in_register(
    *, kiosk: Kiosk, building: Building, company: Tenant, host_id: int | None, visitor: VisitorDetails,
    notice_version: str, rules_version: str, now: dt.datetime, match: Match | None,
) -> Visit:  # fmt: skip
    with tenant_context(company):
        walk_in = WalkIn(
            visitor=visitor,
            host=host_active(host_id),  # deactivated since the kiosk offered them: the visit goes on without
            expected_end=max(now + dt.timedelta(hours=1), _cutoff_today(building, now)),
            notice_version=notice_version,
            rules_version=rules_version,
        )
        if match is not None:  # the desk sees them first, whatever the company's approval
            hold: Hold | None = Hold()
        else:
            deadline = approval_deadline(required_by_building=building.walk_in_approval_required)
            hold = Hold(approval_deadline=deadline) if deadline else None
        return walk_in_register(walk_in=walk_in, actor=_kiosk_actor(kiosk, building), hold=hold)


def _cutoff_today(building: Building, now: dt.datetime) -> dt.datetime:
    zone = zoneinfo.ZoneInfo(building.timezone)
    local = timezone.localtime(now, zone)
    return dt.datetime.combine(local.date(), building.auto_checkout_time, tzinfo=zone)


def code_check_out(*, kiosk: Kiosk, building: Building, code: str) -> CodeLookup:
    """Check out the on-site visit with this code (badge or invitation); otherwise why not."""
    result = _code_lookup(kiosk=kiosk, building=building, code=code)
    if isinstance(result, CodeLookup):
        return result
    if result.visit.state == Visit.State.LEFT:
        return CodeLookup(problem=CodeProblem.USED)
    if result.visit.state != Visit.State.ON_SITE:
        return CodeLookup(problem=CodeProblem.UNKNOWN)
    with tenant_context(result.company):
        try:
            visit = visit_check_out(visit=result.visit, actor=_kiosk_actor(kiosk, building))
        except VisitStateError:
            return CodeLookup(problem=CodeProblem.USED)
    return CodeLookup(found=FoundVisit(company=result.company, visit=visit))
