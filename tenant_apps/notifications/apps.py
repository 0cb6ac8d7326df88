from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tenant_apps.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Visits announce their changes; notifications writes the deliveries (visits never imports notifications).
        from tenant_apps.notifications.visit_receivers import visit_receivers_connect

        visit_receivers_connect()
