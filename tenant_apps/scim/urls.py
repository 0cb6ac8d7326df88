"""/scim/v2/ of a company host: the paths RFC 7644 names, without a trailing slash (as directories call them)."""

from django.urls import path

from tenant_apps.scim import api

app_name = "scim"

urlpatterns = [
    path("ServiceProviderConfig", api.service_provider_config, name="service_provider_config"),
    path("ResourceTypes", api.resource_types, name="resource_types"),
    path("Schemas", api.schemas, name="schemas"),
    path("Users", api.users, name="users"),
    path("Users/<str:scim_user_id>", api.user, name="user"),
    path("Groups", api.groups, name="groups"),
    path("Groups/<str:scim_group_id>", api.group, name="group"),
]
