from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from shared_apps.accounts.models import User


class IsCompanyStaff(BasePermission):
    """Signed in (session or token) as an admin or member of the company of this host."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.role in (User.Role.ADMIN, User.Role.MEMBER))
