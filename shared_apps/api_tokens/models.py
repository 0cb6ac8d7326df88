"""API tokens. The app is installed in every schema: a token in `public` is an IT token (provisioning API),
one in a company's schema that company's integration token. Only a hash of the key is stored."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A bearer key made and revoked by an IT user or a company admin; it acts as its creator."""

    name = models.CharField(_("name"), max_length=120)
    prefix = models.CharField(_("key starts with"), max_length=12, db_index=True)  # tells keys apart in lists
    key_hash = models.CharField(max_length=64, unique=True)  # sha256 hex of the key (keys.py)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
