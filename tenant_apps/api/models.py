"""API tokens of a company's integrations. Only a hash of the key is stored; the key is shown once."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A bearer key for one integration, made and revoked by a company admin; it acts as its creator."""

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key starts with"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)  # sha256 hex of a 256-bit random key
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
