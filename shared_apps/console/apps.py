from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "shared_apps.console"
    label = "console"
    verbose_name = "IT console"

    def ready(self) -> None:
        from shared_apps.console.api import schema  # noqa: F401 - registers the token scheme with drf-spectacular
