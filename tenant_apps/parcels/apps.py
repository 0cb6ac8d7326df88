from django.apps import AppConfig


class ParcelsConfig(AppConfig):
    name = "tenant_apps.parcels"
    label = "parcels"
    verbose_name = "Parcels"
