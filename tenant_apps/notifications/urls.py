from django.urls import path

from tenant_apps.notifications import views

app_name = "notifications"
urlpatterns = [
    path("settings/", views.notification_settings, name="settings"),
    path("settings/channels/", views.chat_channels, name="channels"),
    path("settings/secret/", views.secret_regenerate, name="secret_regenerate"),
    path("settings/test/", views.webhook_test, name="test"),
    path("log/", views.delivery_log, name="log"),
]
