from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "tenant_apps.sso"
    label = "sso"
    verbose_name = "Single sign-on"

    def ready(self) -> None:
        # The sign-in pages live in accounts, below the company apps: they ask this app through these readers.
        from shared_apps.accounts.sign_in_policy import sign_in_policy_register
        from tenant_apps.sso.selectors import password_refused, sign_in_button

        sign_in_policy_register(option=sign_in_button, password_refused=password_refused)
