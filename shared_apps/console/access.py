"""What IT may open in the console and its provisioning API: who is IT, then one helper per object type (404 when
missing)."""

from django.http import Http404

from shared_apps.accounts.models import User
from shared_apps.console.models import SupportGrant
from shared_apps.console.selectors import support_grant_active
from shared_apps.provisioning.desk_staff import desk_account
from shared_apps.tenancy.models import Building, Tenant


def is_platform_it(user: User) -> bool:
    """An active IT account of the public schema: the console's pages, the Django admin and the provisioning API
    are theirs alone."""
    return bool(user.is_authenticated and user.is_active and user.role == User.Role.IT)


def access_building(*, slug: str) -> Building:
    building = Building.objects.filter(slug=slug).first()
    if building is None:
        raise Http404
    return building


def access_desk_account(*, building: Building, user_id: int) -> User:
    """A desk account of this building; another building's, or any other account, is 404."""
    user = desk_account(building=building, user_id=user_id)
    if user is None:
        raise Http404
    return user


def access_company(*, slug: str) -> Tenant:
    company = (
        Tenant.objects.filter(type=Tenant.Type.COMPANY, slug=slug)
        .exclude(status=Tenant.Status.TEMPLATE)
        .select_related("building")
        .first()
    )
    if company is None:
        raise Http404
    return company


def access_support_grant(*, user: User, grant_id: int) -> SupportGrant:
    """The user's own, still running grant; anything else (expired, ended, another IT user's) is 404."""
    grant = support_grant_active(user=user, grant_id=grant_id)
    if grant is None:
        raise Http404
    return grant
