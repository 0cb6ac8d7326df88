from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "tenant_apps.visits"
    label = "visits"
    verbose_name = "Visits"
