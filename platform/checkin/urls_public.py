"""The root host: the platform's IT console, its API and the Django admin."""

from django.contrib import admin
from django.urls import include, path

from checkin.urls_common import urlpatterns as common
from shared_apps.console.views.buildings import building_list

handler400 = "shared_apps.operations.errors.bad_request"
handler404 = "shared_apps.operations.errors.not_found"
handler500 = "shared_apps.operations.errors.server_error"

urlpatterns = [
    path("", building_list, name="home"),
    path("console/", include("shared_apps.console.urls")),
    path("api/v1/", include("shared_apps.console.api_urls")),
    path("admin/", admin.site.urls),
    path("privacy/", include("shared_apps.console.privacy_urls")),
    *common,
]
