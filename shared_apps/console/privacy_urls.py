"""The IT console's privacy pages, under /privacy/ on the root host."""

from django.urls import path

from shared_apps.console.views.privacy import final_export_file, platform_people

app_name = "privacy_it"
urlpatterns = [
    path("people/", platform_people, name="people"),
    path("final-export/<str:token>/", final_export_file, name="final_export"),
]
