"""Who may open which visit, host or staff account: one helper per object type.

Each returns the object or raises Http404, the same whether the object does not
exist in this company's schema or the user may not see it.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from shared_apps.accounts.models import User
from tenant_apps.visits.models import Host, Visit
from tenant_apps.visits.selectors import visits_of, visits_visible_to


def access_visit(user: User, visit_id: int, *, manage: bool = False) -> Visit:
    """A visit `user` may see (`manage=False`) or change (`manage=True`): a member changes only their own."""
    visits = visits_of(user=user) if manage else visits_visible_to(user=user)
    return get_object_or_404(visits, pk=visit_id)


def access_host(user: User, host_id: int) -> Host:
    """A host of this company; hosts are managed by company admins only."""
    if user.role != User.Role.ADMIN:
        raise Http404
    return get_object_or_404(Host, pk=host_id)


def access_staff_user(user: User, user_id: int, *, roles: tuple[str, ...]) -> User:
    """A staff account of this host with one of `roles`: the accounts `user` manages."""
    return get_object_or_404(User.objects.filter(role__in=roles), pk=user_id)
