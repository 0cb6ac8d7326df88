"""The company URLconf with the Users pages mounted for desk staff, as the desk host will mount them."""

from typing import Any

from django.urls import URLPattern, URLResolver, include, path

from checkin.urls_company import urlpatterns as company

DESK_STAFF: dict[str, Any] = {"roles": ("desk",), "manager_roles": ("desk",), "nav_template": "visits/_nav.html"}

urlpatterns = [
    *[p for p in company if isinstance(p, URLPattern | URLResolver) and str(p.pattern) != "users/"],
    path("users/", include("shared_apps.accounts.staff.urls"), DESK_STAFF),
]
