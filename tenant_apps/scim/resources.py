"""SCIM User and Group resources: read from the JSON Entra ID and Okta send (POST, PUT, PATCH) and written back.

Attributes Check-in does not keep (phone numbers, titles, addresses, the enterprise extension) are accepted and
ignored, as RFC 7644 lets a service provider do, so a directory's default attribute mappings work unchanged."""

from dataclasses import replace
from typing import Any

from django.http import HttpRequest

from tenant_apps.scim.models import ScimGroup, ScimUser
from tenant_apps.scim.protocol import (
    CORE_GROUP,
    CORE_USER,
    Operation,
    boolean,
    invalid,
    member_ids,
    member_in_path,
    text,
)
from tenant_apps.scim.services import GroupAttributes, UserAttributes, group_attributes_of, user_attributes_of

# --- users ---------------------------------------------------------------------------------------------------------


def _work_email(emails: Any) -> str:
    """The primary address of `emails`, else the work one, else the first; "" when none is sent."""
    if emails is None:
        return ""
    if not isinstance(emails, list) or not all(isinstance(item, dict) for item in emails):
        raise invalid("emails is a list of objects.")
    chosen = next((item for item in emails if item.get("primary") in (True, "true", "True")), None)
    chosen = chosen or next((item for item in emails if item.get("type") == "work"), None)
    chosen = chosen or (emails[0] if emails else None)
    return text(chosen.get("value"), "emails.value", max_length=254) if chosen else ""


def user_attributes_from(body: dict[str, Any]) -> UserAttributes:
    """A whole User resource (POST, PUT)."""
    name = body.get("name") or {}
    if not isinstance(name, dict):
        raise invalid("name is an object.")
    return UserAttributes(
        user_name=text(body.get("userName"), "userName", max_length=254, required=True),
        external_id=text(body.get("externalId"), "externalId", max_length=254),
        given_name=text(name.get("givenName"), "name.givenName", max_length=150),
        family_name=text(name.get("familyName"), "name.familyName", max_length=150),
        display_name=text(body.get("displayName") or name.get("formatted"), "displayName", max_length=150),
        email=_work_email(body.get("emails")),
        active=boolean(body["active"], "active") if "active" in body else True,
        language=text(body.get("preferredLanguage") or body.get("locale"), "preferredLanguage", max_length=35)[:2],
    )


_USER_PATHS = {
    "active": ("active", lambda value: boolean(value, "active")),
    "username": ("user_name", lambda value: text(value, "userName", max_length=254, required=True)),
    "externalid": ("external_id", lambda value: text(value, "externalId", max_length=254)),
    "displayname": ("display_name", lambda value: text(value, "displayName", max_length=150)),
    "name.formatted": ("display_name", lambda value: text(value, "name.formatted", max_length=150)),
    "name.givenname": ("given_name", lambda value: text(value, "name.givenName", max_length=150)),
    "name.familyname": ("family_name", lambda value: text(value, "name.familyName", max_length=150)),
    "emails": ("email", _work_email),
    'emails[type eq "work"].value': ("email", lambda value: text(value, "emails.value", max_length=254)),
    "emails[primary eq true].value": ("email", lambda value: text(value, "emails.value", max_length=254)),
    "preferredlanguage": ("language", lambda value: text(value, "preferredLanguage", max_length=35)[:2]),
    "locale": ("language", lambda value: text(value, "locale", max_length=35)[:2]),
}
_REMOVABLE = {"external_id", "display_name", "given_name", "family_name", "language"}


def _user_set(attributes: UserAttributes, op: str, path: str, value: Any) -> UserAttributes:
    key = path.strip().lower()
    if key == "name" and isinstance(value, dict):  # a whole complex attribute
        for sub, sub_value in value.items():
            attributes = _user_set(attributes, op, f"name.{sub}", sub_value)
        return attributes
    if key not in _USER_PATHS:
        return attributes  # an attribute Check-in does not keep
    field, parse = _USER_PATHS[key]
    if op == "remove":
        if field not in _REMOVABLE:
            raise invalid(f"{path} cannot be removed.", "mutability")
        return replace(attributes, **{field: ""})  # type: ignore[arg-type]
    return replace(attributes, **{field: parse(value)})  # type: ignore[arg-type]


def user_patched(scim_user: ScimUser, operations: list[Operation]) -> UserAttributes:
    """The attributes after Entra ID's or Okta's PATCH operations, in order: a path (`active`, `name.givenName`,
    `emails[type eq "work"].value`) or none with an object of attributes (`{"active": false}`)."""
    attributes = user_attributes_of(scim_user)
    for operation in operations:
        if operation.path:
            attributes = _user_set(attributes, operation.op, operation.path, operation.value)
            continue
        for key, value in operation.value.items():
            attributes = _user_set(attributes, operation.op, key, value)
    return attributes


def user_resource(scim_user: ScimUser, request: HttpRequest) -> dict[str, Any]:
    user = scim_user.user
    resource: dict[str, Any] = {
        "schemas": [CORE_USER],
        "id": str(scim_user.scim_id),
        "userName": scim_user.user_name,
        "name": {"givenName": scim_user.given_name, "familyName": scim_user.family_name, "formatted": user.full_name},
        "displayName": user.full_name,
        "emails": [{"value": user.email, "type": "work", "primary": True}],
        "active": user.is_active,
        "preferredLanguage": user.language,
        "groups": [{"value": str(group.scim_id), "display": group.display_name} for group in user.scim_groups.all()],
        "meta": {
            "resourceType": "User",
            "created": scim_user.created_at.isoformat(),
            "lastModified": scim_user.updated_at.isoformat(),
            "location": request.build_absolute_uri(f"/scim/v2/Users/{scim_user.scim_id}"),
        },
    }
    if scim_user.external_id:
        resource["externalId"] = scim_user.external_id
    return resource


# --- groups --------------------------------------------------------------------------------------------------------


def group_attributes_from(body: dict[str, Any]) -> GroupAttributes:
    return GroupAttributes(
        display_name=text(body.get("displayName"), "displayName", max_length=256, required=True),
        external_id=text(body.get("externalId"), "externalId", max_length=254),
        member_ids=tuple(member_ids(body.get("members"))),
    )


def _group_set(attributes: GroupAttributes, op: str, path: str, value: Any) -> GroupAttributes:
    key = path.strip().lower()
    current = list(attributes.member_ids)
    if key == "members":
        if op == "add":
            return replace(attributes, member_ids=tuple(dict.fromkeys(current + member_ids(value))))
        if op == "remove":  # with a value: those; without: every member
            gone = set(member_ids(value)) if value is not None else set(current)
            return replace(attributes, member_ids=tuple(member for member in current if member not in gone))
        return replace(attributes, member_ids=tuple(member_ids(value)))
    member = member_in_path(path)
    if member is not None and op == "remove":  # Okta: members[value eq "<id>"]
        return replace(attributes, member_ids=tuple(item for item in current if item != member))
    if key == "displayname":
        if op == "remove":
            raise invalid("displayName cannot be removed.", "mutability")
        return replace(attributes, display_name=text(value, "displayName", max_length=256, required=True))
    if key == "externalid":
        return replace(attributes, external_id="" if op == "remove" else text(value, "externalId", max_length=254))
    if key in ("id", "schemas", "meta"):
        return attributes  # Okta repeats the id in a replace without a path
    raise invalid(f"{path} is not an attribute of a group.", "invalidPath")


def group_patched(group: ScimGroup, operations: list[Operation]) -> GroupAttributes:
    """The group after the PATCH operations Entra ID (`Add`/`Remove` on `members` with a list, `Replace` on
    `displayName`) and Okta (`members[value eq "<id>"]`, `replace` with an object) send."""
    attributes = group_attributes_of(group)
    for operation in operations:
        if operation.path:
            attributes = _group_set(attributes, operation.op, operation.path, operation.value)
            continue
        for key, value in operation.value.items():
            attributes = _group_set(attributes, operation.op, key, value)
    return attributes


def group_resource(group: ScimGroup, request: HttpRequest, *, members: bool = True) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "schemas": [CORE_GROUP],
        "id": str(group.scim_id),
        "displayName": group.display_name,
        "meta": {
            "resourceType": "Group",
            "created": group.created_at.isoformat(),
            "lastModified": group.updated_at.isoformat(),
            "location": request.build_absolute_uri(f"/scim/v2/Groups/{group.scim_id}"),
        },
    }
    if group.external_id:
        resource["externalId"] = group.external_id
    if members:
        resource["members"] = [
            {"value": str(user.scim.scim_id), "display": user.full_name}
            for user in group.members.filter(scim__isnull=False).select_related("scim")
        ]
    return resource
