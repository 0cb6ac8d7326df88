"""The directory's calls carry `Authorization: Bearer <key>`, a SCIM-scope token of the host's company schema:
another company's key, an API key, a revoked or a missing one is a SCIM 401."""

from django.http import HttpRequest

from shared_apps.api_tokens.authentication import api_token_for_key
from shared_apps.api_tokens.models import ApiToken
from shared_apps.api_tokens.services import api_token_touch
from tenant_apps.scim.protocol import ScimError


def scim_token(request: HttpRequest) -> ApiToken:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise ScimError(401, "Send the company's SCIM token as “Authorization: Bearer <key>”.")
    token = api_token_for_key(key.strip(), scope=ApiToken.Scope.SCIM)
    if token is None:
        raise ScimError(401, "Invalid or revoked SCIM token.")
    api_token_touch(token=token)
    return token
