"""Reads of SCIM provisioning in the current company schema."""

import uuid

from django.db.models import QuerySet
from django.db.models.functions import Lower

from tenant_apps.scim.models import ScimGroup, ScimUser
from tenant_apps.scim.protocol import Filter, ScimError

USER_FILTERS = {"username", "externalid", "id", "emails.value", 'emails[type eq "work"].value'}
GROUP_FILTERS = {"displayname", "externalid", "id"}


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def scim_users(filters: Filter) -> QuerySet[ScimUser]:
    """The directory's users matching `filters` (userName and e-mail compared without case, RFC 7643)."""
    users = ScimUser.objects.select_related("user").prefetch_related("user__scim_groups").order_by("created_at", "pk")
    for attribute, value in filters.equals.items():
        if attribute == "username":
            users = users.alias(lowered=Lower("user_name")).filter(lowered=value.lower())
        elif attribute == "externalid":
            users = users.filter(external_id=value)
        elif attribute == "id":
            found = _uuid(value)
            users = users.filter(scim_id=found) if found else users.none()
        else:
            users = users.filter(user__email=value.lower())
    return users


def scim_user(scim_id: str) -> ScimUser:
    """The directory's user with this id, or SCIM 404."""
    found = _uuid(scim_id)
    scim_user = ScimUser.objects.select_related("user").filter(scim_id=found).first() if found else None
    if scim_user is None:
        raise ScimError(404, "No such user.")
    return scim_user


def scim_groups(filters: Filter) -> QuerySet[ScimGroup]:
    """The directory's groups matching `filters`, and Entra ID's `members[value eq "<id>"]` test."""
    groups = ScimGroup.objects.order_by("created_at", "pk")
    for attribute, value in filters.equals.items():
        if attribute == "displayname":
            groups = groups.filter(display_name=value)
        elif attribute == "externalid":
            groups = groups.filter(external_id=value)
        else:
            found = _uuid(value)
            groups = groups.filter(scim_id=found) if found else groups.none()
    if filters.member is not None:
        member = _uuid(filters.member)
        groups = groups.filter(members__scim__scim_id=member) if member else groups.none()
    return groups


def scim_group(scim_id: str) -> ScimGroup:
    """The directory's group with this id, or SCIM 404."""
    found = _uuid(scim_id)
    group = ScimGroup.objects.filter(scim_id=found).first() if found else None
    if group is None:
        raise ScimError(404, "No such group.")
    return group


def groups_for_mapping() -> QuerySet[ScimGroup]:
    """The groups the directory pushed, for the admin's role mapping."""
    return ScimGroup.objects.order_by("display_name", "pk")
