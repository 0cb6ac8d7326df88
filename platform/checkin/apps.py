"""The project's own app: its system checks, and Sentry once the settings are final."""

from django.apps import AppConfig
from django.conf import settings


class CheckinConfig(AppConfig):
    name = "checkin"

    def ready(self) -> None:
        from checkin import checks  # noqa: F401 - registers the deploy checks

        # Here rather than in the base settings: the production settings change its environment after importing them.
        if settings.SENTRY_DSN:
            from checkin.sentry import init_sentry

            init_sentry(
                settings.SENTRY_DSN, environment=settings.SENTRY_ENVIRONMENT, release=settings.SENTRY_RELEASE or None
            )
