from django.urls import path

from tenant_apps.desk import parcel_views, views

app_name = "desk"

_visit = "visits/<slug:company>/<int:visit_id>/"
_parcel = "parcels/<slug:company>/<int:parcel_id>/"

urlpatterns = [
    path("", views.board, name="board"),
    path("board/", views.board_fragment, name="board_fragment"),
    path("walk-in/", views.walk_in, name="walk_in"),
    path("evacuation/", views.evacuation, name="evacuation"),
    path("evacuation.csv", views.evacuation_download, name="evacuation_csv"),
    path(f"{_visit}check-in/", views.visit_check_in, name="visit_check_in"),
    path(f"{_visit}check-out/", views.visit_check_out, name="visit_check_out"),
    path(f"{_visit}cancel/", views.visit_cancel, name="visit_cancel"),
    path(f"{_visit}note/", views.visit_note, name="visit_note"),
    path(f"{_visit}badge/", views.visit_badge, name="visit_badge"),
    path(f"{_visit}decide/", views.visit_decide, name="visit_decide"),
    path("parcels/", parcel_views.parcels, name="parcels"),
    path("parcels/new/", parcel_views.parcel_new, name="parcel_new"),
    path(f"{_parcel}pick-up/", parcel_views.parcel_pick_up, name="parcel_pick_up"),
    path(f"{_parcel}photo/", parcel_views.parcel_photo, name="parcel_photo"),
]
