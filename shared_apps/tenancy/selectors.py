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
