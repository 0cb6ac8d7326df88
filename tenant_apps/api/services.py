"""Writes of the company API: its tokens, and the visitor and visit details the API may change.

State changes of visits are not here: the API calls tenant_apps/visits/services.py.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from tenant_apps.api.models import ApiToken
from tenant_apps.api.tokens import PREFIX_LENGTH, api_key_hash, api_key_new


@transaction.atomic
def api_token_create(*, name: str, created_by: User) -> tuple[ApiToken, str]:
    """Make a token for an integration. The key is returned once; only its hash is kept."""
    key = api_key_new()
    token = ApiToken.objects.create(
        name=name, prefix=key[:PREFIX_LENGTH], key_hash=api_key_hash(key), created_by=created_by
    )
    audit_record(actor=created_by.email, action="api.token_created", object_ids={"api_token": [token.pk]})
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke a token for good; requests with its key are refused from now on."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor.email, action="api.token_revoked", object_ids={"api_token": [token.pk]})
    return token


def api_token_touch(*, token: ApiToken) -> None:
    """Record that the token was used, at most once a minute so busy integrations do not write on every call."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
