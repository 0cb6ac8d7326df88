"""What the provider puts in its ID tokens: e-mail, name and groups; and, for clients named for it, a token that
a relying party must refuse (another issuer, another audience, another nonce, or already expired), still signed
with the provider's real key."""

import time
from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

# A client whose id starts with one of these gets the matching faulty token.
FAULTS: dict[str, dict[str, Any]] = {
    "wrong-issuer": {"iss": "https://someone-else.example"},
    "wrong-audience": {"aud": "another-company-client"},
    "wrong-nonce": {"nonce": "not-the-nonce-that-was-sent"},
    "expired": {"exp": lambda: int(time.time()) - 3600, "iat": lambda: int(time.time()) - 7200},
}


class ClaimsValidator(OAuth2Validator):
    oidc_claim_scope = OAuth2Validator.oidc_claim_scope | {"groups": "profile", "email_verified": "email"}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        return {
            "email": user.email,
            "email_verified": True,
            "name": f"{user.first_name} {user.last_name}".strip(),
            "given_name": user.first_name,
            "family_name": user.last_name,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }

    def get_id_token_dictionary(self, token: Any, token_handler: Any, request: Any) -> tuple[dict[str, Any], Any]:
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        for prefix, changes in FAULTS.items():
            if request.client_id.startswith(prefix):
                claims.update({key: value() if callable(value) else value for key, value in changes.items()})
        return claims, expiration
