"""What the company told whom, and whether it arrived: one Delivery per message, one WebhookAttempt per POST.

Both live in the company schema beside the visit they concern, so a visit's
purge or erasure takes its delivery log with it. Error texts hold an error
class and a status code, never an address or a name.
"""

from django.contrib.postgres.functions import RandomUUID
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenant_apps.parcels.models import Parcel
from tenant_apps.visits.models import ObjectionLiftRequest, Visit, Visitor


class Delivery(models.Model):
    """One message about one visit (an e-mail to the visitor or the host, the company's webhook, a host's Teams or
    Slack message), or one privacy e-mail to a person: the confirmation of a renewed consent (about an
    `ObjectionLiftRequest`), their own privacy link (about a `Visitor`), or a data-subject request's notice to an
    admin, deadline extension or outcome (privacy keeps what those are about beside them, keyed by the delivery:
    `privacy.SubjectMessage`). Each row points at what its message is about, so an erasure, a purge or an expired
    request takes it along; the message itself is written when it is sent (tenant_apps/notifications/sending.py)."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("invitation e-mail")
        CANCELLATION = "cancellation", _("cancellation e-mail")
        RESCHEDULE = "reschedule", _("new-time e-mail")
        HOST_EMAIL = "host_email", _("arrival e-mail to the host")
        HOST_WEBHOOK = "host_webhook", _("arrival webhook")
        HOST_TEAMS = "host_teams", _("arrival message in Microsoft Teams")
        HOST_SLACK = "host_slack", _("arrival message in Slack")
        HOST_SMS = "host_sms", _("arrival text message (SMS)")
        RECEPTION_EMAIL = "reception_email", _("walk-in e-mail to the reception")
        APPROVAL_EMAIL = "approval_email", _("approval request e-mail")
        APPROVAL_WEBHOOK = "approval_webhook", _("approval request webhook")
        CONSENT_CONFIRMATION = "consent_confirm", _("renewed-consent confirmation e-mail")
        PERSON_LINK = "person_link", _("privacy-link e-mail")
        SUBJECT_NOTICE = "subject_notice", _("data-subject request e-mail to an admin")
        SUBJECT_EXTENSION = "subject_extended", _("deadline-extension e-mail")
        SUBJECT_OUTCOME = "subject_outcome", _("data-subject request outcome e-mail")
        PARCEL_EMAIL = "parcel_email", _("parcel e-mail to the recipient")
        DETAILS_REQUEST = "details_request", _("e-mail asking the visitor for their details")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="deliveries", null=True, blank=True)
    objection_lift = models.ForeignKey(
        ObjectionLiftRequest, on_delete=models.CASCADE, related_name="deliveries", null=True, blank=True
    )
    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="deliveries", null=True, blank=True)
    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="deliveries", null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Set once the broker has taken the task (or when a retry is due): a pending delivery without it, or
    # handed over long ago and still not sent, is handed over again by the outbox sweep.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # When a worker claimed it (pending -> sending); a claim older than CHECKIN_DELIVERY_TIMEOUT_SECONDS is
    # a worker that died or lost its database mid-send, and may be taken over.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Goes out with the message (e-mail Message-ID, webhook Idempotency-Key) so a receiver can drop a copy.
    # Made by the database, so the rows that existed before the column each got their own too.
    idempotency_key = models.UUIDField(db_default=RandomUUID(), unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at"], name="delivery_created_idx"),
            models.Index(fields=["created_at"], condition=models.Q(enqueued_at=None), name="delivery_outbox_idx"),
            models.Index(
                fields=["enqueued_at"],
                # Two equalities, not IN: PostgreSQL prints an IN list in a form that reads back differently, so
                # a cloned schema's index would not match a migrated one's (shared_apps/database/schema_clone.py).
                condition=models.Q(status="pending") | models.Q(status="sending"),
                name="delivery_unsent_idx",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.kind} for visit {self.visit_id}: {self.status}" if self.visit_id else f"{self.kind}: {self.status}"
        )


class WebhookAttempt(models.Model):
    """One POST to the company's webhook: a delivery's try, or a test sent from the settings page."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, null=True, blank=True, related_name="webhook_attempts"
    )
    event = models.CharField(_("event"), max_length=32)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    status_code = models.PositiveIntegerField(_("HTTP status"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    error = models.CharField(_("error"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.event} -> {self.status_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
