"""Writes of SCIM provisioning in the current company schema: accounts, their hosts, groups and roles, the tokens.

Every write is one transaction, checked whole before anything is stored, so a refused request leaves nothing
half-written; every call is in the audit log as the token that made it, with ids and attribute names, never the
names or addresses sent."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.http import HttpRequest

from shared_apps.accounts.languages import LANGUAGE_CHOICES
from shared_apps.accounts.models import User
from shared_apps.accounts.services import sessions_end
from shared_apps.api_tokens import services as api_tokens
from shared_apps.api_tokens.models import ApiToken
from shared_apps.audit.services import audit_record
from tenant_apps.scim.models import ScimGroup, ScimUser
from tenant_apps.scim.protocol import ScimError, invalid
from tenant_apps.visits.models import Host
from tenant_apps.visits.services import HostDetails, host_create, host_set_active, host_update

LANGUAGES = {code for code, _name in LANGUAGE_CHOICES}


def scim_actor(token: ApiToken) -> str:
    """Who the audit log names for a SCIM call: the token (its prefix and name), not a person."""
    return f"SCIM token {token.prefix}… ({token.name})"


# --- tokens --------------------------------------------------------------------------------------------------------


@transaction.atomic
def scim_token_create(*, name: str, created_by: User, request: HttpRequest | None = None) -> tuple[ApiToken, str]:
    """Make the directory's token (shared_apps/api_tokens, scope SCIM). The key is returned once; only its hash is
    kept. It acts as the directory, not as its maker: it keeps working when the maker leaves."""
    token, key = api_tokens.api_token_create(name=name, created_by=created_by, scope=ApiToken.Scope.SCIM)
    audit_record(actor=created_by.email, action="scim.token_created", request=request,
                 object_ids={"api_token": [token.pk]})  # fmt: skip
    return token, key


@transaction.atomic
def scim_token_revoke(*, token: ApiToken, actor: User, request: HttpRequest | None = None) -> ApiToken:
    """Revoke a SCIM token for good: the directory's next call is refused (401)."""
    if api_tokens.api_token_revoke(token=token):
        audit_record(actor=actor.email, action="scim.token_revoked", request=request,
                     object_ids={"api_token": [token.pk]})  # fmt: skip
    return token


# --- users ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserAttributes:
    """What Check-in keeps of a SCIM User resource."""

    user_name: str
    external_id: str = ""
    given_name: str = ""
    family_name: str = ""
    display_name: str = ""
    email: str = ""
    active: bool = True
    language: str = ""

    def full_name(self) -> str:
        return (self.display_name or f"{self.given_name} {self.family_name}".strip() or self.user_name)[:150]

    def account_email(self) -> str:
        """The account's address: the work e-mail sent, else the user name when it is an address (Entra ID's UPN)."""
        for candidate in (self.email, self.user_name):
            try:
                validate_email(candidate)
            except ValidationError:
                continue
            return candidate.lower()
        raise invalid("An e-mail address is needed: send emails (type work) or a userName that is one.")


def user_attributes_of(scim_user: ScimUser) -> UserAttributes:
    user = scim_user.user
    # A name made of the given and family names is no display name of its own: it follows when either changes;
    # an address that is the user name follows it.
    made = f"{scim_user.given_name} {scim_user.family_name}".strip()
    return UserAttributes(
        user_name=scim_user.user_name, external_id=scim_user.external_id, given_name=scim_user.given_name,
        family_name=scim_user.family_name, display_name="" if user.full_name == made else user.full_name,
        email="" if user.email == scim_user.user_name.lower() else user.email,  # the same for an address
        active=user.is_active, language=user.language,
    )  # fmt: skip


def _user_taken(attributes: UserAttributes, *, scim_user: ScimUser | None) -> None:
    others = ScimUser.objects.alias(lowered=Lower("user_name")).filter(lowered=attributes.user_name.lower())
    if scim_user is not None:
        others = others.exclude(pk=scim_user.pk)
    if others.exists():
        raise ScimError(409, "Another user has this userName.", "uniqueness")
    owner = User.objects.filter(email=attributes.account_email()).first()
    # A new user may take over an unmanaged account with its address; nobody takes a managed one's.
    taken = hasattr(owner, "scim") if scim_user is None else owner is not None and owner.pk != scim_user.user_id
    if taken:
        raise ScimError(409, "Another user has this e-mail address.", "uniqueness")


def _host_follow(user: User) -> Host:
    """Keep the account's host as the directory says: linked (an unlinked host with the same address is taken over
    rather than doubled), named and addressed as the account, active exactly while the account is."""
    host = Host.objects.filter(user=user).first() or Host.objects.filter(user=None, email__iexact=user.email).first()
    if host is None:
        host = host_create(details=HostDetails(name=user.full_name, email=user.email, phone="",
                                               notify_by=Host.Notify.EMAIL, user=user))  # fmt: skip
    else:
        host = host_update(host=host, details=HostDetails(name=user.full_name, email=user.email, phone=host.phone,
                                                          notify_by=host.notify_by, user=user))  # fmt: skip
    if host.is_active != user.is_active:
        host_set_active(host=host, active=user.is_active)
    return host


def _account_apply(user: User, attributes: UserAttributes) -> bool:
    """Write the attributes on the account; True when it was deactivated by this write."""
    deactivated = user.is_active and not attributes.active
    user.email = attributes.account_email()
    user.full_name = attributes.full_name()
    user.is_active = attributes.active
    if attributes.language in LANGUAGES:
        user.language = attributes.language
    user.save()
    return deactivated


def _changed(before: UserAttributes | None, after: UserAttributes) -> list[str]:
    names = ["user_name", "external_id", "given_name", "family_name", "display_name", "email", "active", "language"]
    return [name for name in names if before is None or getattr(before, name) != getattr(after, name)]


def _audit_user(token: ApiToken, action: str, scim_user: ScimUser, request: HttpRequest | None, **details: Any) -> None:
    audit_record(actor=scim_actor(token), action=action, request=request, details=details,
                 object_ids={"user": [scim_user.user_id], "api_token": [token.pk]})  # fmt: skip


@transaction.atomic
def scim_user_create(*, attributes: UserAttributes, token: ApiToken, request: HttpRequest | None = None) -> ScimUser:
    """Provision an account (a member, unless a group mapped to admin says otherwise) and its host. An existing
    account of this company with the same address that no directory manages yet is taken over, not doubled."""
    _user_taken(attributes, scim_user=None)
    user = User.objects.filter(email=attributes.account_email()).first()
    adopted = user is not None
    if user is None:
        user = User(role=User.Role.MEMBER)
        user.set_unusable_password()  # signs in through the company's single sign-on, or a password reset
    deactivated = _account_apply(user, attributes)
    scim_user = ScimUser.objects.create(
        user=user, user_name=attributes.user_name, external_id=attributes.external_id,
        given_name=attributes.given_name, family_name=attributes.family_name,
    )  # fmt: skip
    host = _host_follow(user)
    if deactivated:
        sessions_end(user=user)
    _roles_follow_groups([user])
    _audit_user(token, "scim.user_created", scim_user, request, adopted=adopted, active=user.is_active,
                host=host.pk)  # fmt: skip
    return scim_user


@transaction.atomic
def scim_user_update(
    *, scim_user: ScimUser, attributes: UserAttributes, token: ApiToken, request: HttpRequest | None = None
) -> ScimUser:
    """Change an account as the directory says (PUT or PATCH). A deactivation ends the account's sessions at once
    and hides its host from every host list; a reactivation brings both back."""
    before = user_attributes_of(scim_user)
    _user_taken(attributes, scim_user=scim_user)
    deactivated = _account_apply(scim_user.user, attributes)
    scim_user.user_name, scim_user.external_id = attributes.user_name, attributes.external_id
    scim_user.given_name, scim_user.family_name = attributes.given_name, attributes.family_name
    scim_user.save()
    _host_follow(scim_user.user)
    ended = sessions_end(user=scim_user.user) if deactivated else 0
    action = "scim.user_updated"
    if before.active != attributes.active:
        action = "scim.user_reactivated" if attributes.active else "scim.user_deactivated"
    _audit_user(token, action, scim_user, request, attributes=_changed(before, attributes), sessions_ended=ended)
    return scim_user


@transaction.atomic
def scim_user_delete(*, scim_user: ScimUser, token: ApiToken, request: HttpRequest | None = None) -> None:
    """The directory deleted the user: the account is deactivated (its sessions ended, its host hidden) and no
    longer managed; it is kept, deactivated, for the visits and logs that name it."""
    user = scim_user.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = sessions_end(user=user)
    _host_follow(user)
    user.scim_groups.clear()
    _audit_user(token, "scim.user_deleted", scim_user, request, sessions_ended=ended)
    scim_user.delete()


# --- groups and roles ----------------------------------------------------------------------------------------------


def _roles_follow_groups(users: Iterable[User]) -> None:
    """Once an admin has mapped a group to a role, a directory-managed account is an admin exactly while it is in a
    group mapped to admin, else a member. While no group is mapped, roles are Check-in's to set."""
    if not ScimGroup.objects.exclude(role=ScimGroup.Role.NONE).exists():
        return
    for user in users:
        if not hasattr(user, "scim"):
            continue
        admin = user.scim_groups.filter(role=ScimGroup.Role.ADMIN).exists()
        role = User.Role.ADMIN if admin else User.Role.MEMBER
        if user.role != role:
            user.role = role
            user.save(update_fields=["role"])


def _members(ids: list[str]) -> list[User]:
    users = []
    for value in dict.fromkeys(ids):
        try:
            scim_id = uuid.UUID(value)
        except ValueError as error:
            raise invalid("A member is not a user of this directory.") from error
        scim_user = ScimUser.objects.select_related("user").filter(scim_id=scim_id).first()
        if scim_user is None:
            raise invalid("A member is not a user of this directory.")
        users.append(scim_user.user)
    return users


@dataclass(frozen=True)
class GroupAttributes:
    display_name: str
    external_id: str = ""
    member_ids: tuple[str, ...] = ()


def group_attributes_of(group: ScimGroup) -> GroupAttributes:
    ids = tuple(
        str(scim_id) for scim_id in group.members.filter(scim__isnull=False).values_list("scim__scim_id", flat=True)
    )
    return GroupAttributes(display_name=group.display_name, external_id=group.external_id, member_ids=ids)


def _audit_group(token: ApiToken, action: str, group: ScimGroup, request: HttpRequest | None, **details: Any) -> None:
    audit_record(actor=scim_actor(token), action=action, request=request, details=details,
                 object_ids={"scim_group": [group.pk], "api_token": [token.pk]})  # fmt: skip


@transaction.atomic
def scim_group_create(*, attributes: GroupAttributes, token: ApiToken, request: HttpRequest | None = None) -> ScimGroup:
    """Add a group of the directory, with its members. It gives no role until an admin maps it to one."""
    members = _members(list(attributes.member_ids))
    group = ScimGroup.objects.create(display_name=attributes.display_name, external_id=attributes.external_id)
    group.members.set(members)
    _audit_group(token, "scim.group_created", group, request, members=len(members))
    return group


@transaction.atomic
def scim_group_update(
    *, group: ScimGroup, attributes: GroupAttributes, token: ApiToken, request: HttpRequest | None = None
) -> ScimGroup:
    """Rename a group or change its members (PUT or PATCH); the roles of those who joined or left follow."""
    members = _members(list(attributes.member_ids))
    before = set(group.members.values_list("pk", flat=True))
    group.display_name, group.external_id = attributes.display_name, attributes.external_id
    group.save()
    group.members.set(members)
    after = {user.pk for user in members}
    _roles_follow_groups(User.objects.filter(pk__in=before ^ after))
    _audit_group(token, "scim.group_updated", group, request, joined=sorted(after - before),
                 left=sorted(before - after))  # fmt: skip
    return group


@transaction.atomic
def scim_group_delete(*, group: ScimGroup, token: ApiToken, request: HttpRequest | None = None) -> None:
    """Remove a group; its members' roles follow the groups left."""
    members = list(group.members.all())
    _audit_group(token, "scim.group_deleted", group, request, members=len(members))
    group.delete()
    _roles_follow_groups(members)


@transaction.atomic
def scim_group_role_set(*, group: ScimGroup, role: str, by: User, request: HttpRequest | None = None) -> ScimGroup:
    """An admin maps a directory group to a role (or to none); every directory-managed account's role follows."""
    group.role = role
    group.save(update_fields=["role", "updated_at"])
    _roles_follow_groups(User.objects.filter(scim__isnull=False))
    audit_record(actor=by.email, action="scim.group_role_set", request=request,
                 object_ids={"scim_group": [group.pk]}, details={"role": role or "none"})  # fmt: skip
    return group
