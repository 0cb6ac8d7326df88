from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "tenant_apps.visits"
    label = "visits"
    verbose_name = "Visits"

    def ready(self) -> None:
        # The company's settings (and so its two-factor requirement) live here; accounts, below, reads them this way.
        from shared_apps.accounts.two_factor_policy import company_two_factor_policy_register
        from tenant_apps.visits.selectors import company_requires_two_factor

        company_two_factor_policy_register(company_requires_two_factor)
