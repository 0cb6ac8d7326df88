"""Reads of the company's identity provider, in the current company's schema."""

from django.urls import reverse
from django.utils.translation import gettext as _

from shared_apps.accounts.models import User
from shared_apps.accounts.sign_in_policy import SignInOption
from tenant_apps.sso.models import IdentityProvider


def identity_provider() -> IdentityProvider | None:
    """The company's identity provider, enabled or not; None when it has none."""
    return IdentityProvider.objects.filter(pk=1).first()


def identity_provider_enabled() -> IdentityProvider | None:
    return IdentityProvider.objects.filter(pk=1, enabled=True).first()


def sign_in_button() -> SignInOption | None:
    """The "Sign in with <provider>" button of the company's sign-in page, when single sign-on is on."""
    provider = identity_provider_enabled()
    if provider is None:
        return None
    return SignInOption(label=_("Sign in with %(provider)s") % {"provider": provider.name}, url=reverse("sso:login"))


def password_refused(user: User) -> bool:
    """Single sign-on only refuses passwords to the company's members; its admins keep theirs (break-glass), so a
    broken identity provider never locks the company out."""
    if user.role == User.Role.ADMIN:
        return False
    return IdentityProvider.objects.filter(pk=1, enabled=True, sso_only=True).exists()
