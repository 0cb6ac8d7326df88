from django.apps import AppConfig


class LoginThrottleConfig(AppConfig):
    name = "shared_apps.login_throttle"
    label = "login_throttle"
    verbose_name = "Login throttle: failed sign-ins per account and per address, across every host"
