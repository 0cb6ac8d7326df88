"""One header for every API: `Authorization: Bearer <key>`, the key looked up in the schema of the host.

So a company's key is unknown on another company's host and on the root host, and an IT key is unknown on
a company's host (401). A token acts as its creator while that account is active; what the account may do
is the permission classes' decision (IT only on the provisioning API, company admins on the company API).

`Authorization: Token <key>`, the IT console's header before there was one scheme, is still accepted for a
deprecation period: such answers carry `Deprecation: true` (DeprecatedHeaderMiddleware).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from shared_apps.accounts.models import User
from shared_apps.api_tokens.keys import api_key_hash
from shared_apps.api_tokens.models import ApiToken
from shared_apps.api_tokens.services import api_token_touch

KEYWORD = b"bearer"
DEPRECATED_KEYWORD = b"token"
_DEPRECATED_MARK = "checkin_deprecated_authorization"


def api_token_for_key(key: str, *, scope: ApiToken.Scope) -> ApiToken | None:
    """The active token of `scope` with this key in the current schema, or None: a SCIM key opens no REST API and
    an API key no SCIM endpoint."""
    token = ApiToken.objects.select_related("created_by").filter(key_hash=api_key_hash(key), scope=scope).first()
    return token if token is not None and token.revoked_at is None else None


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in (KEYWORD, DEPRECATED_KEYWORD):
            return None
        if parts[0].lower() == DEPRECATED_KEYWORD:
            setattr(request._request, _DEPRECATED_MARK, True)
        if len(parts) != 2:
            raise AuthenticationFailed(_("Invalid token header: give the key after “Bearer ”."))
        token = api_token_for_key(parts[1].decode(errors="replace"), scope=ApiToken.Scope.API)
        if token is None:
            raise AuthenticationFailed(_("Invalid or revoked API token."))
        user = token.created_by
        if user is None or not user.is_active:
            raise AuthenticationFailed(_("The account that made this token can no longer use the API."))
        api_token_touch(token=token)
        return user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class DeprecatedHeaderMiddleware:
    """Tells clients that still send `Authorization: Token <key>` to move to `Bearer` (RFC 9745's header)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, _DEPRECATED_MARK, False):
            response["Deprecation"] = "true"
        return response
