"""A building's desk staff, managed by IT: invited to the building's desk host, deactivated, listed.

The console, the provisioning API and the `desk_staff` and `create_building` commands call these and nothing
else. The accounts live in the building's reception schema; the invitation is the accounts app's (a one-time
link to choose a password on the desk's host, the same as a company's first admin gets), e-mailed once the
transaction committed. Every write is in the audit log under the reception schema.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from shared_apps.accounts.invitations import language_supported, user_invite
from shared_apps.accounts.models import User
from shared_apps.accounts.services import sessions_end
from shared_apps.audit.services import audit_record
from shared_apps.database import db_roles
from shared_apps.provisioning.buildings import building_create
from shared_apps.provisioning.companies import validate_admin_email
from shared_apps.tenancy.conflicts import Conflict
from shared_apps.tenancy.links import tenant_url
from shared_apps.tenancy.models import Building, Tenant
from shared_apps.tenancy.text import text_clean

FULL_NAME_MAX = 150  # User.full_name


def reception_of(building: Building) -> Tenant:
    return Tenant.objects.get(building=building, type=Tenant.Type.RECEPTION)


def desk_staff_of(*, building: Building) -> list[User]:
    """The building's desk accounts, active first, then by name."""
    with tenant_context(reception_of(building)):
        return list(User.objects.filter(role=User.Role.DESK).order_by("-is_active", "full_name", "email"))


def desk_account(*, building: Building, user_id: int | None = None, email: str = "") -> User | None:
    """One desk account of the building, by id or by e-mail address; None if it has no such account."""
    with tenant_context(reception_of(building)):
        accounts = User.objects.filter(role=User.Role.DESK)
        if user_id is not None:
            return accounts.filter(pk=user_id).first()
        return accounts.filter(email=email.strip().lower()).first()


def _full_name(full_name: str, email: str) -> str:
    full_name = text_clean(full_name) or email.split("@")[0]
    if len(full_name) > FULL_NAME_MAX:
        raise ValidationError({"full_name": _("The name is longer than %(max)s characters.") % {"max": FULL_NAME_MAX}})
    return full_name


@transaction.atomic
def desk_staff_invite(
    *,
    building: Building,
    email: str,
    actor: str,
    full_name: str = "",
    language: str = "",
    request: HttpRequest | None = None,
) -> tuple[User, bool]:
    """Give the building's desk an account for `email` and e-mail it a link to choose a password.

    Inviting an address that already has a desk account sends the link again; a deactivated one is active again
    but must choose a new password through the link (its old one no longer works). Returns the account and
    whether it was created.
    """
    email = validate_admin_email(email, field="email")
    full_name = _full_name(full_name, email)
    if building.archived_at is not None:
        raise Conflict({"building": _("This building is archived.")})
    reception = reception_of(building)
    with tenant_context(reception):
        user = User.objects.filter(email=email).first()
        created = user is None
        reactivated = user is not None and not user.is_active
        if user is None:
            user = User(email=email, full_name=full_name, role=User.Role.DESK, language=language_supported(language))
            user.set_unusable_password()
            user.save()
        elif user.role != User.Role.DESK:
            raise Conflict({"email": _("This address has an account of another kind at this building.")})
        elif reactivated:
            user.is_active = True
            user.set_unusable_password()
            user.save(update_fields=["is_active", "password"])
    base_url, site_name = tenant_url(reception), building.name
    invited = user

    def send_invitation() -> None:
        with tenant_context(reception):  # user_invite sends the link to the account made or found above
            user_invite(email=invited.email, full_name=invited.full_name, role=User.Role.DESK, base_url=base_url,
                        site_name=site_name)  # fmt: skip

    transaction.on_commit(send_invitation)
    audit_record(
        actor=actor, action="desk_staff.invited", tenant_schema=reception.schema_name, request=request,
        object_ids={"building": [building.pk], "user": [user.pk]},
        details={"created": created, "reactivated": reactivated},
    )  # fmt: skip
    return user, created


@transaction.atomic
def desk_staff_deactivate(*, building: Building, user: User, actor: str, request: HttpRequest | None = None) -> User:
    """Deactivate a desk account of the building and end its sessions at once. Deactivating again changes nothing."""
    reception = reception_of(building)
    with tenant_context(reception):
        if user.role != User.Role.DESK:
            raise ValidationError(_("Only desk accounts are managed here."))
        was_active = user.is_active
        user.is_active = False
        user.save(update_fields=["is_active"])
        ended = sessions_end(user=user)
    audit_record(
        actor=actor, action="desk_staff.deactivated", tenant_schema=reception.schema_name, request=request,
        object_ids={"building": [building.pk], "user": [user.pk]},
        details={"sessions_ended": ended, "was_active": was_active},
    )  # fmt: skip
    return user


@db_roles.owner_privileges
@transaction.atomic
def building_provision(
    *,
    slug: str,
    name: str,
    actor: str,
    address: str = "",
    timezone: str = "Europe/Brussels",
    desk_email: str = "",
    request: HttpRequest | None = None,
) -> Building:
    """Create a building and, with `desk_email`, invite its first desk account: all or nothing, the e-mail after
    commit (as `company_provision` does for a company's first admin)."""
    desk_email = validate_admin_email(desk_email, field="desk_email") if desk_email.strip() else ""
    building = building_create(slug=slug, name=name, address=address, timezone=timezone, actor=actor)
    if desk_email:
        desk_staff_invite(building=building, email=desk_email, actor=actor, request=request)
    return building
