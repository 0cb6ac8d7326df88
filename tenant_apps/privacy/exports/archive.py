"""Writing an export ZIP with flat memory: PostgreSQL's COPY streams each table into the ZIP member.

CSV cells that a spreadsheet would run as a formula (starting with = + - @, a
tab or a carriage return) get a leading apostrophe; the JSON files hold the
values unchanged.
"""

import datetime as dt
import zipfile
from collections.abc import Iterable
from typing import IO

from django.db import connection, models

from tenant_apps.privacy.exports.tables import TABLES, ExportRange, ExportTable

FLUSH_BYTES = 1 << 20
_TEXT_FIELDS = (models.CharField, models.TextField)
_FORMULA_START = r"'^[-=+@\t\r]'"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _csv_expression(table: ExportTable, column: str) -> str:
    field = next(f for f in table.model._meta.concrete_fields if f.attname == column)
    ref = f"t.{_q(column)}"
    if isinstance(field, _TEXT_FIELDS):
        return f"CASE WHEN {ref} ~ {_FORMULA_START} THEN '''' || {ref} ELSE {ref} END AS {_q(column)}"
    return ref


def _copy_into(member: IO[bytes], sql: str, params: Iterable[object]) -> int:
    """Stream a COPY's output into a ZIP member in blocks of about FLUSH_BYTES; return the rows copied."""
    buffer = bytearray()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql, params) as copy:
            for chunk in copy:
                buffer += chunk
                if len(buffer) >= FLUSH_BYTES:
                    member.write(buffer)
                    buffer.clear()
        member.write(buffer)
        return int(cursor.cursor.rowcount)


# JSON text never holds a raw control character, so with these as delimiter and quote, COPY's CSV
# output is each JSON object verbatim on its own line; the comma before each one but the first is SQL's.
_JSON_COPY = (
    "COPY (SELECT CASE WHEN row_number() OVER () = 1 THEN '' ELSE ',' END || row_to_json(t)::text FROM ({inner}) t)"
    " TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')"
)


def table_write(archive: zipfile.ZipFile, table: ExportTable, span: ExportRange) -> int:
    """Add `<name>.csv` and `<name>.json` for one table; return its number of rows."""
    inner, params = table.queryset(span).query.sql_with_params()
    columns = ", ".join(_csv_expression(table, column) for column in table.columns())
    with archive.open(f"{table.name}.csv", "w", force_zip64=True) as member:
        member.write(b"\xef\xbb\xbf")  # UTF-8 byte-order mark, so spreadsheets read accents right
        sql = f"COPY (SELECT {columns} FROM ({inner}) t) TO STDOUT WITH (FORMAT csv, HEADER true)"
        rows = _copy_into(member, sql, params)
    with archive.open(f"{table.name}.json", "w", force_zip64=True) as member:
        member.write(b"[\n")
        _copy_into(member, _JSON_COPY.format(inner=inner), params)
        member.write(b"]\n")
    return rows


def readme_text(*, company: str, span: ExportRange, counts: dict[str, int], generated_at: dt.datetime) -> str:
    if span.start is None and span.end is None:
        period = "all time"
    else:
        start = span.start.isoformat() if span.start else "the beginning"
        end = span.end.isoformat() if span.end else "now"
        period = f"visits that started from {start} up to (not including) {end}"
    lines = [
        f"Check-in export of {company}",
        "=" * (21 + len(company)),
        "",
        f"Generated at {generated_at.isoformat()} (UTC). Period: {period}.",
        "",
        "Every table comes twice, with the same rows:",
        "- <table>.csv: UTF-8 with a byte-order mark, comma-separated, a header line, quotes where needed.",
        '  An empty cell is no value, "" is empty text, t and f are true and false. A cell starting with',
        "  = + - @, a tab or a carriage return gets a leading apostrophe (') so that spreadsheets do not",
        "  run it as a formula.",
        "- <table>.json: a JSON array of objects, one per row, keys as in the CSV header, values unchanged.",
        "Ids link the tables together (for example visits.visitor_id = visitors.id).",
        "",
    ]
    for table in TABLES:
        lines += [f"{table.name} ({counts.get(table.name, 0)} rows)", "-" * (len(table.name) + 10), table.about, ""]
        lines += [f"  {column}: {table.note(column)}" for column in table.columns()]
        lines.append("")
    return "\n".join(lines)


def archive_write(target: IO[bytes], *, company: str, span: ExportRange, generated_at: dt.datetime) -> dict[str, int]:
    """Write the whole export ZIP to `target` (a temporary file); return the rows per table."""
    counts: dict[str, int] = {}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1, allowZip64=True) as archive:
        for table in TABLES:
            counts[table.name] = table_write(archive, table, span)
        archive.writestr(
            "README.txt", readme_text(company=company, span=span, counts=counts, generated_at=generated_at)
        )
    return counts
