from django.urls import path

from tenant_apps.sso import views

app_name = "sso"

urlpatterns = [
    path("sso/login/", views.sso_login, name="login"),
    path("sso/callback/", views.sso_callback, name="callback"),
    path("settings/sso/", views.sso_settings, name="settings"),
    path("settings/sso/remove/", views.sso_remove, name="remove"),
]
