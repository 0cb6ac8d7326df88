"""The Django admin, mounted on the root host only and open only to active IT staff."""

from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.sites import AdminSite
from django.http import HttpRequest


class ITAdminSite(AdminSite):
    site_header = "Check-in platform administration"

    def has_permission(self, request: HttpRequest) -> bool:
        from shared_apps.accounts.models import User  # this module loads with the app registry, before models

        user = request.user
        return bool(user.is_active and user.is_staff and getattr(user, "role", None) == User.Role.IT)


class ITAdminConfig(AdminConfig):
    default_site = "shared_apps.console.admin_site.ITAdminSite"
