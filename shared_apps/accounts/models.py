"""Staff accounts. The table exists in every schema: IT in `public`, desk staff in a
reception schema, company staff in their company's schema. An account is only
valid on the host of the schema that holds it."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shared_apps.accounts.user_agents import user_agent_summary
from shared_apps.operations.encryption import EncryptedTextField


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.update(is_staff=True, is_superuser=True, role=User.Role.IT)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        IT = "it", _("platform IT")
        DESK = "desk", _("front desk")
        ADMIN = "admin", _("company admin")
        MEMBER = "member", _("company member")

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    language = models.CharField(_("language"), max_length=8, default="en")
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(default=False)  # Django admin, on the root host only
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email


class TwoFactorDevice(models.Model):
    """An account's authenticator app (TOTP, RFC 6238). Unconfirmed while its owner has not typed a first code.

    The secret never leaves this row except on the set-up page; it is kept out of repr(), logs and the audit log,
    and the row holds it encrypted (shared_apps/operations/encryption.py): a database dump does not pass the factor.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor_device")
    secret = EncryptedTextField()  # base32 once decrypted
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)  # a code's 30-second step is accepted once, never again
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Two-factor device of user {self.user_id}"

    def __repr__(self) -> str:
        return f"<TwoFactorDevice user={self.user_id} confirmed={self.confirmed_at is not None}>"


class RecoveryCode(models.Model):
    """A one-time code to sign in without the app; only its salted hash is stored, and using it deletes it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Recovery code of user {self.user_id}"


class SignInRecord(models.Model):
    """One sign-in event of this schema's accounts (ASVS 16.3.1, 16.3.2): who, when, from where; never a password
    or a code. Request roles may only add rows (shared_apps/database/db_roles.py); the nightly maintenance job
    truncates the address after a while and deletes the row after its retention (shared_apps/accounts/log_upkeep.py).
    """

    class Event(models.TextChoices):
        SIGNED_IN = "signed_in", _("signed in")
        FAILED = "failed", _("wrong e-mail address or password")
        LOCKED_OUT = "locked_out", _("locked out after too many failures")
        REFUSED_LOCKED = "refused_locked", _("refused while locked out")
        TWO_FACTOR_FAILED = "two_factor_failed", _("wrong two-factor code")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        PASSWORD_RESET = "password_reset", _("password set by e-mail link")
        SIGNED_IN_SSO = "signed_in_sso", _("signed in through the identity provider")
        SSO_REFUSED = "sso_refused", _("refused by single sign-on")
        PASSWORD_REFUSED_SSO = "password_refused_sso", _("password refused: single sign-on only")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    event = models.CharField(_("event"), max_length=32, choices=Event.choices)
    # The account when the identifier names one of this schema; the row outlives nothing it points to (accounts
    # are deactivated, never deleted), and no constraint ties an append-only row to a deletable one.
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    identifier = models.CharField(_("e-mail address typed"), max_length=254, blank=True)
    ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"], name="signin_user_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.event}"

    @property
    def browser(self) -> str:
        return user_agent_summary(self.user_agent)

    @property
    def tone(self) -> str:
        """The badge's colour on the sign-in pages."""
        if self.event in (self.Event.SIGNED_IN, self.Event.SIGNED_IN_SSO):
            return "on_site"
        if self.event in (self.Event.LOCKED_OUT, self.Event.REFUSED_LOCKED):
            return "cancelled"
        if self.event in (self.Event.FAILED, self.Event.TWO_FACTOR_FAILED, self.Event.SSO_REFUSED,
                          self.Event.PASSWORD_REFUSED_SSO):  # fmt: skip
            return "expected"
        return "left"
