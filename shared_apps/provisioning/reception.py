"""The calls from lifecycle steps into the reception apps.

A building's desk and kiosk read its companies through the desk read model in its reception schema
(tenant_apps/desk/read_model.py), which triggers on the companies' own tables keep current. A company's
creation, renaming, suspension and reactivation write nothing there (the company's name and status are read
from its tenant row); a new building is marked filled, and a removed company's rows go in its removal's
transaction.
"""

from shared_apps.tenancy.models import Building, Tenant
from tenant_apps.desk.read_model import read_model_company_forget, read_model_mark_filled


def reception_read_model_start(*, building: Building) -> None:
    """A new building's read model: nothing to copy, its companies' triggers write every row from the first."""
    read_model_mark_filled(building=building)


def reception_company_forget(*, company: Tenant) -> None:
    """Take a removed company off its building's desk, in the caller's transaction."""
    read_model_company_forget(company=company)
