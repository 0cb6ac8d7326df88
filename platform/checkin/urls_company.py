"""A company's host: its staff portal and its API."""

from django.urls import include, path

from checkin.urls_common import urlpatterns as common
from shared_apps.audit.views import company_audit
from tenant_apps.visits.views import today

handler400 = "shared_apps.operations.errors.bad_request"
handler500 = "shared_apps.operations.errors.server_error"

urlpatterns = [
    path("", today, name="home"),
    path("visits/", include("tenant_apps.visits.urls")),
    path("notifications/", include("tenant_apps.notifications.urls")),
    path("privacy/", include("tenant_apps.privacy.urls")),
    path("api/v1/", include("tenant_apps.api.urls")),
    path("audit/", company_audit, name="company_audit"),
    *common,
]
