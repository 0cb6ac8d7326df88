"""Staff accounts. The table exists in every schema: IT in `public`, desk staff in a
reception schema, company staff in their company's schema. An account is only
valid on the host of the schema that holds it."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
