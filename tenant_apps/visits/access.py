"""The one access rule per resource of a company: who may see and change visits, visitors and hosts.

The portal, the API and the privacy pages ask these functions and nothing else, so a channel never allows more
than another. Helpers returning one object raise Http404 alike for a missing object and a forbidden one.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from shared_apps.accounts.models import User
from tenant_apps.visits.models import Host, Visit, Visitor
from tenant_apps.visits.selectors import visits_of, visits_visible_to

# Visits: `visits_visible_to` (a member's own and today's) and `visits_of` (a member's own) in selectors.py.


def access_visit(user: User, visit_id: int, *, manage: bool = False) -> Visit:
    """A visit `user` may see (`manage=False`) or change (`manage=True`): a member changes only their own."""
    visits = visits_of(user=user) if manage else visits_visible_to(user=user)
    return get_object_or_404(visits, pk=visit_id)


def _is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.role == User.Role.ADMIN)


# The company itself: its staff (admins and members) use the portal and the API; its admins alone change its
# settings and read its audit log.


def is_company_staff(user: User) -> bool:
    """Whether `user` is staff of this company: the portal's pages and the API (by session) are theirs."""
    return bool(user.is_authenticated and user.role in (User.Role.ADMIN, User.Role.MEMBER))


def may_change_company_settings(user: User) -> bool:
    return _is_admin(user)


def may_read_company_audit(user: User) -> bool:
    return _is_admin(user)


# Hosts: a company's admins manage them; a member picks one for a visit but has no list of them (no /hosts/).


def own_host(user: User) -> Host | None:
    """The active host linked to `user`'s staff account, if any."""
    if not is_company_staff(user):
        return None
    return Host.objects.filter(user=user, is_active=True).first()


def may_choose_own_channel(user: User) -> bool:
    """Whether `user` is a host who may choose how they hear of their visitors (their own page, /hosts/me/)."""
    return own_host(user) is not None


def may_list_hosts(user: User) -> bool:
    return _is_admin(user)


def hosts_visible_to(user: User) -> QuerySet[Host]:
    """The hosts whose details `user` may open: every one for an admin, none for anyone else."""
    return Host.objects.all() if may_list_hosts(user) else Host.objects.none()


def access_host(user: User, host_id: int) -> Host:
    """A host of this company; hosts are managed by company admins only."""
    return get_object_or_404(hosts_visible_to(user), pk=host_id)


# Visitors: an admin sees and corrects everyone (the privacy pages search them all); a member sees the visitors of
# the visits they may open and corrects those of their own visits that have not ended, as the visit form does.


def may_list_visitors(user: User) -> bool:
    """Whether `user` may list or search every visitor (the privacy pages' people search, the API's list)."""
    return _is_admin(user)


def visitors_visible_to(user: User) -> QuerySet[Visitor]:
    if not user.is_authenticated:
        return Visitor.objects.none()
    if may_list_visitors(user):
        return Visitor.objects.all()
    return Visitor.objects.filter(Exists(visits_visible_to(user=user).filter(visitor=OuterRef("pk"))))


def visitors_editable_by(user: User) -> QuerySet[Visitor]:
    if not user.is_authenticated:
        return Visitor.objects.none()
    if may_list_visitors(user):
        return Visitor.objects.all()
    open_states = (Visit.State.EXPECTED, Visit.State.ON_SITE)
    own_open = visits_of(user=user).filter(visitor=OuterRef("pk"), state__in=open_states)
    return Visitor.objects.filter(Exists(own_open))


def visitors_usable_by(user: User) -> QuerySet[Visitor]:
    """The visitors `user` may register a visit for: those they see, and those without any visit yet (a client
    creates the visitor first, then the visit); never someone else's visitor picked by id."""
    if not user.is_authenticated:
        return Visitor.objects.none()
    if may_list_visitors(user):
        return Visitor.objects.all()
    return Visitor.objects.filter(
        Q(pk__in=visitors_visible_to(user).values("pk")) | ~Exists(Visit.objects.filter(visitor=OuterRef("pk")))
    )


def access_visitor(user: User, visitor_id: int, *, edit: bool = False) -> Visitor:
    """A visitor `user` may see (or, with `edit`, correct); 404 when missing or not allowed."""
    visitors = visitors_editable_by(user) if edit else visitors_visible_to(user)
    visitor = visitors.filter(pk=visitor_id).first()
    if visitor is None:
        raise Http404
    return visitor
