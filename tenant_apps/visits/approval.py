"""The approve and decline links of a kiosk walk-in that waits for approval.

A link is a signed `{"v": <visit id>, "d": <decision>, "to": <who was asked>}` (tenant_apps/visits/
signed_links.py: it works on that company's host only). It does something once, while the visit waits and
before its `approval_deadline`: a used link (the visit is decided), an expired one or an altered one (a bad
signature) does nothing and says so. The link only opens a page; the decision is the page's POST, so a mail
scanner that follows links decides nothing.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenant_apps.visits.models import Visit
from tenant_apps.visits.selectors import company_settings
from tenant_apps.visits.services import Actor, Decision, VisitStateError, visit_decide
from tenant_apps.visits.signed_links import link_payload, link_token, link_url

ASKED_HOST = "host"
ASKED_RECEPTION = "reception"


PURPOSE = "visit-approval"


def approval_token(visit: Visit, *, decision: Decision, asked: str) -> str:
    return link_token(PURPOSE, {"v": visit.pk, "d": str(decision), "to": asked})


def approval_url(visit: Visit, *, decision: Decision, asked: str) -> str:
    """The absolute link for an e-mail or the webhook, on the current company's host."""
    return link_url("approval:decide", approval_token(visit, decision=decision, asked=asked))


@dataclass(frozen=True)
class ApprovalLink:
    visit: Visit
    decision: Decision
    asked: str


def approval_link_open(token: str) -> ApprovalLink | None:
    """What a link asks, while it still can: None for an altered link, one of another company, a visit decided
    already (the link was used) or past its deadline."""
    data = link_payload(PURPOSE, token)
    if data is None:
        return None
    try:
        decision, visit_id, asked = Decision(data["d"]), int(data["v"]), str(data["to"])
    except (KeyError, TypeError, ValueError):
        return None
    visit = Visit.objects.select_related("visitor", "host").filter(pk=visit_id).first()
    if visit is None or not approval_open(visit):
        return None
    return ApprovalLink(visit=visit, decision=decision, asked=asked)


def approval_open(visit: Visit) -> bool:
    """Whether the visit still waits for a decision: waiting, before its deadline."""
    deadline = visit.approval_deadline
    return visit.state == Visit.State.WAITING and deadline is not None and timezone.now() <= deadline


def _asked_address(link: ApprovalLink) -> str:
    if link.asked == ASKED_HOST and link.visit.host is not None:
        return link.visit.host.email
    return company_settings().reception_email


@transaction.atomic
def approval_link_use(token: str) -> ApprovalLink | None:
    """Take the decision a link carries, once (the visit is re-read under a lock: two clicks decide once). The
    actor is the address the link was sent to; None when the link does nothing."""
    link = approval_link_open(token)
    if link is None:
        return None
    locked = Visit.objects.select_for_update().get(pk=link.visit.pk)
    if not approval_open(locked):
        return None
    actor = Actor(label=f"approval-link:{link.asked}:{_asked_address(link)}", channel=Visit.Channel.INVITATION)
    try:
        visit = visit_decide(
            visit=link.visit, decision=link.decision, actor=actor, decided_by=link.asked,
            states=(Visit.State.WAITING,),
        )  # fmt: skip
    except VisitStateError:
        return None
    return ApprovalLink(visit=visit, decision=link.decision, asked=link.asked)


# Who decided, in the audit log's `decided_by`, besides the link's "host" / "reception" and the desk's "desk".
DECIDED_BY_COMPANY = "company"  # a company user on the visit's portal page


@transaction.atomic
def approval_by_staff(*, visit: Visit, decision: Decision, actor: Actor) -> Visit:
    """A company user approves or declines a waiting walk-in from the portal, under the portal's rule (the caller
    checked that this user may change this visit) and the links' terms: while it waits, until its deadline.
    Audited with the user as actor. VisitStateError once decided or too late."""
    locked = Visit.objects.select_for_update().get(pk=visit.pk)
    if not approval_open(locked):
        raise VisitStateError(_("This visit is no longer waiting for a decision."))
    return visit_decide(visit=locked, decision=decision, actor=actor, decided_by=DECIDED_BY_COMPANY,
                        states=(Visit.State.WAITING,))  # fmt: skip
