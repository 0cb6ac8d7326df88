"""What a company's directory (Microsoft Entra ID, Okta, ...) provisioned through SCIM 2.0: which staff accounts it
manages, under which ids, and its groups with the role each gives. Company schemas only: an account is linked to the
directory of the company that holds it and nothing else.

The account itself stays a `shared_apps.accounts.User` (its name, e-mail address, role, active flag); these rows
keep only what SCIM needs on top: the directory's ids and the user name it matches on."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class ScimUser(models.Model):
    """A staff account the directory manages. Deleting it (a SCIM DELETE) unlinks the account, which stays
    deactivated for the history it is named in."""

    scim_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scim")
    user_name = models.CharField(_("user name in the directory"), max_length=254)
    external_id = models.CharField(max_length=254, blank=True)
    given_name = models.CharField(max_length=150, blank=True)
    family_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # RFC 7643: userName is unique and not case-sensitive.
            models.UniqueConstraint(Lower("user_name"), name="scim_user_name_unique"),
        ]

    def __str__(self) -> str:
        return f"SCIM user {self.scim_id}"


class ScimGroup(models.Model):
    """A group of the directory; its members get `role` when an admin has mapped it to one."""

    class Role(models.TextChoices):
        NONE = "", _("no role")
        MEMBER = "member", _("company member")
        ADMIN = "admin", _("company admin")

    scim_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    display_name = models.CharField(_("group"), max_length=256)
    external_id = models.CharField(max_length=254, blank=True)
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.NONE, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="scim_groups", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name", "pk"]

    def __str__(self) -> str:
        return self.display_name
