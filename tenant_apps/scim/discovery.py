"""What the service provider tells a directory about itself (RFC 7644 section 4): ServiceProviderConfig,
ResourceTypes and Schemas, limited to what Check-in keeps."""

from typing import Any

from django.http import HttpRequest

from tenant_apps.scim.protocol import (
    CORE_GROUP,
    CORE_USER,
    MAX_RESULTS,
    RESOURCE_TYPE,
    SCHEMA,
    SERVICE_PROVIDER_CONFIG,
)


def service_provider_config(request: HttpRequest) -> dict[str, Any]:
    return {
        "schemas": [SERVICE_PROVIDER_CONFIG],
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [{
            "type": "oauthbearertoken", "name": "Bearer token", "primary": True,
            "description": "A SCIM token made by a company admin on the company's Directory sync page.",
        }],
        "meta": {"resourceType": "ServiceProviderConfig",
                 "location": request.build_absolute_uri("/scim/v2/ServiceProviderConfig")},
    }  # fmt: skip


def resource_types(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "schemas": [RESOURCE_TYPE], "id": name, "name": name, "endpoint": f"/{name}s", "schema": schema,
            "meta": {"resourceType": "ResourceType",
                     "location": request.build_absolute_uri(f"/scim/v2/ResourceTypes/{name}")},
        }
        for name, schema in (("User", CORE_USER), ("Group", CORE_GROUP))
    ]  # fmt: skip


def _attribute(name: str, kind: str = "string", **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, "multiValued": False, "required": False, "caseExact": False,
            "mutability": "readWrite", "returned": "default", "uniqueness": "none", **extra}  # fmt: skip


def schemas(request: HttpRequest) -> list[dict[str, Any]]:
    sub = {"subAttributes": [_attribute("value"), _attribute("display", mutability="readOnly")]}
    user = [
        _attribute("userName", required=True, uniqueness="server"),
        _attribute(
            "name", "complex", subAttributes=[_attribute(name) for name in ("givenName", "familyName", "formatted")]
        ),
        _attribute("displayName"),
        _attribute(
            "emails",
            "complex",
            multiValued=True,
            subAttributes=[_attribute("value"), _attribute("type"), _attribute("primary", "boolean")],
        ),
        _attribute("active", "boolean"),
        _attribute("preferredLanguage"),
        _attribute("externalId", caseExact=True),
        _attribute("groups", "complex", multiValued=True, mutability="readOnly", **sub),
    ]
    group = [
        _attribute("displayName", required=True),
        _attribute("externalId", caseExact=True),
        _attribute("members", "complex", multiValued=True, **sub),
    ]
    return [
        {"schemas": [SCHEMA], "id": urn, "name": name, "attributes": attributes,
         "meta": {"resourceType": "Schema", "location": request.build_absolute_uri(f"/scim/v2/Schemas/{urn}")}}
        for urn, name, attributes in ((CORE_USER, "User", user), (CORE_GROUP, "Group", group))
    ]  # fmt: skip
