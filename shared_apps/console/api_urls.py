"""The provisioning API on the root host, for IT automation with a token."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authentication import SessionAuthentication

from shared_apps.api_tokens.authentication import ApiTokenAuthentication
from shared_apps.console.api.permissions import IsPlatformITUser
from shared_apps.console.api.views import (
    BuildingDetailView,
    BuildingListView,
    CompanyDetailView,
    CompanyListView,
    DeskStaffDetailView,
    DeskStaffListView,
)

app_name = "api"

urlpatterns = [
    path("buildings/", BuildingListView.as_view(), name="buildings"),
    path("buildings/<slug:slug>/", BuildingDetailView.as_view(), name="building"),
    path("buildings/<slug:slug>/desk-staff/", DeskStaffListView.as_view(), name="desk_staff"),
    path("buildings/<slug:slug>/desk-staff/<int:user_id>/", DeskStaffDetailView.as_view(), name="desk_account"),
    path("companies/", CompanyListView.as_view(), name="companies"),
    path("companies/<slug:slug>/", CompanyDetailView.as_view(), name="company"),
    path(
        "schema/",
        SpectacularAPIView.as_view(
            custom_settings={
                "TITLE": "Check-in provisioning API",
                "DESCRIPTION": (
                    "Buildings, their desk staff and companies, for the platform's IT automation on the root host. "
                    "Authenticate with `Authorization: Bearer <token>` (tokens are made by IT at /console/tokens/). "
                    "`Authorization: Token <token>` is deprecated: it still works, and answers to it carry "
                    "`Deprecation: true`."
                ),
            },
            authentication_classes=[ApiTokenAuthentication, SessionAuthentication],
            permission_classes=[IsPlatformITUser],
        ),
        name="schema",
    ),
]
