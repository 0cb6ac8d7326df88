"""Reads of buildings and companies, from the public schema."""

from django.db.models import Prefetch, QuerySet

from shared_apps.tenancy.models import Building, Tenant


def buildings_with_companies() -> QuerySet[Building]:
    companies = Tenant.objects.filter(type=Tenant.Type.COMPANY).exclude(status=Tenant.Status.REMOVED)
    return Building.objects.prefetch_related(
        Prefetch("tenants", queryset=companies.prefetch_related("domains"), to_attr="companies"),
    )


def companies_in_building(*, building_id: int) -> QuerySet[Tenant]:
    return Tenant.objects.filter(type=Tenant.Type.COMPANY, building_id=building_id, status=Tenant.Status.ACTIVE)


def companies_maintained(*, building: Building | None = None) -> QuerySet[Tenant]:
    """Companies whose data the platform looks after (its daily jobs, IT's searches): active and suspended ones,
    not removed ones or templates; of one building when given."""
    companies = Tenant.objects.filter(
        type=Tenant.Type.COMPANY, status__in=[Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED]
    )
    return companies if building is None else companies.filter(building=building)
