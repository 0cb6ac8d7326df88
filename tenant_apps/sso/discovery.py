"""The identity provider's discovery document (OpenID Connect Discovery 1.0), fetched and checked when an admin
saves the configuration, so a typing error shows on the form instead of at the first sign-in."""

from typing import Any

import requests
from django.conf import settings
from django.utils.translation import gettext as _

DISCOVERY_PATH = "/.well-known/openid-configuration"
TIMEOUT_SECONDS = 8
_REQUIRED = ("authorization_endpoint", "token_endpoint", "jwks_uri")


class DiscoveryError(Exception):
    """The message says what is wrong, in the admin's language."""


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + DISCOVERY_PATH


def scheme_allowed(url: str) -> bool:
    """HTTPS always; plain HTTP only where CHECKIN_SSO_ALLOW_HTTP is on (development and tests, never production)."""
    return url.startswith("https://") or (settings.CHECKIN_SSO_ALLOW_HTTP and url.startswith("http://"))


def discovery_fetch(issuer: str) -> dict[str, Any]:
    """The provider's metadata, checked: its issuer is the one typed (a trailing slash aside), and it names the
    endpoints of the authorization code flow with PKCE (S256)."""
    if not scheme_allowed(issuer):
        raise DiscoveryError(_("The issuer URL must start with https://."))
    try:
        response = requests.get(discovery_url(issuer), timeout=TIMEOUT_SECONDS, allow_redirects=False)
    except requests.RequestException as error:
        raise DiscoveryError(
            _("The identity provider could not be reached at %(url)s (%(reason)s).")
            % {"url": discovery_url(issuer), "reason": type(error).__name__}
        ) from error
    if response.status_code != 200:
        raise DiscoveryError(
            _("The identity provider answered %(status)s at %(url)s: check the issuer URL.")
            % {"status": response.status_code, "url": discovery_url(issuer)}
        )
    try:
        metadata = response.json()
    except ValueError as error:
        message = _("The discovery document at %(url)s is not JSON.") % {"url": discovery_url(issuer)}
        raise DiscoveryError(message) from error
    if not isinstance(metadata, dict) or not isinstance(metadata.get("issuer"), str):
        raise DiscoveryError(_("The discovery document names no issuer."))
    if metadata["issuer"].rstrip("/") != issuer.rstrip("/"):
        raise DiscoveryError(
            _("The provider calls itself %(found)s, not %(typed)s: type its issuer URL exactly.")
            % {"found": metadata["issuer"], "typed": issuer}
        )
    missing = [name for name in _REQUIRED if not isinstance(metadata.get(name), str)]
    if missing:
        raise DiscoveryError(_("The discovery document lacks %(names)s.") % {"names": ", ".join(missing)})
    if not all(scheme_allowed(metadata[name]) for name in _REQUIRED):
        raise DiscoveryError(_("The provider's endpoints must use https://."))
    methods = metadata.get("code_challenge_methods_supported")
    if isinstance(methods, list) and "S256" not in methods:
        raise DiscoveryError(_("The provider does not support PKCE with S256."))
    return metadata
