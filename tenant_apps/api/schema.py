"""Tells drf-spectacular how API tokens are sent, so the OpenAPI schema documents them."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tenant_apps.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token made by a company admin at /api/v1/tokens/: `Authorization: Bearer ck_...`",
        }
