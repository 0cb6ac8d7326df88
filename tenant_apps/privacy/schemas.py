"""Walking company schemas in batches, for the daily maintenance jobs."""

from collections.abc import Iterator

from django.db.models import QuerySet

from shared_apps.tenancy.models import Tenant

BATCH_SIZE = 100


def companies_to_maintain() -> QuerySet[Tenant]:
    """Companies whose data the daily jobs look after: active and suspended ones, not removed or templates."""
    return Tenant.objects.filter(
        type=Tenant.Type.COMPANY, status__in=[Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED]
    ).order_by("pk")


def companies_in_batches(companies: QuerySet[Tenant] | None = None) -> Iterator[list[Tenant]]:
    """Yield companies a batch at a time by primary key, so no job holds thousands of tenants at once."""
    companies = companies_to_maintain() if companies is None else companies
    last = 0
    while batch := list(companies.filter(pk__gt=last).order_by("pk")[:BATCH_SIZE]):
        yield batch
        last = batch[-1].pk
