"""A company's visitors, the people they come to see, and their visits.

These tables exist only in company schemas: a visitor's personal data lives in
the schema of the company visited and nowhere else.
"""

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower, Trim
from django.utils.translation import gettext_lazy as _

from shared_apps.accounts.languages import LANGUAGE_CHOICES
from shared_apps.operations.encryption import CODE_DIGEST_LENGTH, EncryptedTextField, code_digest
from shared_apps.tenancy.text import NameField

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are typed on a kiosk
CODE_LENGTH = 8


def new_visit_code() -> str:
    """A random, unguessable, single-visit code for the invitation QR and the badge."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class CompanySettings(models.Model):
    """The company's own settings: one row per company schema (see `company_settings()`)."""

    retention_days = models.PositiveIntegerField(_("retention period (days)"), default=365)
    show_hosts_on_kiosk = models.BooleanField(_("show the host list on the kiosk"), default=False)
    # Who hears of a kiosk walk-in that named no host: this address, else the building's front desk.
    reception_email = models.EmailField(_("reception e-mail address"), blank=True)
    require_two_factor = models.BooleanField(_("require two-factor authentication"), default=False)
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    webhook_secret = EncryptedTextField(_("webhook secret"), blank=True)  # stored encrypted
    # Incoming-webhook addresses of the company's Teams and Slack channels, for hosts who chose them. The address
    # is itself the credential (whoever has it can post to the channel): stored encrypted like the secret above.
    teams_webhook_url = EncryptedTextField(_("Microsoft Teams webhook URL"), blank=True)
    slack_webhook_url = EncryptedTextField(_("Slack webhook URL"), blank=True)
    # Whom visitors ask about their data (the controller) and the data protection officer, if any: shown in the
    # e-mails, the kiosk notice and the visitor's own page (`privacy_contact()`); blank means the company's admins.
    privacy_contact_name = models.CharField(_("privacy contact"), max_length=150, blank=True)
    privacy_contact_email = models.EmailField(_("privacy contact e-mail"), blank=True)
    dpo_name = models.CharField(_("data protection officer"), max_length=150, blank=True)
    dpo_email = models.EmailField(_("data protection officer's e-mail"), blank=True)
    # Walk-in approval: a kiosk walk-in waits until the host (or the reception address) approves it by link, or
    # until the timeout, after which the kiosk sends the visitor to the desk. The building can require it for all.
    walk_in_approval = models.BooleanField(_("kiosk walk-ins wait for approval"), default=False)
    approval_timeout_minutes = models.PositiveSmallIntegerField(_("minutes to wait for an approval"), default=10)
    desk_may_decide = models.BooleanField(_("the front desk may approve or decline for the company"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "Company settings"


class Host(models.Model):
    """Someone in the company whom visitors come to see."""

    class Notify(models.TextChoices):
        EMAIL = "email", _("e-mail")
        WEBHOOK = "webhook", _("webhook")
        TEAMS = "teams", _("Microsoft Teams")
        SLACK = "slack", _("Slack")
        SMS = "sms", _("text message (SMS)")

    name = NameField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    notify_by = models.CharField(_("notify by"), max_length=16, choices=Notify.choices, default=Notify.EMAIL)
    is_active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="host"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def email_normalise(email: str) -> str:
    """How a company recognises a visitor: their e-mail address trimmed of surrounding white space and lower-cased
    (the local part too: no mail service in use tells `Anne@` from `anne@`). PostgreSQL's `lower(btrim(email))`
    gives the same text, which the unique index of `Visitor` holds; the services store the address so."""
    return email.strip().lower()


class Visitor(models.Model):
    """The person, one per company: reused across visits and recognised by `email_normalise(email)`.

    A visitor without an e-mail address cannot be recognised: each channel creates a new one unless staff pick an
    existing person; an admin merges duplicates (`tenant_apps/privacy/subjects.py`, `persons_merge`). A restricted
    person (`restricted_at`, GDPR art. 18) is kept but not used: no new visit, no message, until an admin lifts it.
    """

    # Blank only while the visitor has still to fill in their own details (`Visit.details_requested_at`): every
    # form and the API require both names.
    first_name = NameField(_("first name"), max_length=100, blank=True)
    last_name = NameField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)  # E.164
    company_name = NameField(_("company"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="en")
    restricted_at = models.DateTimeField(_("processing restricted since"), null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            # One person per address in the company; raw writes and races included (a second INSERT waits and fails).
            models.UniqueConstraint(
                Lower(Trim("email")), condition=~models.Q(email=""), name="visitor_one_per_email",
                violation_error_message=_("Another person of this company already has this e-mail address."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        # A person asked to fill in their own details has no name yet: their address says who it is.
        return f"{self.first_name} {self.last_name}".strip() or self.email


class VisitSeries(models.Model):
    """A visit over several days: one `Visit` row per day, sharing one kiosk code (see `Visit.series`).

    It holds only the pattern (first and last day, ISO weekdays), no personal data: the days carry the visitor,
    the host and the times, so check-in, check-out, the auto check-out, the desk and exports treat each day like
    any visit. Retention counts from the series' last day (tenant_apps/privacy/retention.py); a series left
    without days is deleted by the purge.
    """

    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    weekdays = models.CharField(_("weekdays"), max_length=7)  # ISO weekday digits, Monday 1 to Sunday 7: "12345"
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")), name="series_last_after_first"
            ),
        ]

    def __str__(self) -> str:
        return f"Series {self.pk} ({self.first_day:%Y-%m-%d} to {self.last_day:%Y-%m-%d})"

    @property
    def iso_weekdays(self) -> list[int]:
        return sorted(int(day) for day in self.weekdays)


class Visit(models.Model):
    class State(models.TextChoices):
        EXPECTED = "expected", _("expected")
        ON_SITE = "on_site", _("on site")
        LEFT = "left", _("left")
        CANCELLED = "cancelled", _("cancelled")
        NO_SHOW = "no_show", _("no-show")
        WAITING = "waiting", _("waiting for approval")  # a kiosk walk-in of a company that approves walk-ins
        HELD = "held", _("held by the front desk")  # the building's desk decides; the company sees no reason
        DECLINED = "declined", _("declined")

    class Channel(models.TextChoices):
        INVITATION = "invitation", _("invitation")
        KIOSK = "kiosk", _("kiosk")
        DESK = "desk", _("desk")
        API = "api", _("API")

    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="visits")
    host = models.ForeignKey(Host, on_delete=models.PROTECT, null=True, blank=True, related_name="visits")
    expected_start = models.DateTimeField(_("expected arrival"))
    expected_end = models.DateTimeField(_("expected departure"))
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.EXPECTED)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    channel = models.CharField(_("registered through"), max_length=16, choices=Channel.choices)
    # A kiosk walk-in of whose arrival no message has reached anyone (no host, no reception or desk address, or the
    # mail failed): the desk's board marks it so the desk acts (tenant_apps/notifications/services.py). A database
    # default too: the desk read model's function and raw inserts may leave it out.
    arrival_unannounced = models.BooleanField(_("nobody told of the arrival"), default=False, db_default=False)
    # The code for the kiosk (invitation QR, badge) is kept only as its keyed digest (operations/encryption.py):
    # the clear code exists on the instance that made it (`code`, see `code_issue`) and nowhere else.
    # Unique per single visit; the days of a series share one (constraints below), found by the kiosk as the day's.
    code_digest = models.CharField(max_length=CODE_DIGEST_LENGTH, db_index=True)
    series = models.ForeignKey(
        VisitSeries, on_delete=models.CASCADE, null=True, blank=True, related_name="visits", verbose_name=_("series")
    )
    consent_notice_version = models.CharField(max_length=32, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    rules_version = models.CharField(max_length=32, blank=True)  # visitor rules accepted with this visit
    auto_checked_out = models.BooleanField(default=False)
    # Until when the host's approval links work (a walk-in that waits for approval); null for every other visit.
    approval_deadline = models.DateTimeField(_("approval asked until"), null=True, blank=True)
    # Set while the visitor has still to fill in their own details through the link their host sent
    # (tenant_apps/visits/self_registration.py): no invitation, no code until they do.
    details_requested_at = models.DateTimeField(_("details asked of the visitor on"), null=True, blank=True)
    # When the building asks for it (`Building.asks_licence_plate`), for the car park.
    licence_plate = models.CharField(_("licence plate"), max_length=16, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["expected_start"]
        indexes = [
            models.Index(fields=["expected_start"], name="visit_expected_start_idx"),
            # Today's and the on-site visits of this company (its pages); the desk reads its building's read model.
            models.Index(fields=["expected_end"], name="visit_expected_end_idx"),
            models.Index(fields=["state"], condition=models.Q(state="on_site"), name="visit_on_site_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expected_end__gte=models.F("expected_start")), name="visit_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["code_digest"], condition=models.Q(series=None), name="visit_code_digest_single"
            ),
            models.UniqueConstraint(fields=["series", "expected_start"], name="visit_series_one_per_start"),
        ]

    def __str__(self) -> str:
        return f"{self.visitor} ({self.expected_start:%Y-%m-%d})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.code_digest:  # a new visit gets its code here, shown only by who made it
            self.code_issue()
        super().save(*args, **kwargs)

    @property
    def code(self) -> str:
        """The clear code, on the instance that made it only; "" once read back from the database."""
        return getattr(self, "_code", "")

    @code.setter
    def code(self, value: str) -> None:
        self._code = value
        self.code_digest = code_digest(value) if value else ""

    def code_issue(self) -> str:
        """Draw a fresh code for this instance (its digest replaces the stored one when the row is saved)."""
        self.code = new_visit_code()
        return self.code


class VisitEvent(models.Model):
    """One line of a visit's timeline: what happened, when, and who did it (staff, desk or kiosk)."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("registered")
        RESCHEDULED = "rescheduled", _("rescheduled")
        UPDATED = "updated", _("details changed")
        CHECKED_IN = "checked_in", _("checked in")
        CHECKED_OUT = "checked_out", _("checked out")
        AUTO_CHECKED_OUT = "auto_checked_out", _("checked out automatically")
        CANCELLED = "cancelled", _("cancelled")
        NO_SHOW = "no_show", _("marked as no-show")
        NOTE = "note", _("note")
        APPROVAL_ASKED = "approval_asked", _("approval asked")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")
        HELD = "held", _("held by the front desk")
        DETAILS_REQUESTED = "details_requested", _("details asked of the visitor")
        DETAILS_GIVEN = "details_given", _("details given by the visitor")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    actor = models.CharField(max_length=200)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.actor}"


class SuppressedEmail(models.Model):
    """A person who objected or withdrew consent: only a keyed hash of the e-mail address is kept, so they are not
    registered again without their own consent (tenant_apps/visits/objections.py). Privacy records objections;
    visits owns the rule, so the table keeps the name it was created with in privacy."""

    email_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "privacy_suppressedemail"

    def __str__(self) -> str:
        return f"Suppressed e-mail {self.email_hash[:8]}…"


class ObjectionLiftRequest(models.Model):
    """Someone who gave consent again at the kiosk for an address that objected: the objection holds until the
    address's owner confirms through the signed, single-use, expiring link sent to it (tenant_apps/visits/
    objections.py). The address is kept encrypted to send that e-mail, and cleared once the link is used; requests
    older than the link's lifetime are deleted when the next one is made."""

    email = EncryptedTextField(blank=True)  # cleared once used
    email_hash = models.CharField(max_length=64, db_index=True)
    language = models.CharField(max_length=2, choices=LANGUAGE_CHOICES, default="en")
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Objection lift request {self.pk}"
