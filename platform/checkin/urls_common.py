"""URL patterns every host type serves."""

from django.urls import include, path

from checkin.favicon import favicon

urlpatterns = [
    path("accounts/", include("shared_apps.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", favicon, name="favicon"),
]
