"""Kiosk pairing for desk staff, at <building>.<root>/desk/kiosks/."""

from django.urls import path

from tenant_apps.kiosk import desk_views

app_name = "kiosk_desk"

urlpatterns = [
    path("", desk_views.kiosk_list, name="list"),
    path("<int:kiosk_id>/revoke/", desk_views.kiosk_revoke_view, name="revoke"),
    path("options/", desk_views.kiosk_options, name="options"),
]
