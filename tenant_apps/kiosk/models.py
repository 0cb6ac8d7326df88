"""Lobby kiosks, their pairing codes and the building's auto check-out book-keeping.

These tables live in the building's reception schema. They hold no visitor
data: visits are written in the schema of the company visited.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shared_apps.operations.encryption import CODE_DIGEST_LENGTH


def state_nonce_new() -> str:
    return secrets.token_urlsafe(12)


class Kiosk(models.Model):
    """A paired tablet. Its browser holds a long random token; only the token's SHA-256 is stored."""

    name = models.CharField(_("name"), max_length=80)
    token_hash = models.CharField(max_length=64, unique=True)
    paired_at = models.DateTimeField(auto_now_add=True)
    paired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_seen_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Named in the state cookie (tenant_apps/kiosk/state.py) and replaced when a visitor starts or the kiosk is
    # reset: a copy of an earlier cookie then names an old nonce and shows nothing of the earlier visitor.
    state_nonce = models.CharField(max_length=24, default=state_nonce_new)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class PairingCode(models.Model):
    """A short one-time code that desk staff create and a tablet types to become a kiosk.

    Only the code's keyed digest is stored (operations/encryption.py): the desk sees the code once, on the
    answer that created it (`code` on that instance), and a dump of the table pairs no tablet.
    """

    code_digest = models.CharField(max_length=CODE_DIGEST_LENGTH, unique=True)
    kiosk_name = models.CharField(_("kiosk name"), max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    kiosk = models.OneToOneField(Kiosk, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    code = ""  # the clear code, set by pairing_code_create on the instance it returns; never stored

    def __str__(self) -> str:
        return f"pairing code for {self.kiosk_name}"


class KioskSettings(models.Model):
    """The building's kiosk options: one row per reception schema (see `kiosk_settings()`)."""

    remind_hosts_before_auto_checkout = models.BooleanField(
        _("e-mail hosts 30 minutes before the automatic check-out"), default=True
    )

    def __str__(self) -> str:
        return "Kiosk settings"


class AutoCheckoutReminder(models.Model):
    """The day a reminder went out for, so a beat that runs every few minutes sends it once."""

    day = models.DateField(unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)
    hosts = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"reminder {self.day}"


class BlockListEntry(models.Model):
    """Someone the building's reception holds at check-in for the desk to see (tenant_apps/kiosk/block_list.py).

    Personal data of the building itself, kept in its reception schema only: managed by desk staff (and IT),
    never shown to a company or a visitor, deleted when it expires (`block_list_purge`, nightly).
    """

    full_name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(max_length=200, db_index=True)  # block_list.name_key(full_name)
    email = models.EmailField(_("e-mail address"), blank=True)  # stored normalised (lower-case, trimmed)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    document_hint = models.CharField(_("identity document hint"), max_length=40, blank=True)
    reason = models.TextField(_("reason"))
    added_by = models.CharField(_("added by"), max_length=200)  # desk:<building>:<email> or it:<email>
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        ordering = ["full_name", "id"]
        indexes = [models.Index(fields=["email"], condition=~models.Q(email=""), name="blocklist_email_idx")]

    def __str__(self) -> str:
        return f"block list entry {self.pk}"


class BlockListMatch(models.Model):
    """A check-in held because it matched an entry: the desk's alert, then its decision. Deleted with the entry."""

    entry = models.ForeignKey(BlockListEntry, on_delete=models.CASCADE, related_name="matches")
    company_id = models.BigIntegerField()  # the visited company (public.tenancy_tenant); no cross-schema key
    visit_id = models.BigIntegerField()
    matched_by = models.CharField(max_length=200)  # kiosk:<building>:<id> or desk:<building>:<email>
    on = models.CharField(max_length=16)  # "name", "email" or "name+email": what matched
    at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=16, blank=True)  # approve / decline
    decided_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["company_id", "visit_id"], name="blocklist_match_visit_idx")]

    def __str__(self) -> str:
        return f"block list match {self.pk}"
