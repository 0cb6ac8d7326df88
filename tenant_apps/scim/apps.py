from django.apps import AppConfig


class ScimConfig(AppConfig):
    name = "tenant_apps.scim"
    label = "scim"
    verbose_name = "Directory sync (SCIM 2.0) of a company's staff"
