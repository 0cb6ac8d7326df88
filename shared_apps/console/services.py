"""Writes of the IT console: API tokens and support grants. Each one is audited."""

import datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from shared_apps.accounts.models import User
from shared_apps.api_tokens import services as api_tokens
from shared_apps.api_tokens.models import ApiToken
from shared_apps.audit.services import audit_record
from shared_apps.console.models import SupportGrant
from shared_apps.tenancy.models import Tenant

SUPPORT_GRANT_MINUTES = 30


def it_actor(user: User) -> str:
    """How an IT user appears in the audit log."""
    return f"it:{user.email}"


def it_account_create(*, email: str, full_name: str, password: str, actor: str) -> User:
    """Create an IT account in `public`: the first one of an installation, or another. Audited.

    It gets no second factor here: its first sign-in sends it to set up its authenticator app, as every
    IT account must (accounts/two_factor.py), so the password alone never opens the console.
    """
    email = email.strip().lower()
    full_name = full_name.strip()
    validate_email(email)
    if not full_name:
        raise ValidationError({"full_name": _("Give the person's full name.")})
    with schema_context("public"), transaction.atomic():
        if User.objects.filter(email=email).exists():
            raise ValidationError({"email": _("An account with this e-mail address exists already.")})
        user = User(email=email, full_name=full_name, role=User.Role.IT, is_staff=True, is_superuser=True)
        validate_password(password, user)
        user.set_password(password)
        user.save()
        audit_record(actor=actor, action="it_account.create", object_ids={"user": [user.pk]})
    return user


@transaction.atomic
def api_token_create(*, user: User, name: str, request: HttpRequest | None = None) -> tuple[ApiToken, str]:
    """Create a token in `public` for IT automation and return it with its secret, which is stored only as a hash."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name that says what uses it.")})
    token, secret = api_tokens.api_token_create(name=name[:120], created_by=user)
    audit_record(actor=it_actor(user), action="api_token.create", tenant_schema="", request=request,
                 object_ids={"api_token": [token.pk]})  # fmt: skip
    return token, secret


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken, request: HttpRequest | None = None) -> ApiToken:
    """Revoke a token at once; it is kept, revoked, so the audit log keeps pointing at it."""
    if api_tokens.api_token_revoke(token=token):
        audit_record(actor=it_actor(user), action="api_token.revoke", tenant_schema="", request=request,
                     object_ids={"api_token": [token.pk]})  # fmt: skip
    return token


@transaction.atomic
def support_grant_start(
    *, user: User, company: Tenant, reason: str, request: HttpRequest | None = None
) -> SupportGrant:
    """Open a read-only look into one company's visits for SUPPORT_GRANT_MINUTES; a reason is required."""
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError({"reason": _("Say why you need to look (at least 10 characters), e.g. a ticket number.")})
    if company.type != Tenant.Type.COMPANY or company.status not in (Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED):
        raise ValidationError({"company": _("Choose an existing company.")})
    now = timezone.now()
    grant = SupportGrant.objects.create(
        user=user, company=company, reason=reason[:300], started_at=now,
        expires_at=now + datetime.timedelta(minutes=SUPPORT_GRANT_MINUTES),
    )  # fmt: skip
    audit_record(actor=it_actor(user), action="support.start", tenant_schema=company.schema_name, request=request,
                 object_ids={"support_grant": [grant.pk]},
                 details={"reason": grant.reason, "expires_at": grant.expires_at.isoformat()})  # fmt: skip
    return grant


@transaction.atomic
def support_grant_end(*, user: User, grant: SupportGrant, request: HttpRequest | None = None) -> SupportGrant:
    """End a support look before it expires."""
    if grant.is_active():
        grant.ended_at = timezone.now()
        grant.save(update_fields=["ended_at"])
        audit_record(actor=it_actor(user), action="support.end", tenant_schema=grant.company.schema_name,
                     request=request, object_ids={"support_grant": [grant.pk]})  # fmt: skip
    return grant


def support_view_record(*, user: User, grant: SupportGrant, page: str, request: HttpRequest | None = None) -> None:
    """Write down one page of company data that IT looked at, with the grant's reason."""
    audit_record(actor=it_actor(user), action="support.view", tenant_schema=grant.company.schema_name,
                 request=request, object_ids={"support_grant": [grant.pk]},
                 details={"reason": grant.reason, "page": page})  # fmt: skip
