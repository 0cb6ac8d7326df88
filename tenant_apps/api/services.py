"""Writes of the company API: its tokens (made in the company's schema by shared_apps/api_tokens), audited.

State changes of visits are not here: the API calls tenant_apps/visits/services.py.
"""

from django.db import transaction

from shared_apps.accounts.models import User
from shared_apps.api_tokens import services as api_tokens
from shared_apps.api_tokens.models import ApiToken
from shared_apps.audit.services import audit_record


@transaction.atomic
def api_token_create(*, name: str, created_by: User) -> tuple[ApiToken, str]:
    """Make a token for an integration. The key is returned once; only its hash is kept."""
    token, key = api_tokens.api_token_create(name=name, created_by=created_by)
    audit_record(actor=created_by.email, action="api.token_created", object_ids={"api_token": [token.pk]})
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke a token for good; requests with its key are refused from now on."""
    if api_tokens.api_token_revoke(token=token):
        audit_record(actor=actor.email, action="api.token_revoked", object_ids={"api_token": [token.pk]})
    return token
