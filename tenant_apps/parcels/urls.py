from django.urls import path

from tenant_apps.parcels import views

app_name = "parcels"

urlpatterns = [
    path("", views.parcel_list, name="list"),
    path("<int:parcel_id>/", views.parcel_detail, name="detail"),
    path("<int:parcel_id>/photo/", views.parcel_photo, name="photo"),
]
