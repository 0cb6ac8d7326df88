"""Who may use the company API, and how a caller appears in timelines and the audit log."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from shared_apps.api_tokens.access import may_act_with_token
from shared_apps.api_tokens.models import ApiToken
from tenant_apps.visits.access import is_company_staff


class IsCompanyStaff(BasePermission):
    """Signed in (session or token) as an admin or member of the company of this host.

    A token acts for the admin who made it only while that account is still an admin: tokens are an
    admin's tool (/api/v1/tokens/), so a token of an admin since made a member is refused."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if isinstance(request.auth, ApiToken):
            self.message = _("The admin who made this token can no longer use the API.")
            return may_act_with_token(user)
        return is_company_staff(user)


def actor_label(request: Any) -> str:
    """Who acted, for timelines and the audit log: the token's id, or the signed-in user's e-mail."""
    if isinstance(request.auth, ApiToken):
        return f"api-token:{request.auth.pk}"
    return str(request.user.email)
