"""The building's block list for desk staff, at <building>.<root>/desk/block-list/."""

from django.urls import path

from tenant_apps.desk import block_list_views

app_name = "block_list"

urlpatterns = [
    path("", block_list_views.block_list, name="list"),
    path("<int:entry_id>/remove/", block_list_views.block_list_remove_view, name="remove"),
]
