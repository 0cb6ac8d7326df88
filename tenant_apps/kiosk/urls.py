"""The lobby kiosk, at <building>.<root>/kiosk/."""

from django.urls import path

from tenant_apps.kiosk import views

app_name = "kiosk"

urlpatterns = [
    path("", views.start, name="start"),
    path("pair/", views.pair, name="pair"),
    path("language/", views.language, name="language"),
    path("language/switch/", views.language_switch, name="language_switch"),
    path("brand.css", views.brand_stylesheet, name="brand_css"),
    path("brand-logo/", views.building_logo, name="building_logo"),
    path("reset/", views.reset, name="reset"),
    path("menu/", views.menu, name="menu"),
    path("walk-in/", views.walk_in_company, name="walk_in"),
    path("walk-in/host/", views.walk_in_host, name="walk_in_host"),
    path("walk-in/details/", views.walk_in_details, name="walk_in_details"),
    path("invitation/", views.invitation, name="invitation"),
    path("invitation/confirm/", views.invitation_confirm, name="invitation_confirm"),
    path("check-out/", views.check_out, name="check_out"),
    path("waiting/", views.waiting, name="waiting"),
    path("waiting/status/", views.waiting_status, name="waiting_status"),
    path("done/", views.done, name="done"),
    path("badge/", views.badge, name="badge"),
    path("logos/<int:company_id>/", views.company_logo, name="company_logo"),
]
