"""How the API knows the caller: an API token of this company, or the portal's session."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from shared_apps.accounts.models import User
from tenant_apps.api.models import ApiToken
from tenant_apps.api.services import api_token_touch
from tenant_apps.api.tokens import api_key_hash

KEYWORDS = (b"bearer", b"token")


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer ck_...`. The token is looked up in the schema of the host, so a key of
    another company is unknown here (401). A token acts as its creator while that account is active."""

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Invalid token header: give the key after “Bearer ”."))
        key = parts[1].decode(errors="replace")
        token = ApiToken.objects.select_related("created_by").filter(key_hash=api_key_hash(key)).first()
        if token is None or token.revoked_at is not None:
            raise AuthenticationFailed(_("Invalid or revoked API token."))
        user = token.created_by
        if user is None or not user.is_active or user.role != User.Role.ADMIN:
            raise AuthenticationFailed(_("The admin who made this token can no longer use the API."))
        api_token_touch(token=token)
        return user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


def actor_label(request: Any) -> str:
    """Who acted, for timelines and the audit log: the token's id, or the signed-in user's e-mail."""
    if isinstance(request.auth, ApiToken):
        return f"api-token:{request.auth.pk}"
    return str(request.user.email)
