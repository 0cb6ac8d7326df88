"""A company's host: its staff portal and its API."""

from django.urls import include, path

from checkin.urls_common import urlpatterns as common
from shared_apps.accounts.models import User
from tenant_apps.visits.audit_views import company_audit
from tenant_apps.visits.views import today

handler400 = "shared_apps.operations.errors.bad_request"
handler404 = "shared_apps.operations.errors.not_found"
handler500 = "shared_apps.operations.errors.server_error"

COMPANY_STAFF = {
    "roles": (User.Role.ADMIN, User.Role.MEMBER),
    "manager_roles": (User.Role.ADMIN,),
    "nav_template": "visits/_nav.html",
}

urlpatterns = [
    path("", today, name="home"),
    path("visits/", include("tenant_apps.visits.urls")),
    path("hosts/", include("tenant_apps.visits.host_urls")),
    path("parcels/", include("tenant_apps.parcels.urls")),
    path("users/", include("shared_apps.accounts.staff.urls"), COMPANY_STAFF),
    path("settings/directory/", include("tenant_apps.scim.settings_urls")),
    path("settings/", include("tenant_apps.visits.settings_urls")),
    path("", include("tenant_apps.sso.urls")),  # /sso/login/, /sso/callback/, /settings/sso/
    path("notifications/", include("tenant_apps.notifications.urls")),
    path("privacy/", include("tenant_apps.privacy.urls")),
    path("p/", include("tenant_apps.privacy.person_page_urls")),  # the visitor's own page, by signed link
    path("approval/", include("tenant_apps.visits.approval_urls")),  # a waiting walk-in's approve/decline links
    path("register/", include("tenant_apps.visits.self_registration_urls")),  # a visitor's own details, by link
    path("api/v1/", include("tenant_apps.api.urls")),
    path("scim/v2/", include("tenant_apps.scim.urls")),
    path("audit/", company_audit, name="company_audit"),
    *common,
]
