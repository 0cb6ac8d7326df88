"""The visitor's own privacy page on a company host: `/p/<token>/` (see tenant_apps/privacy/person_page.py)."""

from django.urls import path

from tenant_apps.privacy import person_page

app_name = "person_page"
urlpatterns = [
    path("<str:token>/", person_page.page, name="page"),
    path("<str:token>/my-data.json", person_page.download, name="download"),
    path("<str:token>/request/", person_page.ask, name="ask"),
    path("<str:token>/object/", person_page.object_, name="object"),
]
