"""A company's own two-factor policy, read through the app that keeps the company's settings.

Accounts sits below the company apps and cannot import them: the app that keeps a company's
settings registers its reader when Django starts (in its AppConfig.ready), and accounts asks it.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

CompanyPolicy = Callable[[], bool]

_registered: dict[str, CompanyPolicy] = {}


def company_two_factor_policy_register(reader: CompanyPolicy) -> None:
    """Make `reader` (run in the current company's schema) the answer to "do its admins require it?"."""
    _registered["reader"] = reader


def company_requires_two_factor() -> bool:
    """Whether the current company's admins require a second factor of every account.

    No reader registered is a set-up error, never a silent "no": the policy would be skipped for every company.
    """
    reader = _registered.get("reader")
    if reader is None:
        raise ImproperlyConfigured("No installed app registered the company's two-factor policy.")
    return reader()
