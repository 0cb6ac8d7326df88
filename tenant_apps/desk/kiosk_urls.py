"""Kiosk pairing for desk staff, at <building>.<root>/desk/kiosks/."""

from django.urls import path

from tenant_apps.desk import kiosk_views

app_name = "kiosk_desk"

urlpatterns = [
    path("", kiosk_views.kiosk_list, name="list"),
    path("<int:kiosk_id>/revoke/", kiosk_views.kiosk_revoke_view, name="revoke"),
    path("options/", kiosk_views.kiosk_options, name="options"),
]
