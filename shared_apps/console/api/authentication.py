"""Who calls the provisioning API: an IT token (`Authorization: Token <secret>`), and only IT may pass."""

from django.http import HttpRequest
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from shared_apps.accounts.models import User
from shared_apps.console.models import ApiToken
from shared_apps.console.services import token_hash

KEYWORD = "Token"


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send 'Authorization: Token <secret>' with one secret.")
        token = (
            ApiToken.objects.select_related("created_by")
            .filter(key_hash=token_hash(parts[1].decode("latin-1")), revoked_at=None)
            .first()
        )
        if token is None or not token.created_by.is_active:
            raise exceptions.AuthenticationFailed("Unknown or revoked token: create one in the console.")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.created_by, token

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


class IsPlatformITUser(BasePermission):
    """An active IT account of the public schema, however it signed in (the schema page accepts the console session)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.role == User.Role.IT)


class IsPlatformIT(IsPlatformITUser):
    """An active IT account of the public schema, through one of its tokens."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return super().has_permission(request, view) and isinstance(request.auth, ApiToken)


def http_request(request: Request) -> HttpRequest:
    """The Django request under DRF's, for the audit log's client address."""
    return request._request


def api_actor(request: Request) -> str:
    token: ApiToken = request.auth  # type: ignore[assignment]
    return f"api:{token.prefix}:{token.created_by.email}"
