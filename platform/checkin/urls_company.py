"""A company's host: its staff portal."""

from django.urls import path

from checkin.urls_common import urlpatterns as common
from tenant_apps.visits.views import today

urlpatterns = [
    path("", today, name="home"),
    *common,
]
