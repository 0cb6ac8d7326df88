"""What the privacy features keep in a company schema: exports, purge notices and runs, the visitors' own requests
and their e-mails (objections: visits).

An export row points at a file, a purge notice holds counts and dates. A data-subject request keeps its reply
address and message only while it is open; an e-mail about it keeps its address only until it is sent.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Export(models.Model):
    """One ZIP of the company's data, written by a Celery task and deleted when it expires."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("being prepared")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")
        EXPIRED = "expired", _("expired")

    class Kind(models.TextChoices):
        REQUESTED = "requested", _("requested by an admin")
        FINAL = "final", _("final export on removal")

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.REQUESTED)
    date_from = models.DateField(_("from"), null=True, blank=True)
    date_to = models.DateField(_("to"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    storage_name = models.CharField(max_length=255, blank=True)
    size = models.BigIntegerField(_("size"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    row_counts = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)  # runs started: a killed worker's export is run again
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)  # of the latest attempt
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Export {self.pk} ({self.status})"


class PurgeNotice(models.Model):
    """A warning e-mail sent to the company's admins before visits fall due; kept so it goes out once."""

    sent_at = models.DateTimeField(auto_now_add=True)
    first_due_at = models.DateTimeField()  # when the first of the counted visits falls due
    covers_until = models.DateTimeField()  # visits falling due up to here are announced by this notice
    visit_count = models.PositiveIntegerField()
    recipient_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"Purge notice of {self.sent_at:%Y-%m-%d}"


class PurgeRun(models.Model):
    """One run of the retention purge in this schema: a run without `finished_at` whose lock nobody holds was
    cut short (its worker killed, its database lost) and is run again by `privacy.resume_all` within minutes."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"purge of {self.started_at:%Y-%m-%d %H:%M}: {'done' if self.finished_at else 'unfinished'}"


class SubjectRequest(models.Model):
    """A data-subject request made by the visitor on their own page (tenant_apps/privacy/person_page.py).

    What the visitor can do alone (objection, withdrawn consent) is done at once and recorded here as done; what
    needs the company (correction, erasure, restriction) waits for its admins, who must answer within one month
    (GDPR art. 12(3)). The reply address and the visitor's message are kept only while the request is open.
    """

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("correction")
        ERASURE = "erasure", _("erasure")
        RESTRICTION = "restriction", _("restriction of processing")
        OBJECTION = "objection", _("objection")
        WITHDRAWAL = "withdrawal", _("withdrawal of consent")

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for the company")
        DONE = "done", _("carried out")
        REFUSED = "refused", _("refused")
        ERASED = "erased", _("closed: person erased")  # the person was erased (or objected) while it was open

    kind = models.CharField(_("request"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    visitor = models.ForeignKey(
        "visits.Visitor", on_delete=models.SET_NULL, null=True, blank=True, related_name="subject_requests"
    )
    message = models.TextField(_("message"), blank=True)
    reply_to = models.EmailField(blank=True)  # where the outcome goes; cleared once it is sent
    language = models.CharField(max_length=8, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    due_at = models.DateTimeField(_("answer due by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome_note = models.TextField(_("answer to the visitor"), blank=True)
    # GDPR art. 12(3): the deadline may be extended once, by up to two further months, with a reason told to the
    # visitor. `due_at` is then the extended deadline; `due_at_first` keeps the first one.
    extended_at = models.DateTimeField(_("deadline extended at"), null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    due_at_first = models.DateTimeField(_("first deadline"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "due_at"], name="subject_request_open_idx")]

    def __str__(self) -> str:
        return f"Subject request {self.pk} ({self.kind}, {self.status})"


class SubjectMessage(models.Model):
    """One e-mail about a data-subject request, waiting in the notifications outbox as `delivery` (sent once, retried
    with back-off, swept again if lost: tenant_apps/notifications/sending.py) and written when it is sent
    (tenant_apps/privacy/subject_requests.py, `subject_message_email`): an admin's notice of a new request (to
    `admin`, in their language), or the visitor's deadline extension or outcome (to `to`, in `language`). The address
    is kept only until the message is sent or given up (`subject_messages_forget`), or the person erased."""

    delivery = models.OneToOneField("notifications.Delivery", on_delete=models.CASCADE, related_name="subject_message")
    request = models.ForeignKey(SubjectRequest, on_delete=models.CASCADE, related_name="messages")
    admin = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to = models.EmailField(blank=True)
    language = models.CharField(max_length=8, blank=True)

    def __str__(self) -> str:
        return f"Message {self.delivery_id} about subject request {self.request_id}"
