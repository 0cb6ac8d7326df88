"""Which companies and visits a desk may touch: those of its own building, nothing else (404).

The building's kiosks have their own rule: tenant_apps/kiosk/access.py.
"""

from django.http import Http404
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.tenancy.models import Tenant
from tenant_apps.parcels.models import Parcel
from tenant_apps.parcels.selectors import parcel_get
from tenant_apps.visits.models import Visit


def is_building_desk(user: User) -> bool:
    """Whether `user` is desk staff of this reception schema's building: the board, visits and evacuation pages."""
    return bool(user.is_authenticated and user.role == User.Role.DESK)


def access_desk_company(*, reception: Tenant, slug: str) -> Tenant:
    """An active company of the reception's building; 404 for a missing one and for any other building's."""
    company = Tenant.objects.filter(
        slug=slug, type=Tenant.Type.COMPANY, status=Tenant.Status.ACTIVE, building_id=reception.building_id
    ).first()
    if company is None or reception.building_id is None:
        raise Http404
    return company


def access_desk_visit(*, reception: Tenant, slug: str, visit_id: int) -> tuple[Tenant, Visit]:
    """A visit of a company of the reception's building, read in that company's schema; 404 otherwise."""
    company = access_desk_company(reception=reception, slug=slug)
    with tenant_context(company):
        visit = Visit.objects.select_related("visitor", "host").filter(pk=visit_id).first()
    if visit is None:
        raise Http404
    return company, visit


def access_desk_parcel(*, reception: Tenant, slug: str, parcel_id: int) -> tuple[Tenant, Parcel]:
    """A parcel of a company of the reception's building, read in that company's schema; 404 otherwise."""
    company = access_desk_company(reception=reception, slug=slug)
    with tenant_context(company):
        parcel = parcel_get(parcel_id)
    if parcel is None:
        raise Http404
    return company, parcel
