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


def _copy(sql: str, params: Iterable[object]) -> Iterable[bytes]:
    with connection.cursor() as cursor, cursor.cursor.copy(sql, params) as copy:
        for chunk in copy:
            yield bytes(chunk)


def _write(member: IO[bytes], chunks: Iterable[bytes], *, prefix: bytes = b"", suffix: bytes = b"") -> None:
    buffer = bytearray(prefix)
    for chunk in chunks:
        buffer += chunk
        if len(buffer) >= FLUSH_BYTES:
            member.write(buffer)
            buffer.clear()
    buffer += suffix
    member.write(buffer)


def _json_rows(chunks: Iterable[bytes]) -> Iterable[bytes]:
    """COPY's text format doubles backslashes; JSON text has no raw tab or newline, so that is all to undo."""
    first, pending = True, b""
    for chunk in chunks:
        *lines, pending = (pending + chunk).split(b"\n")
        for line in lines:
            yield (b"\n" if first else b",\n") + line.replace(b"\\\\", b"\\")
            first = False


def table_write(archive: zipfile.ZipFile, table: ExportTable, span: ExportRange) -> int:
    """Add `<name>.csv` and `<name>.json` for one table; return its number of rows."""
    inner, params = table.queryset(span).query.sql_with_params()
    columns = ", ".join(_csv_expression(table, column) for column in table.columns())
    with archive.open(f"{table.name}.csv", "w", force_zip64=True) as member:
        member.write(b"\xef\xbb\xbf")  # UTF-8 byte-order mark, so spreadsheets read accents right
        _write(
            member, _copy(f"COPY (SELECT {columns} FROM ({inner}) t) TO STDOUT WITH (FORMAT csv, HEADER true)", params)
        )
    rows = 0

    def counted(chunks: Iterable[bytes]) -> Iterable[bytes]:
        nonlocal rows
        for chunk in chunks:
            rows += 1
            yield chunk

    with archive.open(f"{table.name}.json", "w", force_zip64=True) as member:
        sql = f"COPY (SELECT row_to_json(t) FROM ({inner}) t) TO STDOUT"
        _write(member, counted(_json_rows(_copy(sql, params))), prefix=b"[", suffix=b"\n]\n")
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
        "  Empty cell = no value. A cell starting with = + - @, a tab or a carriage return gets a leading",
        "  apostrophe (') so that spreadsheets do not run it as a formula.",
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
