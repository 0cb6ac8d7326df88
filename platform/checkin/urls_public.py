"""The root host: the platform's IT console, API and the Django admin."""

from django.contrib import admin
from django.urls import path

from checkin.urls_common import urlpatterns as common
from shared_apps.tenancy.views import console_home

urlpatterns = [
    path("", console_home, name="home"),
    path("admin/", admin.site.urls),
    *common,
]
