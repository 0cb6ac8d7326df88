"""Writes of single sign-on: the company's provider configuration, and the account a verified ID token signs in."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import transaction

from shared_apps.accounts.invitations import language_supported
from shared_apps.accounts.models import User
from tenant_apps.sso.models import IdentityProvider

SECRET_UNCHANGED = ""  # the form's secret field left empty keeps the stored secret


@transaction.atomic
def identity_provider_save(
    *,
    name: str,
    issuer: str,
    client_id: str,
    client_secret: str,
    allowed_domains: list[str],
    role_claim: str,
    admin_values: list[str],
    member_values: list[str],
    create_accounts: bool,
    sso_only: bool,
    enabled: bool,
) -> IdentityProvider:
    """Create or replace the company's one provider; an empty `client_secret` keeps the stored one."""
    provider = IdentityProvider.objects.select_for_update().filter(pk=1).first() or IdentityProvider(pk=1)
    provider.name, provider.issuer, provider.client_id = name, issuer, client_id
    if client_secret != SECRET_UNCHANGED:
        provider.client_secret = client_secret
    provider.allowed_domains, provider.role_claim = allowed_domains, role_claim
    provider.admin_values, provider.member_values = admin_values, member_values
    provider.create_accounts, provider.sso_only, provider.enabled = create_accounts, sso_only, enabled
    provider.save()
    return provider


def identity_provider_delete() -> bool:
    """Remove the configuration: passwords work again for everyone. Whether there was one."""
    return IdentityProvider.objects.filter(pk=1).delete()[0] > 0


class Refusal(StrEnum):
    """Why a verified ID token signs no one in; shown to the person in their language (views.py)."""

    NO_EMAIL = "no_email"
    EMAIL_UNVERIFIED = "email_unverified"
    DOMAIN = "domain"
    NO_ROLE = "no_role"
    NO_ACCOUNT = "no_account"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class SignInOutcome:
    user: User | None
    refusal: Refusal | None = None
    created: bool = False
    email: str = ""


def role_for_claims(provider: IdentityProvider, claims: dict[str, Any]) -> str | None:
    """The role the token's `role_claim` (a string or a list) gives: admin if it holds one of the admin values, else
    member if it holds a member value (or no member values are set: every allowed person is a member), else None."""
    raw = claims.get(provider.role_claim)
    values = {str(value) for value in (raw if isinstance(raw, list) else [raw] if raw is not None else [])}
    if values & set(provider.admin_values):
        return User.Role.ADMIN
    if not provider.member_values or values & set(provider.member_values):
        return User.Role.MEMBER
    return None


def _other_active_admin(user: User) -> bool:
    return User.objects.filter(role=User.Role.ADMIN, is_active=True).exclude(pk=user.pk).exists()


def _full_name(claims: dict[str, Any], email: str) -> str:
    name = claims.get("name") or " ".join(str(claims.get(key) or "") for key in ("given_name", "family_name"))
    return (str(name).strip() or email)[:150]


@transaction.atomic
def sso_account_resolve(*, provider: IdentityProvider, claims: dict[str, Any]) -> SignInOutcome:
    """The company account the validated claims of an ID token sign in, created when the admin allows it.

    The address must be verified (when the provider says) and in an allowed domain; the role follows the mapping at
    every sign-in, except that the company's last active admin is never made a member (it would lock the company
    out of its own settings).
    """
    email = str(claims.get("email") or "").strip().lower()
    if "@" not in email:
        return SignInOutcome(user=None, refusal=Refusal.NO_EMAIL)
    if claims.get("email_verified") is False:
        return SignInOutcome(user=None, refusal=Refusal.EMAIL_UNVERIFIED, email=email)
    if email.rsplit("@", 1)[1] not in provider.allowed_domains:
        return SignInOutcome(user=None, refusal=Refusal.DOMAIN, email=email)
    role = role_for_claims(provider, claims)
    if role is None:
        return SignInOutcome(user=None, refusal=Refusal.NO_ROLE, email=email)
    user = User.objects.select_for_update().filter(email=email).first()
    if user is None:
        if not provider.create_accounts:
            return SignInOutcome(user=None, refusal=Refusal.NO_ACCOUNT, email=email)
        user = User(email=email, full_name=_full_name(claims, email), role=role,
                    language=language_supported(str(claims.get("locale") or "")))  # fmt: skip
        user.set_unusable_password()  # the identity provider is its way in
        user.save()
        return SignInOutcome(user=user, created=True, email=email)
    if not user.is_active or user.role not in (User.Role.ADMIN, User.Role.MEMBER):
        return SignInOutcome(user=None, refusal=Refusal.INACTIVE, email=email)
    if role != user.role and (role == User.Role.ADMIN or _other_active_admin(user)):
        user.role = role
        user.save(update_fields=["role"])
    return SignInOutcome(user=user, email=email)
