from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "tenant_apps.desk"
    label = "desk"
    verbose_name = "Reception desk"
