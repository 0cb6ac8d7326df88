"""drf-spectacular post-processing shared by the company API and the provisioning API."""

import re
from collections.abc import Iterator
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


def _component(result: dict[str, Any], schema: dict[str, Any] | None) -> dict[str, Any]:
    """The schema itself, or the component it refers to."""
    ref = (schema or {}).get("$ref", "")
    return result["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else (schema or {})


def _json_schema(result: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
    return _component(result, content.get("application/json", {}).get("schema"))


def _creations(result: dict[str, Any]) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Each collection path (one ending with a literal segment) whose POST answers 201: the POST, and the
    component of what it made."""
    creations = {}
    for path, item in result.get("paths", {}).items():
        operation = item.get("post")
        if not path.endswith("}/") and operation and "201" in operation["responses"]:
            creations[path] = (operation, _json_schema(result, operation["responses"]["201"]["content"]))
    return creations


def _item_paths(result: dict[str, Any], collection: str) -> Iterator[tuple[str, str]]:
    """The paths of one item of the collection and below it, each with the item's path parameter."""
    for path in result.get("paths", {}):
        segment = path[len(collection) :].split("/", 1)[0]
        if path.startswith(collection) and re.fullmatch(r"{\w+}", segment):
            yield path, segment.strip("{}")


def _link(target: dict[str, Any], **link: Any) -> dict[str, Any]:
    return {target["operationId"]: {"operationId": target["operationId"], **link}}


def _links_of_creation(
    result: dict[str, Any], collection: str, made: dict[str, Any], creations: dict[str, Any]
) -> dict[str, Any]:
    paths = result["paths"]
    fields = made.get("properties", {})
    links: dict[str, Any] = {}
    # What reads, changes or removes the made item, or works below it (not on items below it, whose
    # parameter the creation does not know); its other path parameters are the creation's own.
    for path, parameter in _item_paths(result, collection):
        values = {name: f"$request.path.{name}" for name in re.findall(r"{(\w+)}", collection)}
        values[parameter] = f"$response.body#/{parameter if parameter in fields else 'id'}"
        if set(re.findall(r"{(\w+)}", path)) - values.keys():
            continue
        for operation in paths[path].values():
            links |= _link(operation, parameters=values)
    # The item a field names: a field called after a sibling collection (`visitor` of /api/v1/visitors/).
    parent = collection.rstrip("/").rsplit("/", 1)[0]
    for field in fields:
        for path, parameter in _item_paths(result, f"{parent}/{field}s/"):
            if path.count("/") == collection.count("/") + 1 and "get" in paths[path]:
                links |= _link(paths[path]["get"], parameters={parameter: f"$response.body#/{field}"})
    # The creations whose body names an item of this collection (`visitor` of POST /api/v1/visits/).
    kind = collection.rstrip("/").rsplit("/", 1)[1].removesuffix("s")
    for other, (operation, _made) in creations.items():
        body = _json_schema(result, operation["requestBody"]["content"])
        if other != collection and kind in body.get("properties", {}):
            identifier = "slug" if "slug" in fields else "id"
            links |= _link(operation, requestBody={kind: f"$response.body#/{identifier}"})
    return links


def operation_links(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """OpenAPI links from each creation to what a client does next with what it made, so a client (and the
    stateful fuzz test) can follow them without knowing the URL layout:

    - every operation on the made item's path and below it (`POST /api/v1/visits/` → `GET`/`PUT`/`PATCH
      /api/v1/visits/{id}/`, its `check-in/`...; `POST /api/v1/buildings/` → its `desk-staff/`), the item's
      parameter taken from the made object's field of that name, else its `id`;
    - the item a field of the made object names (a visit's `visitor` → `GET /api/v1/visitors/{id}/`, a
      company's `building` → `GET /api/v1/buildings/{slug}/`);
    - the creations whose body names an item of this kind (`POST /api/v1/visitors/` → `POST /api/v1/visits/`
      with that `visitor`, `POST /api/v1/buildings/` → `POST /api/v1/companies/` in that `building`).

    A creation that also answers 200 (a repeated request returns what exists) has the same links there.
    """
    creations = _creations(result)
    for collection, (operation, made) in creations.items():
        links = _links_of_creation(result, collection, made, creations)
        for status in ("200", "201"):
            if links and status in operation["responses"]:
                operation["responses"][status]["links"] = links
    return result
