"""Running work in every schema of a set of tenants: the one way the code walks company schemas.

Which tenants is the caller's choice (a queryset, e.g. `shared_apps.tenancy.selectors.companies_maintained()`);
this module knows no model. They are read a batch at a time by primary key, so a walk over thousands of
companies never holds them all, and each one's work runs in its schema and under its database role
(`shared_apps.database.db_roles`), whether the walk was started by a task, a request or a management
command: a company's work reaches that company's tables and nothing of another company's.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.db.models import QuerySet
from django_tenants.models import TenantMixin
from django_tenants.utils import tenant_context

from shared_apps.database.db_roles import scope_for_schema, scope_pop, scope_push

BATCH_SIZE = 100

TenantT = TypeVar("TenantT", bound=TenantMixin)
R = TypeVar("R")


def in_batches(tenants: QuerySet[TenantT], *, size: int = BATCH_SIZE) -> Iterator[list[TenantT]]:
    """Yield `tenants` `size` at a time in primary-key order, each batch read when the previous one is done."""
    ordered = tenants.order_by("pk")
    batch = list(ordered[:size])
    while batch:
        yield batch
        if len(batch) < size:  # the last one: no query to learn there is nothing after it
            return
        batch = list(ordered.filter(pk__gt=batch[-1].pk)[:size])


@contextmanager
def in_schema_as_its_role(tenant: TenantMixin) -> Iterator[None]:
    """The connection in `tenant`'s schema, its statements run as that schema's role, while the block runs."""
    with tenant_context(tenant):
        scope_push(scope_for_schema(tenant.schema_name))
        try:
            yield
        finally:
            scope_pop()


def in_every_schema(
    tenants: QuerySet[TenantT], work: Callable[[TenantT], R], *, batch_size: int = BATCH_SIZE
) -> Iterator[tuple[TenantT, R]]:
    """Run `work(tenant)` in each tenant's schema under its role; yield (tenant, its result) as each one ends.

    Lazy: nothing runs until the result is iterated, and what the caller does with a result runs back in the
    schema it started in.
    """
    for batch in in_batches(tenants, size=batch_size):
        for tenant in batch:
            with in_schema_as_its_role(tenant):
                result = work(tenant)
            yield tenant, result
