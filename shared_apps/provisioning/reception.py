"""The one call from a lifecycle step into the reception apps.

A building's desk and kiosk read its companies through SQL views over their schemas, listing each active
company by name (tenant_apps/desk/building_sql_views.py). Every step that changes that list or a name in it
calls this: a building's creation, a company's creation, renaming, suspension, reactivation and removal.
"""

from shared_apps.tenancy.models import Building
from tenant_apps.desk.building_sql_views import building_sql_views_rebuild


def building_sql_views_refresh(*, building: Building) -> None:
    """Rebuild the building's SQL views, in the caller's transaction."""
    building_sql_views_rebuild(building=building)
