from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "tenant_apps.desk"
    label = "desk"
    verbose_name = "Reception desk"

    def ready(self) -> None:
        # The kiosk (below the desk) finds a code's company through the desk's building view, registered here.
        from tenant_apps.desk.selectors import visit_key_by_code_digests
        from tenant_apps.kiosk.selectors import code_owner_register

        code_owner_register(visit_key_by_code_digests)
