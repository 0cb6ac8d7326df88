"""Writes on the staff accounts of the current host's schema: role changes, deactivation.

Host-agnostic: the company portal and the desk both manage their own users table.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from shared_apps.accounts.models import User
from shared_apps.accounts.services import sessions_end


class StaffAccountError(Exception):
    """A refused change; the message is translated and safe to show."""


def _refuse_self(user: User, by: User) -> None:
    if user.pk == by.pk:
        raise StaffAccountError(_("You cannot change your own account here. Ask another administrator."))


@transaction.atomic
def user_set_role(*, user: User, role: str, by: User) -> User:
    """Give an account another role; nobody changes their own, so an admin cannot lock everyone out by mistake."""
    _refuse_self(user, by)
    user.role = role
    user.save(update_fields=["role"])
    return user


@transaction.atomic
def user_set_active(*, user: User, active: bool, by: User) -> int:
    """Deactivate an account and end every session it has at once, or reactivate it.

    Returns how many sessions were ended.
    """
    _refuse_self(user, by)
    user.is_active = active
    user.save(update_fields=["is_active"])
    return 0 if active else sessions_end(user=user)
