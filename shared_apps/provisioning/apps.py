from django.apps import AppConfig


class ProvisioningConfig(AppConfig):
    """Company and building lifecycles; installed for its tasks and management commands (it has no models)."""

    name = "shared_apps.provisioning"
    label = "provisioning"
    verbose_name = "Provisioning"
