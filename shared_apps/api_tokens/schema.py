"""Tells drf-spectacular how API tokens are sent, so both OpenAPI schemas (company, provisioning) document them."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "shared_apps.api_tokens.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "`Authorization: Bearer <key>`, with a key made by a company admin at /api/v1/tokens/ (company API) "
                "or by IT at /console/tokens/ (provisioning API). `Authorization: Token <key>` is deprecated: "
                "it still works for now, and its answers carry `Deprecation: true`."
            ),
        }
