"""API tokens. The app is installed in every schema: a token in `public` is an IT token (provisioning API),
one in a company's schema that company's integration token. Only a hash of the key is stored."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A bearer key made and revoked by an IT user or a company admin. An API token acts as its creator; a SCIM
    token (a company's directory, tenant_apps/scim) acts as the directory and opens only /scim/v2/."""

    class Scope(models.TextChoices):
        API = "api", _("REST API")
        SCIM = "scim", _("directory sync (SCIM)")

    name = models.CharField(_("name"), max_length=120)
    prefix = models.CharField(_("key starts with"), max_length=12, db_index=True)  # tells keys apart in lists
    key_hash = models.CharField(max_length=64, unique=True)  # sha256 hex of the key (keys.py)
    scope = models.CharField(
        _("opens"), max_length=8, choices=Scope.choices, default=Scope.API, db_default=Scope.API
    )  # db_default: rows written by raw SQL (the tokens' move, migrations/_tokens_move.py) are API tokens
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
