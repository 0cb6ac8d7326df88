"""The company host's privacy pages, under /privacy/."""

from django.urls import path

from tenant_apps.privacy import objection_views, person_page, views
from tenant_apps.privacy.api import RetentionAPI

app_name = "privacy"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("me/", person_page.me, name="me"),  # anyone: the visitor's own link sent by e-mail (person_page.py)
    path("retention/", views.retention, name="retention"),
    path("api/retention/", RetentionAPI.as_view(), name="retention_api"),
    path("exports/", views.exports, name="exports"),
    path("exports/<int:export_id>/download/", views.export_file, name="export_download"),
    path("people/", views.people, name="people"),
    path("people/<int:visitor_id>/", views.person, name="person"),
    path("people/<int:visitor_id>/record.json", views.person_json, name="person_json"),
    path("people/<int:visitor_id>/record.html", views.person_html, name="person_html"),
    path("people/<int:visitor_id>/erase/", views.person_erase_view, name="person_erase"),
    path("people/<int:visitor_id>/restriction/", views.person_restriction, name="person_restriction"),
    path("people/<int:visitor_id>/merge/", views.person_merge, name="person_merge"),
    path("confirm-consent/<str:token>/", objection_views.objection_confirm, name="objection_confirm"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:request_id>/", views.request_detail, name="request"),
]
