"""A company's single sign-on, as the sign-in pages of accounts see it.

Accounts sits below the company apps and cannot import them: the app that keeps a company's identity provider
(tenant_apps/sso) registers its readers when Django starts, and accounts asks them on a company's host only.
Nothing registered (a project without that app) means password sign-in alone, as before.
"""

from collections.abc import Callable
from dataclasses import dataclass

from shared_apps.accounts.models import User
from shared_apps.accounts.two_factor import _host_type
from shared_apps.tenancy.models import Tenant


@dataclass(frozen=True)
class SignInOption:
    label: str  # "Sign in with Contoso"
    url: str


OptionsReader = Callable[[], SignInOption | None]
PasswordRule = Callable[[User], bool]

_registered: dict[str, Callable[..., object]] = {}


def sign_in_policy_register(*, option: OptionsReader, password_refused: PasswordRule) -> None:
    """`option` gives the current company's single sign-on button (or None); `password_refused(user)` says whether
    that company refuses `user` a password sign-in, reset or change (its identity provider is the only way in)."""
    _registered["option"] = option
    _registered["password_refused"] = password_refused


def _company_host() -> bool:
    return _host_type() == Tenant.Type.COMPANY


def sign_in_option() -> SignInOption | None:
    """The single sign-on button of this host's sign-in page, if its company has one."""
    reader = _registered.get("option")
    if reader is None or not _company_host():
        return None
    option = reader()
    return option if isinstance(option, SignInOption) else None


def password_refused(user: User) -> bool:
    """Whether `user` may not use a password here: its company signs in through its identity provider only."""
    rule = _registered.get("password_refused")
    return bool(rule is not None and _company_host() and rule(user))
