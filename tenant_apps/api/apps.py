from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tenant_apps.api"
    label = "api"
    verbose_name = "Company API"
