from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "shared_apps.operations"
    label = "operations"
    verbose_name = "Operations: proxy certificates and outage pages"
