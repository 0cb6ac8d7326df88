"""Absolute links to Check-in's hosts, as the people who receive them must type them.

Invitations, console links, provisioning API answers and privacy e-mails are read
outside any request, so their scheme and port come from settings, never from a
request: `CHECKIN_PUBLIC_SCHEME` and `CHECKIN_PUBLIC_PORT` (https and no port in
production, http and :8000 in development), and their paths from the URLconf of the
host's tenant type, as settings.TENANT_TYPES names it for the router.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SCHEMES = ("https", "http")


def scheme_validate(scheme: str) -> str:
    """The scheme in lower case, or a one-line refusal naming the variable to fix."""
    value = scheme.strip().lower()
    if value not in SCHEMES:
        raise ImproperlyConfigured(f"CHECKIN_PUBLIC_SCHEME={scheme!r}: use https (or http in development).")
    return value


def port_validate(port: str) -> str:
    """An empty string (the scheme's default port) or a TCP port number."""
    value = port.strip()
    if value and not (value.isdigit() and 0 < int(value) < 65536):
        raise ImproperlyConfigured(f"CHECKIN_PUBLIC_PORT={port!r}: leave it empty or give a port number.")
    return value


def public_origin(host: str) -> str:
    """`scheme://host[:port]` for `host`, without the port when it is the scheme's default."""
    scheme, port = settings.CHECKIN_PUBLIC_SCHEME, settings.CHECKIN_PUBLIC_PORT
    default = {"https": "443", "http": "80"}[scheme]
    return f"{scheme}://{host}" + (f":{port}" if port and port != default else "")


def urlconf_of(tenant_type: str) -> str:
    """The URLconf serving the hosts of `tenant_type`: to build their paths outside their requests."""
    return str(settings.TENANT_TYPES[tenant_type]["URLCONF"])
