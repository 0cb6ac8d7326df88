from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "tenant_apps.privacy"
    label = "privacy"
    verbose_name = "Retention, exports and data-subject requests"
