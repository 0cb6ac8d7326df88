"""Writes of API tokens in the current schema. Callers audit them in their own words (console, company API)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shared_apps.accounts.models import User
from shared_apps.api_tokens.keys import PREFIX_LENGTH, api_key_hash, api_key_new
from shared_apps.api_tokens.models import ApiToken


@transaction.atomic
def api_token_create(
    *, name: str, created_by: User, scope: ApiToken.Scope = ApiToken.Scope.API
) -> tuple[ApiToken, str]:
    """Make a token in the current schema for `scope`. The key is returned once; only its hash is kept."""
    key = api_key_new()
    token = ApiToken.objects.create(
        name=name, prefix=key[:PREFIX_LENGTH], key_hash=api_key_hash(key), created_by=created_by, scope=scope
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> bool:
    """Revoke a token for good (it is kept, so the audit log keeps pointing at it). True if it was active."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return True


def api_token_touch(*, token: ApiToken) -> None:
    """Record that the token was used, at most once a minute so busy integrations do not write on every call."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
