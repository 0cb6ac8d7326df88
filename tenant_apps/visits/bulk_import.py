"""Reading a bulk pre-registration: CSV rows checked one by one with the single-visit form.

Nothing is stored here; the caller registers the rows only when every row is valid.
"""

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tenant_apps.visits.forms import BULK_MAX_ROWS, PreRegistrationForm
from tenant_apps.visits.models import Host
from tenant_apps.visits.selectors import hosts_active
from tenant_apps.visits.services import Registration

COLUMNS = ["first_name", "last_name", "email", "phone", "company", "language", "host", "start", "end", "purpose"]
_COLUMN_OF = {"company_name": "company", "expected_start": "start", "expected_end": "end"}
REQUIRED_COLUMNS = {"first_name", "last_name", "email", "start", "end"}


@dataclass(frozen=True)
class RowError:
    line: int  # the line of the CSV text, the header being line 1
    messages: list[str]


@dataclass
class ImportReport:
    registrations: list[Registration] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # per row
    problem: str = ""  # about the whole text: header, size

    @property
    def ok(self) -> bool:
        return not self.errors and not self.problem and bool(self.registrations)


def read_rows(text: str) -> ImportReport:
    """Check every row; the report holds either all registrations or the reasons some rows are wrong."""
    report = ImportReport()
    lines = text.lstrip("\ufeff").splitlines()
    delimiter = ";" if lines and lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    try:
        header = [(name or "").strip().lower() for name in reader.fieldnames or []]
        missing = [name for name in COLUMNS if name in REQUIRED_COLUMNS and name not in header]
        if missing:
            report.problem = _("The first line must name the columns. Missing: %(columns)s.") % {
                "columns": ", ".join(missing)
            }
            return report
        reader.fieldnames = header
        rows = [(reader.line_num, row) for row in reader if any((value or "").strip() for value in row.values())]
    except csv.Error:  # the one error left with these settings: a cell past csv.field_size_limit()
        report.problem = _(
            'Line %(line)d cannot be read: a cell is too long. Check that every quotation mark (") is closed.'
        ) % {"line": reader.line_num + 1}  # line_num counts the lines read before the one that failed
        return report
    if len(rows) > BULK_MAX_ROWS:
        report.problem = _("%(count)d rows is more than the %(max)d allowed at once. Split the list.") % {
            "count": len(rows),
            "max": BULK_MAX_ROWS,
        }
        return report
    hosts = _hosts_by_name_and_email()
    for line, row in rows:
        registration, messages = _read_row(row, hosts)
        if messages:
            report.errors.append(RowError(line=line, messages=messages))
        elif registration is not None:
            report.registrations.append(registration)
    if not rows:
        report.problem = _("There are no rows under the header line.")
    return report


def _hosts_by_name_and_email() -> dict[str, Host]:
    hosts: dict[str, Host] = {}
    for host in hosts_active():
        hosts[host.name.strip().lower()] = host
        if host.email:
            hosts[host.email.lower()] = host
    return hosts


def _read_row(row: dict[str, str | None], hosts: dict[str, Host]) -> tuple[Registration | None, list[str]]:
    value = {name: (row.get(name) or "").strip() for name in COLUMNS}
    messages: list[str] = []
    if None in row:  # csv puts cells beyond the header under the key None
        messages.append(_("This row has more cells than the header."))
    host = None
    if value["host"]:
        host = hosts.get(value["host"].lower())
        if host is None:
            messages.append(_("Host: no active host has this name or e-mail address."))
    form = PreRegistrationForm(
        data={
            "first_name": value["first_name"], "last_name": value["last_name"], "email": value["email"],
            "phone": value["phone"], "company_name": value["company"], "language": value["language"].lower() or "en",
            "host": host.pk if host else "", "expected_start": value["start"], "expected_end": value["end"],
            "purpose": value["purpose"],
        }
    )  # fmt: skip
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = f"{form.fields[name].label} ({_COLUMN_OF.get(name, name)})" if name in form.fields else ""
            messages += [f"{label}: {error}" if label else str(error) for error in errors]
    if messages:
        return None, messages
    return registration_from(form), []


def registration_from(form: PreRegistrationForm) -> Registration:
    """The registration a valid pre-registration form describes."""
    data = form.cleaned_data
    return Registration(
        visitor=form.visitor_details(), host=data["host"], expected_start=data["expected_start"],
        expected_end=data["expected_end"], purpose=data["purpose"].strip(),
    )  # fmt: skip
