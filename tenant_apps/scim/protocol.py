"""The SCIM 2.0 wire format (RFC 7643, 7644) as far as Microsoft Entra ID and Okta use it: schema URNs, the error
body, list responses, the `filter` expressions they send and the shapes of their PATCH operations.

No database here: services.py applies what this module parses."""

import json
import re
from dataclasses import dataclass
from typing import Any

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SERVICE_PROVIDER_CONFIG = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RESOURCE_TYPE = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"
CONTENT_TYPE = "application/scim+json"
MAX_RESULTS = 200  # a page of a list; the ServiceProviderConfig says so


class ScimError(Exception):
    """A refusal in SCIM's error format: `status` (HTTP), `scim_type` (RFC 7644 3.12) and a detail for the
    directory's administrator, which names attributes, never their values."""

    def __init__(self, status: int, detail: str, scim_type: str = "") -> None:
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"schemas": [ERROR], "status": str(self.status), "detail": self.detail}
        if self.scim_type:
            body["scimType"] = self.scim_type
        return body


def invalid(detail: str, scim_type: str = "invalidValue") -> ScimError:
    return ScimError(400, detail, scim_type)


def body_of(raw: bytes) -> dict[str, Any]:
    """The request's JSON object, or a SCIM 400."""
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise invalid("The body is not JSON.", "invalidSyntax") from error
    if not isinstance(body, dict):
        raise invalid("The body must be a JSON object.", "invalidSyntax")
    return body


def list_response(resources: list[dict[str, Any]], *, total: int, start_index: int) -> dict[str, Any]:
    return {
        "schemas": [LIST_RESPONSE], "totalResults": total, "startIndex": start_index,
        "itemsPerPage": len(resources), "Resources": resources,
    }  # fmt: skip


def paging(start_index: str | None, count: str | None) -> tuple[int, int]:
    """`startIndex` (1-based) and `count` as RFC 7644 3.4.2.4 reads them: below 1 counts as 1, a negative count as
    0; `count` is at most MAX_RESULTS."""
    try:
        start = max(1, int(start_index)) if start_index else 1
        size = min(MAX_RESULTS, max(0, int(count))) if count else MAX_RESULTS
    except ValueError as error:
        raise invalid("startIndex and count must be whole numbers.") from error
    return start, size


# --- filters -------------------------------------------------------------------------------------------------------

_CLAUSE = re.compile(
    r'\s*(?P<attr>[A-Za-z][\w.:\-]*(?:\[type eq "work"\]\.value)?)\s+eq\s+"(?P<value>(?:[^"\\]|\\.)*)"\s*'
    r'|\s*members\[\s*value\s+eq\s+"(?P<member>(?:[^"\\]|\\.)*)"\s*\]\s*',
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Filter:
    """`attr eq "value"` clauses joined by `and` (what Entra ID and Okta send), lower-cased attribute names; and
    Entra's membership test `members[value eq "<id>"]`."""

    equals: dict[str, str]
    member: str | None = None


def filter_parse(text: str | None, *, attributes: set[str]) -> Filter:
    """Parse a `filter` whose attributes are among `attributes` (lower-case); anything else is a SCIM 400."""
    if not text or not text.strip():
        return Filter(equals={})
    equals: dict[str, str] = {}
    member = None
    for part in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE):
        match = _CLAUSE.fullmatch(part)
        if match is None:
            raise invalid('Only “attribute eq "value"” filters joined by “and” are supported.', "invalidFilter")
        if match.group("member") is not None:
            member = json.loads(f'"{match.group("member")}"')
            continue
        attr = _attribute(match.group("attr")).lower()
        if attr not in attributes:
            raise invalid(f"Filtering on {match.group('attr')} is not supported.", "invalidFilter")
        equals[attr] = json.loads(f'"{match.group("value")}"')
    return Filter(equals=equals, member=member)


def _attribute(path: str) -> str:
    """A path without its core schema's URN prefix (`urn:...:core:2.0:User:userName` is `userName`)."""
    for urn in (CORE_USER, CORE_GROUP):
        if path.lower().startswith(urn.lower() + ":"):
            return path[len(urn) + 1 :]
    return path


# --- PATCH ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    op: str  # add, replace or remove
    path: str  # without the core schema's URN; "" when the operation has none
    value: Any


def operations_of(body: dict[str, Any]) -> list[Operation]:
    """The operations of a PatchOp body, with the op lower-cased (Entra ID sends `Replace`, Okta `replace`)."""
    if PATCH_OP not in (body.get("schemas") or []):
        raise invalid(f"A PATCH names the schema {PATCH_OP}.", "invalidSyntax")
    raw = body.get("Operations")
    if not isinstance(raw, list) or not raw:
        raise invalid("A PATCH holds a non-empty list of Operations.", "invalidSyntax")
    operations = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("op"), str):
            raise invalid("Each operation needs an op.", "invalidSyntax")
        op = item["op"].lower()
        if op not in ("add", "replace", "remove"):
            raise invalid("An op is add, replace or remove.", "invalidSyntax")
        path = item.get("path") or ""
        if not isinstance(path, str):
            raise invalid("A path is a string.", "invalidPath")
        if not path and op == "remove":
            raise invalid("A remove operation needs a path.", "noTarget")
        if not path and not isinstance(item.get("value"), dict):
            raise invalid("An operation without a path needs an object as its value.", "invalidValue")
        operations.append(Operation(op=op, path=_attribute(path), value=item.get("value")))
    return operations


def boolean(value: Any, name: str) -> bool:
    """A SCIM boolean; Entra ID's older requests send `"True"` and `"False"` as strings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise invalid(f"{name} must be true or false.")


def text(value: Any, name: str, *, max_length: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise invalid(f"{name} must be a string.")
    value = value.strip()
    if required and not value:
        raise invalid(f"{name} is required.")
    if len(value) > max_length:
        raise invalid(f"{name} is longer than {max_length} characters.")
    return value


_MEMBER_PATH = re.compile(r'members\[\s*value\s+eq\s+"(?P<value>(?:[^"\\]|\\.)*)"\s*\]', re.IGNORECASE)


def member_in_path(path: str) -> str | None:
    """The member id of Okta's `members[value eq "<id>"]` path, or None."""
    match = _MEMBER_PATH.fullmatch(path.strip())
    return json.loads(f'"{match.group("value")}"') if match else None


def member_ids(value: Any) -> list[str]:
    """The ids of a `members` value: a list of `{"value": "<id>", ...}` (a single object is taken as a list)."""
    if value is None:
        return []
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, dict) and isinstance(item.get("value"), str)
                                              for item in value):  # fmt: skip
        raise invalid("members is a list of objects with a value.")
    return [item["value"] for item in value]
