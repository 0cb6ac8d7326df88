from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tenant_apps.api"
    label = "api"
    verbose_name = "Company API"

    def ready(self) -> None:
        from tenant_apps.api import schema  # noqa: F401 - registers the token scheme with drf-spectacular
