"""The evacuation list as CSV: everyone on site, grouped by company, safe to open in a spreadsheet."""

import csv
import io
import zoneinfo

from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.tenancy.models import Building
from tenant_apps.desk.models import DeskVisit

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula, by prefixing it with an apostrophe."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def evacuation_csv(*, building: Building, visits: list[DeskVisit]) -> str:
    """The CSV text (UTF-8 with a byte-order mark, so spreadsheets read accents right), one row per person."""
    zone = zoneinfo.ZoneInfo(building.timezone)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Company"),
            _("Last name"),
            _("First name"),
            _("Organisation"),
            _("Host"),
            _("Checked in"),
            _("Safe"),
        ]
    )
    for visit in visits:
        arrived = timezone.localtime(visit.checked_in_at, zone).strftime("%H:%M") if visit.checked_in_at else ""
        row = [
            visit.company_name,
            visit.last_name,
            visit.first_name,
            visit.visitor_company,
            visit.host_name or "",
            arrived,
            "",
        ]
        writer.writerow([csv_cell(cell) for cell in row])
    return out.getvalue()
