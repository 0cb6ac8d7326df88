from django.urls import path

from tenant_apps.visits import settings_views

app_name = "company_settings"

urlpatterns = [path("", settings_views.settings_edit, name="edit")]
