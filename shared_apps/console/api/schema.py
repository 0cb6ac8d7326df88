"""How the provisioning API's token appears in its OpenAPI schema."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ProvisioningTokenScheme(OpenApiAuthenticationExtension):
    target_class = "shared_apps.console.api.authentication.ApiTokenAuthentication"
    name = "itToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "An IT token made at /console/tokens/: `Authorization: Token <secret>`",
        }
