from django.apps import AppConfig


class ApiTokensConfig(AppConfig):
    name = "shared_apps.api_tokens"
    label = "api_tokens"
    verbose_name = "API tokens: IT's in the public schema, a company's in its own schema"

    def ready(self) -> None:
        from shared_apps.api_tokens import schema  # noqa: F401 - registers the token scheme with drf-spectacular
