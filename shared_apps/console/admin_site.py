"""The Django admin, mounted on the root host only and open only to active IT staff."""

from typing import Any

from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.sites import AdminSite
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


class ITAdminSite(AdminSite):
    site_header = "Check-in platform administration"

    def has_permission(self, request: HttpRequest) -> bool:
        from shared_apps.console.access import is_platform_it  # this module loads with the app registry, before models

        return bool(request.user.is_staff and is_platform_it(request.user))

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # One sign-in page for the host, with its throttle and second factor; the admin's own would skip both.
        from django.contrib.auth.views import redirect_to_login  # this module loads before the models

        return redirect_to_login(request.GET.get("next") or "/admin/")

    def password_change(  # type: ignore[override]
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return redirect("accounts:password_change")  # the one that ends the account's other sessions


class ITAdminConfig(AdminConfig):
    default_site = "shared_apps.console.admin_site.ITAdminSite"
