"""Who may open a staff page, and the access rule of staff accounts: used by every host type.

`rule_required` wraps a page in one resource's rule (a function of the signed-in user), so the page asks the very
function the API and the other channels ask; `staff_required` is the same for a page open to a few roles.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from shared_apps.accounts.models import User

View = Callable[..., HttpResponse]
Rule = Callable[[User], bool]
Roles = tuple[str, ...]


def rule_required(rule: Rule) -> Callable[[View], View]:
    """Anonymous users go to this host's login page; signed-in users `rule` refuses get 404."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not rule(user):  # authenticated: a User of this schema
                raise Http404
            return view(request, *args, **kwargs)

        wrapper.access_rule = rule  # type: ignore[attr-defined]  # read by tests/security/test_access_matrix.py
        return wrapper

    return decorator


def staff_required(*roles: str) -> Callable[[View], View]:
    """A page for the accounts with one of `roles`."""

    def has_role(user: User) -> bool:
        return user.role in roles

    return rule_required(has_role)


# Staff accounts: the URLconf mounting the Users pages names `roles` (the accounts listed there) and
# `manager_roles` (who manages them); the same rule answers for a company's admins and a building's desk.


def may_manage_staff(user: User, *, manager_roles: Roles) -> bool:
    return bool(user.is_authenticated and user.role in manager_roles)


def staff_visible_to(user: User, *, roles: Roles, manager_roles: Roles) -> QuerySet[User]:
    """The accounts with one of `roles` that `user` manages: every one for a manager, none for anyone else."""
    if not may_manage_staff(user, manager_roles=manager_roles):
        return User.objects.none()
    return User.objects.filter(role__in=roles)


def access_staff_user(user: User, user_id: int, *, roles: Roles, manager_roles: Roles) -> User:
    """A staff account `user` manages; 404 when missing or not allowed."""
    return get_object_or_404(staff_visible_to(user, roles=roles, manager_roles=manager_roles), pk=user_id)
