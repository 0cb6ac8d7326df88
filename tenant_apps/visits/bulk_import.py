"""Reading a bulk pre-registration: CSV rows checked one by one with the single-visit form.

Nothing is stored here; the caller shows the rows as a preview, then registers them only when every row is valid
and the person confirms the very text previewed (`preview_token` / `preview_matches`).

Dates are read the same way whatever the interface language: ISO (2027-01-05 09:30) or day/month/year
(05/01/2027, 05-01-2027, 05.01.2027), then a 24-hour time. Month/day/year and two-digit years are refused with
a message on the row, never guessed. Optional `last_day` (a date, read the same way) and `weekdays` (ISO numbers,
12345 by default) make a row a visit over several days (tenant_apps/visits/series.py).
"""

import base64
import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field

from django.core import signing
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from tenant_apps.visits.forms import BULK_MAX_BYTES, BULK_MAX_ROWS, PreRegistrationForm
from tenant_apps.visits.models import LANGUAGE_CHOICES, Host, Visitor
from tenant_apps.visits.selectors import hosts_active
from tenant_apps.visits.series import series_days
from tenant_apps.visits.services import Registration

COLUMNS = ["first_name", "last_name", "email", "phone", "company", "language", "host", "start", "end", "purpose",
           "last_day", "weekdays"]  # fmt: skip
_COLUMN_OF = {"company_name": "company", "expected_start": "start", "expected_end": "end"}  # form field -> column
REQUIRED_COLUMNS = {"first_name", "last_name", "email", "start", "end"}


@dataclass(frozen=True)
class RowError:
    line: int  # the line of the CSV text, the header being line 1
    messages: list[str]


@dataclass
class ImportReport:
    registrations: list[Registration] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the line of each registration
    errors: list[RowError] = field(default_factory=list)  # per row
    problem: str = ""  # about the whole text: header, size

    @property
    def ok(self) -> bool:
        return not self.errors and not self.problem and bool(self.registrations)


_DATE = re.compile(
    r"^(?:(?P<iso_y>\d{4})-(?P<iso_m>\d{1,2})-(?P<iso_d>\d{1,2})"
    r"|(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}))"
    r"(?:[ T]+(?P<hh>\d{1,2})[:.hu](?P<mm>\d{2})(?::(?P<ss>\d{2}))?)?$"
)
_WEEKDAYS = re.compile(r"^[1-7][1-7, ]*$")  # ISO weekday numbers: "12345", "1, 3, 5"
_PREVIEW_SALT = "visits.bulk_import.preview"
PREVIEW_MAX_AGE = 3600  # seconds a preview can be confirmed


def parse_when(text: str) -> dt.datetime | None:
    """The naive date and time a cell means, or None when it is not ISO or day/month/year with a time."""
    match = _DATE.match(text.strip())
    if match is None or match["hh"] is None:
        return None
    parts = match.groupdict()
    year, month, day = (
        (parts["iso_y"], parts["iso_m"], parts["iso_d"]) if parts["iso_y"] else (parts["y"], parts["m"], parts["d"])
    )
    try:
        return dt.datetime(int(year), int(month), int(day), int(parts["hh"]), int(parts["mm"]), int(parts["ss"] or 0))
    except ValueError:  # 31-02-2027, 25:00
        return None


def _digest(text: str, scope: str) -> str:
    # A browser sends a form's line breaks as CRLF: the same rows whatever the line ends (read_rows splits lines).
    lines = "\n".join(text.lstrip("\ufeff").splitlines())
    return hashlib.sha256(f"{scope}\n{lines}".encode()).hexdigest()


def preview_token(text: str, *, scope: str) -> str:
    """A signed, dated digest of the text previewed, for `scope` (the schema and the user): the confirmation must
    carry it back with the same text, so a list changed after the preview is never stored unseen."""
    return signing.TimestampSigner(salt=_PREVIEW_SALT).sign(_digest(text, scope))


def preview_matches(text: str, token: str, *, scope: str) -> bool:
    """Whether `token` was given by `preview_token` for exactly this text and scope, less than an hour ago."""
    try:
        digest = signing.TimestampSigner(salt=_PREVIEW_SALT).unsign(token, max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired included
        return False
    return constant_time_compare(digest, _digest(text, scope))


def preview_payload(text: str) -> str:
    """The text as the preview's form carries it back: base64, so no byte is changed on the way (a browser would
    rewrite line ends and control characters in a form field)."""
    return base64.b64encode(text.encode()).decode()


def preview_text(payload: str) -> str | None:
    """The text `preview_payload` carried, or None when it is not such a payload or longer than an import may be."""
    try:
        raw = base64.b64decode(payload.encode(), validate=True)
        return raw.decode() if len(raw) <= BULK_MAX_BYTES else None
    except (ValueError, UnicodeDecodeError):  # binascii.Error is a ValueError
        return None


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
            report.lines.append(line)
    if not rows:
        report.problem = _("There are no rows under the header line.")
    return report


@dataclass(frozen=True)
class PreviewRow:
    line: int
    registration: Registration
    known_visitor: bool  # a visitor of the company already has this e-mail address: their details are refreshed

    @property
    def series_days(self) -> list[dt.date]:
        """The days a visit over several days falls on; empty for one visit."""
        series = self.registration.series
        if series is None:
            return []
        first = timezone.localdate(self.registration.expected_start)
        return series_days(first_day=first, last_day=series.last_day, weekdays=series.weekdays)

    @property
    def language_name(self) -> str:
        return str(dict(LANGUAGE_CHOICES).get(self.registration.visitor.language, self.registration.visitor.language))


def preview_rows(report: ImportReport) -> list[PreviewRow]:
    """What confirming would store, row by row, in the order of the list."""
    emails = {registration.visitor.email.lower() for registration in report.registrations}
    known = set(Visitor.objects.annotate(lower=Lower("email")).filter(lower__in=emails).values_list("lower", flat=True))
    return [
        PreviewRow(line=line, registration=registration, known_visitor=registration.visitor.email.lower() in known)
        for line, registration in zip(report.lines, report.registrations, strict=True)
    ]


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
    when: dict[str, str] = {}
    for column, name, label in (("start", "expected_start", _("Expected arrival")),
                                ("end", "expected_end", _("Expected departure"))):  # fmt: skip
        moment = parse_when(value[column]) if value[column] else None
        if value[column] and moment is None:
            messages.append(
                _(
                    "%(label)s (%(column)s): “%(value)s” is not a date and time we read. Write the day, month and "
                    "year, then the time: 31/01/2027 09:30, 31-01-2027 09:30 or 2027-01-31 09:30."
                )
                % {"label": label, "column": column, "value": value[column]}
            )
        when[name] = moment.strftime("%Y-%m-%d %H:%M:%S") if moment else ""
    if value["weekdays"] and not _WEEKDAYS.match(value["weekdays"]):
        messages.append(
            _("Weekdays (weekdays): “%(value)s” is not a list of weekdays. Write their numbers, Monday 1 to Sunday 7: "
              "12345 for Monday to Friday.") % {"value": value["weekdays"]}
        )  # fmt: skip
    form = PreRegistrationForm(
        data={
            "first_name": value["first_name"], "last_name": value["last_name"], "email": value["email"],
            "phone": value["phone"], "company_name": value["company"], "language": value["language"].lower() or "en",
            "host": host.pk if host else "", "purpose": value["purpose"], **when,
            "last_day": value["last_day"], "weekdays": [day for day in value["weekdays"] if day.isdigit()],
        }
    )  # fmt: skip
    if not form.is_valid():
        for name, errors in form.errors.items():
            if name in when and value[_COLUMN_OF.get(name, name)] and not when[name]:
                continue  # already explained above
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
        expected_end=data["expected_end"], purpose=data["purpose"].strip(), series=form.series_pattern(),
    )  # fmt: skip
