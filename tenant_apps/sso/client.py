"""The OpenID Connect relying party, done by Authlib: authorization code flow with PKCE (S256), state and nonce kept
in this host's session, the ID token's signature checked against the provider's JWKS, and its issuer, audience,
expiry, nonce and at_hash validated. Nothing of the protocol is written here."""

from typing import Any

from authlib.integrations.django_client import DjangoOAuth2App, OAuth

from tenant_apps.sso.discovery import TIMEOUT_SECONDS, discovery_url
from tenant_apps.sso.models import IdentityProvider

SCOPES = "openid email profile"
LEEWAY_SECONDS = 60  # clock skew between the provider and us


def oidc_client(provider: IdentityProvider) -> DjangoOAuth2App:
    """A client for one request: the configuration is the company's, read from its schema, never shared."""
    client: DjangoOAuth2App = OAuth().register(
        name="company",  # the session key of the pending sign-in; sessions are per host already
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=discovery_url(provider.issuer),
        client_kwargs={"scope": SCOPES, "code_challenge_method": "S256", "default_timeout": TIMEOUT_SECONDS},
    )
    return client


def claims_options(provider: IdentityProvider) -> dict[str, Any]:
    """The issuer saved with the configuration (not whatever the discovery document says today) and this company's
    client as audience; expiry and issue time are essential."""
    return {
        "iss": {"essential": True, "value": provider.issuer},
        "aud": {"essential": True, "value": provider.client_id},
        "exp": {"essential": True},
        "iat": {"essential": True},
    }
