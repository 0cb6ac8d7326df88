from django.urls import path

from tenant_apps.scim import views

app_name = "directory"

urlpatterns = [
    path("", views.directory, name="settings"),
    path("tokens/<int:scim_token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("groups/<int:group_id>/role/", views.group_role, name="group_role"),
]
