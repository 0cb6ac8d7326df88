"""The building's desk read model: one row per visit and per active host of the building's companies.

The rows are written only by `public.checkin_desk_read_model()`, fired by triggers on the company's own
tables in the company's transaction (tenant_apps/desk/read_model.py): nothing in the application inserts,
updates or deletes them, and the building's desk role may only read them. They hold only what the desk's
pages and the evacuation CSV show or filter on (a test compares them); the company's name and slug are read
from `public.tenancy_tenant` by `company_id` (selectors.py), so a rename or a suspension rewrites no row.
"""

from django.db import models

from shared_apps.tenancy.models import Tenant

VISITS_TABLE = "readmodel_visit"
HOSTS_TABLE = "readmodel_host"
PARCELS_TABLE = "readmodel_parcel"


class DeskVisit(models.Model):
    """One visit of one company of the building, with its visitor's name and its host's."""

    company = models.ForeignKey(
        Tenant, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )  # its unique key below leads with it
    visit_id = models.BigIntegerField()
    code = models.TextField()  # the visit's code column as the company stores it (its keyed digest, once codes are)
    state = models.TextField()
    expected_start = models.DateTimeField()
    expected_end = models.DateTimeField()
    checked_in_at = models.DateTimeField(null=True)
    checked_out_at = models.DateTimeField(null=True)
    first_name = models.TextField()
    last_name = models.TextField()
    visitor_company = models.TextField()
    host_name = models.TextField()  # empty when the visit has no host
    unannounced = models.BooleanField(db_default=False)  # a kiosk walk-in nobody was told of: the desk acts
    # The visitor's processing is restricted (GDPR art. 18): the board marks them, the desk does no more than needed.
    restricted = models.BooleanField(db_default=False)

    # Read with the board (annotated from the company's tenant row), not stored.
    company_slug: str
    company_name: str

    class Meta:
        db_table = VISITS_TABLE
        ordering = ["expected_start", "company_id", "visit_id"]
        constraints = [models.UniqueConstraint(fields=["company", "visit_id"], name="readmodel_visit_key")]
        indexes = [
            # Today's board: visits not over before the day began (today's and later ones only).
            models.Index(fields=["expected_end"], name="readmodel_visit_end_idx"),
            models.Index(fields=["state"], condition=models.Q(state="on_site"), name="readmodel_visit_on_site_idx"),
            models.Index(fields=["code"], name="readmodel_visit_code_idx"),  # the kiosk's code lookup
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def row_key(self) -> str:
        """ "<company id>:<visit id>", unique across the building."""
        return f"{self.company_id}:{self.visit_id}"


class DeskHost(models.Model):
    """An active host of one company of the building, for the walk-in form."""

    company = models.ForeignKey(
        Tenant, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )  # its unique key below leads with it
    host_id = models.BigIntegerField()
    name = models.TextField()

    company_slug: str
    company_name: str

    class Meta:
        db_table = HOSTS_TABLE
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["company", "host_id"], name="readmodel_host_key")]

    def __str__(self) -> str:
        return self.name

    @property
    def row_key(self) -> str:
        return f"{self.company_id}:{self.host_id}"


class DeskParcel(models.Model):
    """One parcel the desk received for a host of one company of the building, until the company purges it."""

    company = models.ForeignKey(
        Tenant, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )  # its unique key below leads with it
    parcel_id = models.BigIntegerField()
    host_name = models.TextField()
    carrier = models.TextField()
    tracking_reference = models.TextField()
    items = models.IntegerField()
    received_at = models.DateTimeField()
    picked_up_at = models.DateTimeField(null=True)

    company_slug: str
    company_name: str

    class Meta:
        db_table = PARCELS_TABLE
        ordering = ["received_at", "company_id", "parcel_id"]
        constraints = [models.UniqueConstraint(fields=["company", "parcel_id"], name="readmodel_parcel_key")]
        indexes = [
            # The desk's list: those waiting, and those collected lately.
            models.Index(
                fields=["received_at"], condition=models.Q(picked_up_at=None), name="readmodel_parcel_wait_idx"
            ),
            models.Index(fields=["picked_up_at"], name="readmodel_parcel_picked_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_reference}".strip()

    @property
    def waiting(self) -> bool:
        return self.picked_up_at is None


class ReadModelFilled(models.Model):
    """Set once the rows of the building's companies that existed before the read model are copied into it."""

    filled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "readmodel_filled"

    def __str__(self) -> str:
        return f"filled at {self.filled_at:%Y-%m-%d %H:%M}"
