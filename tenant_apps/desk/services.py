"""The desk's writes. Each enters the visit's company schema and calls that company's own
visit services, so the rules and the timeline are the portal's; each is audited with the
desk user who acted (ids only, never a visitor's name).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from shared_apps.tenancy.models import Building, Tenant
from tenant_apps.desk.selectors import privacy_notice_for
from tenant_apps.kiosk.block_list import block_list_decision_record, block_list_match, block_list_match_record
from tenant_apps.parcels.models import Parcel
from tenant_apps.parcels.services import ParcelDetails, parcel_pick_up, parcel_record
from tenant_apps.visits.models import Visit
from tenant_apps.visits.selectors import company_settings, host_active
from tenant_apps.visits.services import (
    Actor,
    CodeReason,
    Decision,
    Hold,
    VisitorDetails,
    VisitStateError,
    WalkIn,
    desk_actor,
    visit_cancel,
    visit_check_in,
    visit_check_out,
    visit_code_reissue,
    visit_decide,
    visit_hold,
    visit_note_add,
    visitor_restricted,
    walk_in_register,
)


def _building(reception: Tenant) -> Building:
    if reception.building is None:
        raise ValueError("A desk action needs the reception schema of a building.")
    return reception.building


def _actor(reception: Tenant, user: User) -> Actor:
    """Who acts at the desk, as written on the visit's timeline: `desk:<building>:<email>`."""
    return desk_actor(building=_building(reception), user=user)


def _audit(
    *,
    action: str,
    reception: Tenant,
    user: User,
    schema: str,
    request: HttpRequest | None,
    object_ids: dict[str, list[int | str]],
    details: dict[str, object] | None = None,
) -> None:
    audit_record(
        actor=_actor(reception, user).label,
        action=action,
        tenant_schema=schema,
        request=request,
        object_ids=object_ids,
        details=details,
    )


def _visit_audit(
    action: str, *, reception: Tenant, company: Tenant, visit: Visit, user: User, request: HttpRequest | None
) -> None:
    _audit(
        action=action,
        reception=reception,
        user=user,
        schema=company.schema_name,
        request=request,
        object_ids={"tenant": [company.pk], "visit": [visit.pk]},
    )


def _notice_version(*, reception: Tenant, language: str, accepted: bool) -> str:
    notice = privacy_notice_for(building=_building(reception), language=language)
    if notice is None:
        return ""
    if not accepted:
        raise ValidationError({"notice_accepted": _("The visitor must accept the privacy notice first.")})
    return notice.version


@transaction.atomic
def desk_visit_check_in(
    *,
    reception: Tenant,
    company: Tenant,
    visit: Visit,
    user: User,
    notice_accepted: bool,
    restriction_confirmed: bool = False,
    request: HttpRequest | None = None,
) -> Visit:
    """Check a visitor in at the desk; when the building has a privacy notice, the visitor must have accepted it,
    and its latest version in their language (English otherwise) is recorded on the visit. Someone on the building's
    block list is held instead (`Visit.State.HELD`, an alert recorded): the desk decides on the visit's page.

    A person whose processing is restricted (GDPR art. 18) is checked in only when the desk confirms that they are
    here and agree (art. 18(2): processing with the person's consent); refused otherwise with a field error. Such a
    check-in is audited as `desk.visit.check_in_restricted`, and, the person being restricted, nobody is told by
    message (the desk calls the host)."""
    version = _notice_version(reception=reception, language=visit.visitor.language, accepted=notice_accepted)
    actor = _actor(reception, user)
    match = block_list_match(first_name=visit.visitor.first_name, last_name=visit.visitor.last_name,
                             email=visit.visitor.email)  # fmt: skip
    with tenant_context(company):
        restricted = visitor_restricted(visit.visitor_id)
        if restricted and not restriction_confirmed:
            raise ValidationError({"restriction_confirmed": _(
                "This person's data is restricted: check them in only if they are here and agree, and tick the box."
            )})  # fmt: skip
        if match is not None:  # on the building's block list: held, the desk decides on its decision page
            visit = visit_hold(visit=visit, actor=actor)
        else:
            visit = visit_check_in(visit=visit, actor=actor, notice_version=version, restriction_consent=restricted)
    if match is not None:
        block_list_match_record(match=match, company_id=company.pk, visit_id=visit.pk, actor=actor.label)
        return visit
    action = "desk.visit.check_in_restricted" if restricted else "desk.visit.check_in"
    _visit_audit(action, reception=reception, company=company, visit=visit, user=user, request=request)
    return visit


@transaction.atomic
def desk_visit_check_out(
    *, reception: Tenant, company: Tenant, visit: Visit, user: User, request: HttpRequest | None = None
) -> Visit:
    """Check a visitor out at the desk (on site -> left)."""
    with tenant_context(company):
        visit = visit_check_out(visit=visit, actor=_actor(reception, user))
    _visit_audit("desk.visit.check_out", reception=reception, company=company, visit=visit, user=user, request=request)
    return visit


@transaction.atomic
def desk_visit_cancel(
    *, reception: Tenant, company: Tenant, visit: Visit, user: User, request: HttpRequest | None = None
) -> Visit:
    """Cancel an expected visit from the desk."""
    with tenant_context(company):
        visit = visit_cancel(visit=visit, actor=_actor(reception, user))
    _visit_audit("desk.visit.cancel", reception=reception, company=company, visit=visit, user=user, request=request)
    return visit


@transaction.atomic
def desk_visit_note_add(
    *, reception: Tenant, company: Tenant, visit: Visit, user: User, note: str, request: HttpRequest | None = None
) -> None:
    """Add a desk note to the visit's timeline, in the company's schema; the audit log records only that it happened."""
    with tenant_context(company):
        visit_note_add(visit=visit, note=note, actor=_actor(reception, user))
    _visit_audit("desk.visit.note", reception=reception, company=company, visit=visit, user=user, request=request)


@transaction.atomic
def desk_badge_print(
    *, reception: Tenant, company: Tenant, visit: Visit, user: User, request: HttpRequest | None = None
) -> str:
    """A badge (re)printed at the desk: the server keeps only the digest of the visit's code, so the badge gets a
    fresh code, returned in clear for that page, and the visitor's earlier code (invitation or older badge) stops
    working. Both the print and the new code are audited."""
    with tenant_context(company):
        code = visit_code_reissue(visit=visit, actor=_actor(reception, user).label, reason=CodeReason.BADGE)
    _visit_audit("desk.badge.print", reception=reception, company=company, visit=visit, user=user, request=request)
    return code


def desk_evacuation_viewed(
    *, reception: Tenant, user: User, count: int, as_csv: bool, request: HttpRequest | None = None
) -> None:
    """Record that the desk opened or downloaded the evacuation list, and how many people were on it."""
    _audit(
        action="desk.evacuation.csv" if as_csv else "desk.evacuation.view",
        reception=reception,
        user=user,
        schema=reception.schema_name,
        request=request,
        object_ids={},
        details={"on_site": count},
    )


@transaction.atomic
def desk_walk_in_register(
    *,
    reception: Tenant,
    company: Tenant,
    user: User,
    visitor: VisitorDetails,
    host_id: int | None,
    expected_end: dt.datetime,
    notice_accepted: bool,
    request: HttpRequest | None = None,
) -> Visit:
    """Register a visitor who walked in for a company of the building and check them in at once, through that
    company's walk-in service (tenant_apps/visits/services.py), with the privacy notice accepted at the desk.
    Refuses with VisitStateError someone who objected (staff may not register them again). Someone on the building's
    block list is registered held (`Visit.State.HELD`, an alert recorded) for the desk to decide."""
    version = _notice_version(reception=reception, language=visitor.language, accepted=notice_accepted)
    if expected_end <= timezone.now():
        raise ValidationError({"expected_end": _("The expected departure must be later than now.")})
    actor = _actor(reception, user)
    match = block_list_match(first_name=visitor.first_name, last_name=visitor.last_name, email=visitor.email)
    with tenant_context(company):
        host = host_active(host_id)
        if host_id is not None and host is None:
            raise ValidationError({"host": _("Choose a host of the company the visitor came to see.")})
        walk_in = WalkIn(visitor=visitor, host=host, expected_end=expected_end, notice_version=version)
        visit = walk_in_register(walk_in=walk_in, actor=actor, hold=Hold() if match is not None else None)
    if match is not None:
        block_list_match_record(match=match, company_id=company.pk, visit_id=visit.pk, actor=actor.label)
    _visit_audit("desk.walk_in", reception=reception, company=company, visit=visit, user=user, request=request)
    return visit


def desk_decisions_allowed(*, company: Tenant) -> tuple[str, ...]:
    """The states of `company`'s visits the desk may approve or decline: a visit held for the desk always; a walk-in
    waiting for the company's approval only when the company lets the desk decide for it."""
    with tenant_context(company):
        desk_may_decide = company_settings().desk_may_decide
    return (Visit.State.HELD, Visit.State.WAITING) if desk_may_decide else (Visit.State.HELD,)


@transaction.atomic
def desk_visit_decide(
    *,
    reception: Tenant,
    company: Tenant,
    visit: Visit,
    user: User,
    decision: Decision,
    request: HttpRequest | None = None,
) -> Visit:
    """Approve (on site now) or decline a visit held for the desk, or a walk-in waiting for approval when its company
    lets the desk decide; audited with the desk user who decided, here and on the company's timeline."""
    allowed = desk_decisions_allowed(company=company)
    if visit.state == Visit.State.WAITING and Visit.State.WAITING not in allowed:
        raise VisitStateError(_("This company approves its walk-ins itself: the desk cannot decide for it."))
    actor = _actor(reception, user)
    with tenant_context(company):
        visit = visit_decide(visit=visit, decision=decision, actor=actor, decided_by="desk", states=allowed)
    block_list_decision_record(company_id=company.pk, visit_id=visit.pk, decision=str(decision), actor=actor.label)
    _visit_audit(f"desk.visit.{decision}d", reception=reception, company=company, visit=visit, user=user,
                 request=request)  # fmt: skip
    return visit


@transaction.atomic
def desk_parcel_record(
    *, reception: Tenant, company: Tenant, user: User, details: ParcelDetails, request: HttpRequest | None = None
) -> Parcel:
    """Record a delivery for a host of a company of the building, through that company's parcel service (which tells
    the host by e-mail through the company's outbox); audited with the desk user (ids only)."""
    with tenant_context(company):
        parcel = parcel_record(details=details, actor_label=_actor(reception, user).label)
    _audit(action="desk.parcel.record", reception=reception, user=user, schema=company.schema_name, request=request,
           object_ids={"tenant": [company.pk], "parcel": [parcel.pk]})  # fmt: skip
    return parcel


@transaction.atomic
def desk_parcel_pick_up(
    *,
    reception: Tenant,
    company: Tenant,
    parcel: Parcel,
    user: User,
    collected_by: str,
    request: HttpRequest | None = None,
) -> Parcel:
    """Record who collected a waiting parcel, in its company's schema; ParcelStateError when it was collected
    already. Audited with the desk user (ids only: the collector's name stays with the company)."""
    actor = _actor(reception, user)
    with tenant_context(company):
        parcel = parcel_pick_up(parcel_id=parcel.pk, collected_by=collected_by, actor_label=actor.label)
    _audit(action="desk.parcel.pick_up", reception=reception, user=user, schema=company.schema_name, request=request,
           object_ids={"tenant": [company.pk], "parcel": [parcel.pk]})  # fmt: skip
    return parcel
