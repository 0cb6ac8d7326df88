"""drf-spectacular post-processing shared by the company API and the provisioning API."""

from typing import Any

from shared_apps.operations.api_input import CONFLICT

# What every refusal looks like: DRF's `{"detail": ...}` (with our `code` where a client branches on it).
ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail"],
}
# A 400: the message list of each field that was refused (a list or an object field's own errors by key or
# index), or `non_field_errors` for a rule across fields.
FIELD_ERRORS = {
    "type": "object",
    "additionalProperties": {"anyOf": [{"type": "array", "items": {}}, {"type": "object"}]},
    "example": {"email": ["Enter a valid email address."]},
}


def empty_query_values(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """An optional query parameter sent empty (`?date_to=`) is read as not sent, the way DRF reads HTML forms:
    the schema says so with `allowEmptyValue`, so clients know that `?page=` is the first page, not an error."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result


def _ref(component: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{component}"}


def _answer(description: str, component: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(component)}}}


def error_responses(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """Every status the server can answer, with its body, so a client knows what a refusal means.

    The statuses follow from what an operation takes: any operation may be 401 (no or a bad credential),
    403 (a credential without the right) or 406 (an `Accept` it cannot serve); a body or a query can be
    refused field by field (400) or sent in a media type the operation does not take (415); anything can
    be 404 (an id or slug that names nothing, a page past the last, a resource the role does not see); and
    an operation marked with `CONFLICT` can be refused because of the state it finds (409).
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["FieldErrors"] = FIELD_ERRORS
    for path in result.get("paths", {}).values():
        for operation in path.values():
            parameters = operation.get("parameters", [])
            statuses = {
                "401": _answer("No credential, or one that is not valid.", "Error"),
                "403": _answer("The credential does not allow this.", "Error"),
                "406": _answer("The `Accept` header names no media type this API answers in.", "Error"),
            }
            if "requestBody" in operation or any(p.get("in") == "query" for p in parameters):
                statuses["400"] = {
                    "description": "The input was refused: the messages of each field, or why the body could not "
                    "be read at all.",
                    "content": {"application/json": {"schema": {"anyOf": [_ref("FieldErrors"), _ref("Error")]}}},
                }
            if "requestBody" in operation:
                statuses["415"] = _answer("The body is not in a media type this operation takes.", "Error")
            statuses["404"] = _answer("Nothing here: an id or slug that names nothing, a page past the last.", "Error")
            if all(operation.pop(key, None) == value for key, value in CONFLICT.items()):
                statuses["409"] = _answer("Refused because of the state the resource is in.", "Error")
            responses = operation.setdefault("responses", {})
            for status, answer in statuses.items():
                responses.setdefault(status, answer)
    return result
