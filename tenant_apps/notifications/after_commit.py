"""How deliveries written in a transaction are handed to the broker: after it commits, in their company's schema."""

from collections.abc import Callable
from typing import Any

from django_tenants.utils import tenant_context

from shared_apps.database.connection import tenant_connection


def in_this_schema(service: Callable[..., Any], **kwargs: Any) -> Callable[[], None]:
    """A callback for `transaction.on_commit` that runs `service(**kwargs)` in the schema current now.

    The tenant is captured when the service runs: the desk and the kiosk call
    services inside `tenant_context(company)`, and the outer transaction may
    commit after that context has been left. Tasks sent from the callback then
    carry the company's schema (tenant-schemas-celery).
    """
    tenant = tenant_connection().tenant

    def run() -> None:
        with tenant_context(tenant):
            service(**kwargs)

    return run
