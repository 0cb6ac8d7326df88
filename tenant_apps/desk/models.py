"""Read-only models over the building's views (see `building_sql_views.py`); nothing is stored here.

Their fields are the views' columns, which are only what the desk's pages and the evacuation CSV
use: a new column goes into both places (a test compares them).
"""

from django.db import models

from tenant_apps.desk.building_sql_views import HOSTS_VIEW, VISITS_VIEW


class DeskVisit(models.Model):
    """One visit of one company of the building, with its visitor's name and its host's."""

    row_key = models.TextField(primary_key=True)  # "<tenant_id>:<visit_id>", unique across the building
    company_slug = models.TextField()
    company_name = models.TextField()
    visit_id = models.BigIntegerField()
    code_digest = models.TextField()  # the keyed digest of the visit code, never the code
    state = models.TextField()
    expected_start = models.DateTimeField()
    expected_end = models.DateTimeField()
    checked_in_at = models.DateTimeField(null=True)
    checked_out_at = models.DateTimeField(null=True)
    first_name = models.TextField()
    last_name = models.TextField()
    visitor_company = models.TextField()
    host_name = models.TextField()  # empty when the visit has no host

    class Meta:
        managed = False
        db_table = VISITS_VIEW
        ordering = ["expected_start", "row_key"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class DeskHost(models.Model):
    """An active host of one company of the building, for the walk-in form."""

    row_key = models.TextField(primary_key=True)
    company_slug = models.TextField()
    company_name = models.TextField()
    host_id = models.BigIntegerField()
    name = models.TextField()

    class Meta:
        managed = False
        db_table = HOSTS_VIEW
        ordering = ["company_name", "name"]

    def __str__(self) -> str:
        return self.name
