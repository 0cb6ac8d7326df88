"""The root host: the platform's IT console, its API and the Django admin."""

from django.contrib import admin
from django.urls import include, path

from checkin.urls_common import urlpatterns as common
from shared_apps.tenancy.views import console_home

handler400 = "shared_apps.operations.errors.bad_request"
handler500 = "shared_apps.operations.errors.server_error"

urlpatterns = [
    path("", console_home, name="home"),
    path("console/", include("shared_apps.console.urls")),
    path("api/v1/", include("shared_apps.console.api_urls")),
    path("admin/", admin.site.urls),
    *common,
]
