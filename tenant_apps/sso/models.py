"""A company's OpenID Connect identity provider: one row at most in the company's schema."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shared_apps.operations.encryption import EncryptedTextField


class IdentityProvider(models.Model):
    """How the company's staff sign in through its identity provider (Entra ID, Google Workspace, Okta, ...).

    The client secret is stored encrypted (shared_apps/operations/encryption.py) and never shown again.
    """

    name = models.CharField(_("provider name"), max_length=60)
    issuer = models.URLField(_("issuer URL"), max_length=300)
    client_id = models.CharField(_("client ID"), max_length=200)
    client_secret = EncryptedTextField(_("client secret"))
    allowed_domains = models.JSONField(_("allowed e-mail domains"), default=list)
    role_claim = models.CharField(_("role claim"), max_length=100, default="groups")
    admin_values = models.JSONField(_("values that make an admin"), default=list)
    member_values = models.JSONField(_("values that make a member"), default=list)
    create_accounts = models.BooleanField(_("create accounts on first sign-in"), default=False)
    sso_only = models.BooleanField(_("single sign-on only"), default=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="sso_one_provider")]

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<IdentityProvider {self.issuer} client={self.client_id}>"
