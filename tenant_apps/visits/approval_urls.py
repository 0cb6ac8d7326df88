"""The approve and decline links of waiting walk-ins: `/approval/<token>/` on a company's host."""

from django.urls import path

from tenant_apps.visits import approval_views

app_name = "approval"
urlpatterns = [path("<str:token>/", approval_views.decide, name="decide")]
