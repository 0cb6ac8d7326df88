from django.apps import AppConfig


class KioskConfig(AppConfig):
    name = "tenant_apps.kiosk"
    label = "kiosk"
    verbose_name = "Lobby kiosk"
