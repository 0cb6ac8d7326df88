"""Background jobs of the platform itself (they run in the public schema)."""

from celery import shared_task

from shared_apps.tenancy.company_lifecycle import company_schemas_drop_due


@shared_task(name="tenancy.drop_removed_company_schemas")
def drop_removed_company_schemas() -> list[str]:
    """Daily: drop the schemas of removed companies whose grace period is over."""
    return company_schemas_drop_due(actor="task:drop_removed_company_schemas")
