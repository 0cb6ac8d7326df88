"""A building's host: the front desk (and, later, the lobby kiosk)."""

from django.urls import path

from checkin.urls_common import urlpatterns as common
from tenant_apps.desk.views import desk_home

urlpatterns = [
    path("", desk_home, name="home"),
    *common,
]
