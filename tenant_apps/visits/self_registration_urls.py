"""The page where a visitor fills in their own details: `/register/<token>/` on a company's host."""

from django.urls import path

from tenant_apps.visits import self_registration_views

app_name = "self_registration"
urlpatterns = [path("<str:token>/", self_registration_views.give, name="give")]
