"""Who may call the provisioning API: IT, with an API token of the public schema (`Authorization: Bearer <key>`,
shared_apps/api_tokens/authentication.py). A token of a user who is not IT authenticates but is refused (403)."""

from typing import cast

from django.http import HttpRequest
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from shared_apps.accounts.models import User
from shared_apps.api_tokens.models import ApiToken
from shared_apps.console.access import is_platform_it


class IsPlatformITUser(BasePermission):
    """An active IT account of the public schema, however it signed in (the schema page accepts the console session)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_platform_it(request.user)  # type: ignore[arg-type]  # anonymous: not authenticated, refused


class IsPlatformIT(IsPlatformITUser):
    """An active IT account of the public schema, through one of its tokens."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return super().has_permission(request, view) and isinstance(request.auth, ApiToken)


def http_request(request: Request) -> HttpRequest:
    """The Django request under DRF's, for the audit log's client address."""
    return request._request


def api_actor(request: Request) -> str:
    """How a token's call appears in the audit log: the token's prefix and the IT user it acts for."""
    token: ApiToken = request.auth  # type: ignore[assignment]
    return f"api:{token.prefix}:{cast(User, request.user).email}"
