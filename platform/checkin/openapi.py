"""drf-spectacular post-processing shared by the company API and the provisioning API."""

from typing import Any


def empty_query_values(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """An optional query parameter sent empty (`?date_to=`) is read as not sent, the way DRF reads HTML forms:
    the schema says so with `allowEmptyValue`, so clients know that `?page=` is the first page, not an error."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result
