"""Background jobs of the platform itself (they run in the public schema)."""

from celery import shared_task

from shared_apps.database.spare_schemas import spares_refill
from shared_apps.provisioning.companies import company_schemas_drop_due


@shared_task(name="provisioning.drop_removed_company_schemas")
def drop_removed_company_schemas() -> list[str]:
    """Daily: drop the schemas of removed companies whose grace period is over."""
    return company_schemas_drop_due(actor="task:drop_removed_company_schemas")


@shared_task(name="provisioning.spare_schemas_refill")
def spare_schemas_refill() -> int:
    """After a provisioning took a spare schema, and hourly: keep CHECKIN_SPARE_SCHEMAS ready per template."""
    return spares_refill()
