from django.urls import path

from tenant_apps.visits import host_views

app_name = "hosts"

urlpatterns = [
    path("", host_views.host_list, name="list"),
    path("new/", host_views.host_new, name="new"),
    path("me/", host_views.host_own_channel, name="own"),
    path("<int:host_id>/edit/", host_views.host_edit, name="edit"),
    path("<int:host_id>/active/", host_views.host_active, name="active"),
]
