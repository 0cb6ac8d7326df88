"""What the throttle counts: keys (keyed hashes of an e-mail address or a client address) and their limits."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import salted_hmac

# Always named with its schema: requests run on their own tenant's schema (and role).
TABLE = "public.login_throttle"


@dataclass(frozen=True)
class Limit:
    failures: int  # this many failures within `window` ...
    window: dt.timedelta
    lockout: dt.timedelta  # ... lock the key for this long


def _limits() -> dict[str, Limit]:
    window = dt.timedelta(seconds=settings.CHECKIN_LOGIN_WINDOW_SECONDS)
    lockout = dt.timedelta(seconds=settings.CHECKIN_LOGIN_LOCKOUT_SECONDS)
    return {
        "account": Limit(settings.CHECKIN_LOGIN_ACCOUNT_FAILURES, window, lockout),
        "ip": Limit(settings.CHECKIN_LOGIN_IP_FAILURES, window, lockout),
    }


def throttle_key(scope: str, value: str) -> str:
    # A keyed hash: the table says how often, never who or from where.
    return f"{scope}:{salted_hmac('checkin.login_throttle', value, algorithm='sha256').hexdigest()[:64]}"


def account_key(email: str) -> str:
    """The same for an address on every host: the count follows the e-mail, not the subdomain."""
    return throttle_key("account", email.strip().lower())


def throttle_keys(*, email: str | None, ip: str) -> list[tuple[str, Limit]]:
    limits = _limits()
    keys = [(throttle_key("ip", ip), limits["ip"])]
    if email:
        keys.append((account_key(email), limits["account"]))
    return keys
