"""Writes of the notifications app: queue a delivery, record its outcome, and the company's webhook settings.

Every function runs in the schema of the company whose visit it concerns.
Queuing creates a `pending` Delivery in the caller's transaction (the visit
services call it inside theirs) and wakes a drain on commit (drain.py), which
sends it through `sending.delivery_attempt` (exactly once; the `deliver` task
retries it with back-off, `failed` after its last try).
"""

import datetime as dt
import enum
import logging
import smtplib
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shared_apps.audit.services import audit_record
from shared_apps.database.connection import tenant_connection
from shared_apps.operations.broker import publish
from shared_apps.tenancy.models import Building
from tenant_apps.notifications.after_commit import in_this_schema
from tenant_apps.notifications.models import Delivery, WebhookAttempt
from tenant_apps.notifications.webhooks import WebhookResult, webhook_post, webhook_secret_new
from tenant_apps.parcels.models import Parcel
from tenant_apps.visits.models import CompanySettings, Host, ObjectionLiftRequest, Visit, Visitor
from tenant_apps.visits.selectors import company_settings, company_settings_remembered

logger = logging.getLogger(__name__)

INVITED_CHANNELS = (Visit.Channel.INVITATION, Visit.Channel.API)
ARRIVAL_EVENT = "visit.checked_in"
APPROVAL_EVENT = "visit.approval_requested"
TEST_EVENT = "ping"


class DeliveryError(Exception):
    """A send that did not go through; the message is safe to store (no address, no name)."""


def _queue(visit: Visit | None, kind: str, **about: Any) -> Delivery:
    """Write the delivery in the caller's transaction, so it is stored with the visit's change or not at all
    (a transactional outbox: no database failure after the commit can lose it), and hand it to the broker
    once that transaction commits. `about`: what a message not about a visit concerns (its Delivery fields)."""
    from tenant_apps.notifications.drain import deliveries_wake  # it imports this module

    # Stamped as handed over: the commit wakes a drain for it (the note failing clears the stamp).
    delivery = Delivery.objects.create(visit=visit, kind=kind, enqueued_at=timezone.now(), **about)
    transaction.on_commit(in_this_schema(deliveries_wake, delivery=delivery), robust=True)
    return delivery


def delivery_queue_consent_confirmation(*, lift_request: ObjectionLiftRequest) -> Delivery:
    """E-mail the owner of an address that objected the link confirming their renewed consent, through the outbox
    (retried like every message); written by privacy when the delivery is sent (`message_builder_register`)."""
    return _queue(None, Delivery.Kind.CONSENT_CONFIRMATION, objection_lift=lift_request)


def delivery_queue_person_link(*, visitor: Visitor) -> Delivery:
    """E-mail a person their own privacy link, through the outbox; written by privacy when it is sent."""
    return _queue(None, Delivery.Kind.PERSON_LINK, visitor=visitor)


def delivery_queue_parcel(*, parcel: Parcel) -> Delivery | None:
    """Tell the recipient of a parcel the desk just recorded, by e-mail through the outbox, when they have an address
    and are active (a parcel is not a visit: it goes by e-mail whatever channel they chose for arrivals)."""
    host = parcel.host
    if not (host.is_active and host.email):
        return None
    return _queue(None, Delivery.Kind.PARCEL_EMAIL, parcel=parcel)


def delivery_queue_subject_message(*, kind: str) -> Delivery:
    """A privacy e-mail about a data-subject request (an admin's notice, a deadline extension, an outcome), through
    the outbox; privacy keeps what it is about (keyed by this delivery) and writes it when it is sent."""
    assert kind in (Delivery.Kind.SUBJECT_NOTICE, Delivery.Kind.SUBJECT_EXTENSION, Delivery.Kind.SUBJECT_OUTCOME)
    return _queue(None, kind)


def delivery_enqueue(*, delivery: Delivery) -> bool:
    """Hand the delivery to the broker, waiting on it a second at most (operations/broker.py). When it cannot
    take it, the row stays pending without `enqueued_at`, and the outbox sweep hands it over later."""
    from tenant_apps.notifications.tasks import deliver  # the task module imports this one

    if not publish(deliver, delivery.pk):
        logger.warning("broker unavailable: delivery %s waits in the outbox", delivery.pk)
        return False
    Delivery.objects.filter(pk=delivery.pk).update(enqueued_at=timezone.now())
    return True


def outbox_sweep(*, older_than: dt.timedelta = dt.timedelta(seconds=30)) -> int:
    """Hand the broker again what is not on its way (current schema); how many went.

    That is: pending deliveries it never took (older than `older_than`), those it took (or whose retry was
    due) longer ago than CHECKIN_DELIVERY_TIMEOUT_SECONDS and still not sent (the message was lost with a
    worker, or its retry could not be queued), and claims left `sending` that long by a worker that died.
    A delivery handed over twice is still sent once: the try that does not get the claim sends nothing.
    """
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.CHECKIN_DELIVERY_TIMEOUT_SECONDS)
    not_on_its_way = Q(enqueued_at=None) | Q(enqueued_at__lt=stale)
    waiting = Delivery.objects.filter(
        Q(status=Delivery.Status.PENDING, enqueued_at=None, created_at__lt=now - older_than)
        | Q(status=Delivery.Status.PENDING, enqueued_at__lt=stale)
        | (Q(status=Delivery.Status.SENDING, claimed_at__lt=stale) & not_on_its_way)
    ).order_by("created_at")[:500]
    return sum(delivery_enqueue(delivery=delivery) for delivery in waiting)


def _visit(visit_id: int) -> Visit | None:
    """The visit to write a message about; None when there is none, or when its visitor's processing is restricted
    (GDPR art. 18: kept, not used: no invitation, no notification, until an admin lifts it)."""
    visits = Visit.objects.select_related("visitor", "host", "host__user").filter(visitor__restricted_at=None)
    return visits.filter(pk=visit_id).first()


def delivery_queue_invitation(*, visit_id: int) -> Delivery | None:
    """Invite a visitor who was registered ahead (invitation or API) and has an e-mail address.

    Walk-ins from the kiosk or the desk are checked in at once and get no invitation.
    """
    visit = _visit(visit_id)
    if visit is None or visit.channel not in INVITED_CHANNELS or not visit.visitor.email:
        return None
    return _queue(visit, Delivery.Kind.INVITATION)


def delivery_queue_details_request(*, visit_id: int) -> Delivery | None:
    """Send a visitor the link to fill in their own details (tenant_apps/visits/self_registration.py)."""
    visit = _visit(visit_id)
    if visit is None or not visit.visitor.email:
        return None
    return _queue(visit, Delivery.Kind.DETAILS_REQUEST)


def _invited(visit: Visit) -> bool:
    """Whether the visitor has an invitation that went out or is on its way (else a change is not theirs to hear)."""
    if not visit.visitor.email:
        return False
    # A visit over several days has one invitation, about its first day (tenant_apps/visits/series.py).
    sent = Delivery.objects.filter(visit__series_id=visit.series_id) if visit.series_id else visit.deliveries.all()
    return sent.filter(kind=Delivery.Kind.INVITATION).exclude(status=Delivery.Status.FAILED).exists()


def delivery_queue_cancellation(*, visit_id: int) -> Delivery | None:
    """Tell an invited visitor that their visit is cancelled."""
    visit = _visit(visit_id)
    return _queue(visit, Delivery.Kind.CANCELLATION) if visit is not None and _invited(visit) else None


def delivery_queue_reschedule(*, visit_id: int) -> Delivery | None:
    """Send an invited visitor the visit's new date and time, with a calendar file that moves it."""
    visit = _visit(visit_id)
    return _queue(visit, Delivery.Kind.RESCHEDULE) if visit is not None and _invited(visit) else None


class Told(enum.StrEnum):
    """Who hears of an arrival: what the kiosk's last screen tells the visitor."""

    HOST = "host"  # the host, by e-mail or through the company's webhook
    RECEPTION = "reception"  # the company's reception address (a kiosk walk-in that named no host)
    DESK = "desk"  # the building's front desk, by e-mail and on its board
    BOARD = "board"  # no one by message: the front desk sees the arrival on its board


def chat_url(company: CompanySettings, notify_by: str) -> str:
    """The company's incoming-webhook address for a host's chat channel (Teams or Slack); "" when unset or when
    `notify_by` is not a chat channel."""
    if notify_by == Host.Notify.TEAMS:
        return company.teams_webhook_url
    return company.slack_webhook_url if notify_by == Host.Notify.SLACK else ""


# The delivery that tells a host of an arrival in the chat channel they chose.
CHAT_KINDS = {Host.Notify.TEAMS: Delivery.Kind.HOST_TEAMS, Host.Notify.SLACK: Delivery.Kind.HOST_SLACK}


def sms_available() -> bool:
    """Whether hosts may choose text messages: the operator set up a provider (tenant_apps/notifications/sms.py)."""
    return bool(settings.CHECKIN_SMS_PROVIDER != "disabled")


def _by_sms(host: Host) -> bool:
    return host.notify_by == Host.Notify.SMS and bool(host.phone) and sms_available()


def _host_hears(host: Host | None, *, company: CompanySettings) -> bool:
    if host is None or not host.is_active:
        return False
    if host.notify_by == Host.Notify.EMAIL:
        return bool(host.email)
    if host.notify_by in CHAT_KINDS:
        return bool(chat_url(company, host.notify_by))
    if host.notify_by == Host.Notify.SMS:
        return _by_sms(host)
    return host.notify_by == Host.Notify.WEBHOOK and bool(company.webhook_url)


def walk_in_reception_address(company: CompanySettings | None = None) -> tuple[Told, str]:
    """Where a kiosk walk-in that no host hears of is announced: the company's reception address, else the
    building's front-desk address, else nowhere by e-mail (the desk's board still shows the arrival).
    `company`: the company's settings, when the caller has read them already."""
    own = (company or company_settings_remembered()).reception_email
    if own:
        return Told.RECEPTION, own
    building: Building | None = tenant_connection().tenant.building
    if building is not None and building.desk_email:
        return Told.DESK, building.desk_email
    return Told.BOARD, ""


def delivery_queue_arrival(*, visit: Visit) -> list[Delivery]:
    """On check-in: tell the host by the channel they chose (e-mail; the company's Teams or Slack channel when its
    address is set; a text message when the operator set up SMS and the host has a phone number), and call the
    company's webhook if one is set.

    `visit` is the visit just checked in, in this transaction (the check-in read it with its host: nothing is
    read again here). The webhook fires for every arrival, so the company's own systems (chat, access control)
    can tell hosts who chose `webhook`. A kiosk walk-in whom no host hears of is announced to the company's
    reception address or the building's desk (`walk_in_reception_address`): a walk-in always reaches someone.
    """
    if visit.visitor.restricted_at is not None:  # checked in at the desk with their consent: nobody is messaged
        return []
    company = company_settings_remembered()
    webhook = bool(company.webhook_url)
    walk_in = visit.channel == Visit.Channel.KIOSK
    deliveries = []
    host = visit.host if visit.host_id is not None else None
    if visit.approval_deadline is not None:  # whoever approved was asked by e-mail already: only the webhook
        return [_queue(visit, Delivery.Kind.HOST_WEBHOOK)] if webhook else []
    if host and host.is_active and host.email and host.notify_by == host.Notify.EMAIL:
        deliveries.append(_queue(visit, Delivery.Kind.HOST_EMAIL))
    if host and host.is_active and host.notify_by in CHAT_KINDS and chat_url(company, host.notify_by):
        deliveries.append(_queue(visit, CHAT_KINDS[Host.Notify(host.notify_by)]))
    if host and host.is_active and _by_sms(host):
        deliveries.append(_queue(visit, Delivery.Kind.HOST_SMS))
    if webhook:
        deliveries.append(_queue(visit, Delivery.Kind.HOST_WEBHOOK))
    if walk_in and not _host_hears(host, company=company) and walk_in_reception_address(company)[1]:
        deliveries.append(_queue(visit, Delivery.Kind.RECEPTION_EMAIL))
    if walk_in:
        arrival_unannounced_mark(visit=visit, queued=deliveries)
    return deliveries


# The messages that tell someone of an arrival (the webhook only for a host who chose it).
ANNOUNCING = (
    Delivery.Kind.HOST_EMAIL,
    Delivery.Kind.HOST_TEAMS,
    Delivery.Kind.HOST_SLACK,
    Delivery.Kind.HOST_SMS,
    Delivery.Kind.HOST_WEBHOOK,
    Delivery.Kind.RECEPTION_EMAIL,
)


def arrival_unannounced_mark(*, visit: Visit, queued: list[Delivery] | None = None) -> bool:
    """Mark a kiosk walk-in on the desk's board while no message of its arrival has reached anyone, nor is on its
    first try to: no host, no reception or desk address, or every such message failed (a retry that succeeds
    clears the mark). The webhook counts only for a host who chose it. Returns the mark; writes only a change.

    `queued`: the deliveries the check-in has just queued (all of them), so the check-in reads nothing more."""
    if visit.channel != Visit.Channel.KIOSK:
        return False
    host = visit.host if visit.host_id is not None else None
    host_by_webhook = host is not None and host.notify_by == Host.Notify.WEBHOOK
    reaching = False
    found = (
        [(delivery.kind, delivery.status, delivery.last_error) for delivery in queued if delivery.kind in ANNOUNCING]
        if queued is not None
        else Delivery.objects.filter(visit_id=visit.pk, kind__in=ANNOUNCING).values_list("kind", "status", "last_error")
    )
    for kind, status, error in found:
        if kind == Delivery.Kind.HOST_WEBHOOK and not host_by_webhook:
            continue
        if status == Delivery.Status.SENT or (status != Delivery.Status.FAILED and not error):
            reaching = True
    unannounced = not reaching
    if unannounced != visit.arrival_unannounced:
        Visit.objects.filter(pk=visit.pk).update(arrival_unannounced=unannounced)
        visit.arrival_unannounced = unannounced
    return unannounced


def approval_address(visit: Visit) -> tuple[str, str]:
    """Who is asked to approve a waiting walk-in by e-mail: ("host", their address) when a host was chosen and has
    one, else ("reception", the company's reception address), else ("", "") (the desk's board shows the visit)."""
    host = visit.host if visit.host_id is not None else None
    if host is not None and host.is_active and host.email:
        return "host", host.email
    reception = company_settings_remembered().reception_email
    return ("reception", reception) if reception else ("", "")


def delivery_queue_approval(*, visit: Visit) -> list[Delivery]:
    """A kiosk walk-in waits for approval: e-mail the host (or the reception address) the approve and decline
    links, and send the company's webhook the same event, in the walk-in's transaction."""
    deliveries = []
    if approval_address(visit)[1]:
        deliveries.append(_queue(visit, Delivery.Kind.APPROVAL_EMAIL))
    if company_settings_remembered().webhook_url:
        deliveries.append(_queue(visit, Delivery.Kind.APPROVAL_WEBHOOK))
    return deliveries


def arrival_told(*, visit: Visit) -> tuple[Told, str]:
    """Who was told of this arrival (current company), as its deliveries show: (who, the host's name if a host)."""
    kinds = set(Delivery.objects.filter(visit=visit).values_list("kind", flat=True))
    host = visit.host
    if kinds & {Delivery.Kind.HOST_EMAIL, Delivery.Kind.HOST_SMS, *CHAT_KINDS.values()} or (
        Delivery.Kind.HOST_WEBHOOK in kinds and host is not None and host.notify_by == Host.Notify.WEBHOOK
    ):
        return Told.HOST, host.name if host else ""
    if Delivery.Kind.RECEPTION_EMAIL in kinds:
        return walk_in_reception_address()[0], ""
    return Told.BOARD, ""


def arrival_payload(visit: Visit) -> dict[str, Any]:
    """What the webhook tells about an arrival: ids, state and times; of the visitor only the first name. Not the
    visit's code: it is a credential, kept only as a digest (README, "Security")."""
    return {
        "event": ARRIVAL_EVENT,
        "visit": {
            "id": visit.pk,
            "state": visit.state,
            "expected_start": visit.expected_start,
            "expected_end": visit.expected_end,
            "checked_in_at": visit.checked_in_at,
            "host_id": visit.host_id,
            "visitor_first_name": visit.visitor.first_name,
        },
    }


def approval_payload(visit: Visit, *, approve_url: str, decline_url: str) -> dict[str, Any]:
    """What the webhook tells about a walk-in waiting for approval: as an arrival, with the two single-use links
    (the receiver can show them to the host) and until when they work."""
    payload = arrival_payload(visit)
    payload["event"] = APPROVAL_EVENT
    payload["visit"]["approval_deadline"] = visit.approval_deadline
    payload["approve_url"], payload["decline_url"] = approve_url, decline_url
    return payload


def webhook_attempt_log(result: WebhookResult, *, event: str, delivery: Delivery | None) -> WebhookAttempt:
    return WebhookAttempt.objects.create(
        delivery=delivery,
        event=event,
        status_code=result.status_code,
        duration_ms=result.duration_ms,
        error=result.error[:200],
    )


def error_summary(exc: BaseException) -> str:
    """An error worth showing an admin, without the addresses that SMTP errors quote."""
    if isinstance(exc, DeliveryError):
        return str(exc)[:200]
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{type(exc).__name__} {exc.smtp_code}"
    return type(exc).__name__


@transaction.atomic
def webhook_settings_update(*, url: str, actor: str) -> tuple[CompanySettings, str | None]:
    """Set or clear the webhook URL. A first URL gets a fresh secret, returned once so the admin can copy it."""
    company = company_settings()
    company.webhook_url = url
    new_secret = None
    if url and not company.webhook_secret:
        new_secret = company.webhook_secret = webhook_secret_new()
    company.save(update_fields=["webhook_url", "webhook_secret", "updated_at"])
    audit_record(actor=actor, action="notifications.webhook_updated", details={"url_set": bool(url)})
    return company, new_secret


@transaction.atomic
def chat_channels_update(*, teams_url: str, slack_url: str, actor: str) -> CompanySettings:
    """Set or clear the company's Teams and Slack incoming-webhook addresses (audited without them: each is a
    credential). A host who chose a channel that is cleared hears nothing there; a walk-in then reaches the
    reception address (`delivery_queue_arrival`)."""
    company = company_settings()
    company.teams_webhook_url, company.slack_webhook_url = teams_url, slack_url
    company.save(update_fields=["teams_webhook_url", "slack_webhook_url", "updated_at"])
    audit_record(
        actor=actor,
        action="notifications.chat_channels_updated",
        details={"teams_set": bool(teams_url), "slack_set": bool(slack_url)},
    )
    return company


@transaction.atomic
def webhook_secret_regenerate(*, actor: str) -> str:
    """Replace the signing secret; the old one stops verifying at once. Returns the new secret, shown once."""
    company = company_settings()
    company.webhook_secret = webhook_secret_new()
    company.save(update_fields=["webhook_secret", "updated_at"])
    audit_record(actor=actor, action="notifications.webhook_secret_regenerated")
    return company.webhook_secret


def webhook_send_test(*, actor: str) -> WebhookAttempt:
    """POST a signed `ping` event to the company's webhook now, and log the attempt."""
    company = company_settings()
    if not company.webhook_url:
        raise DeliveryError("No webhook URL is set")
    payload = {"event": TEST_EVENT, "sent_at": timezone.now()}
    result = webhook_post(
        url=company.webhook_url, secret=company.webhook_secret, event=TEST_EVENT, payload=payload, delivery_id=None
    )
    audit_record(actor=actor, action="notifications.webhook_tested", details={"status": result.status_code})
    return webhook_attempt_log(result, event=TEST_EVENT, delivery=None)
