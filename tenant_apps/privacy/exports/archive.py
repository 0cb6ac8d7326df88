"""Writing an export ZIP with flat memory: PostgreSQL's COPY streams each table into the ZIP member.

CSV cells that a spreadsheet would run as a formula (starting with = + - @, a
tab or a carriage return) get a leading apostrophe; the JSON files hold the
values unchanged.
"""

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterable
from typing import IO

from django.db import connection, models

from tenant_apps.privacy.exports.tables import TABLES, ExportRange, ExportTable

FLUSH_BYTES = 1 << 20
_TEXT_FIELDS = (models.CharField, models.TextField)
Transform = Callable[[bytes], bytes]

# Text cells are always quoted (FORCE_QUOTE), so one starts with `,"` or, first on its line, `\n"`. Inside a
# quoted cell a quote is always doubled, so these patterns only ever match the start of a cell. Other cells are
# quoted only when they hold a comma, a quote or a line break (JSON), and then start with {, [ or a quote.
# Neutralising here rather than in SQL keeps PostgreSQL's side of the CSV as cheap as a plain COPY.
_FORMULA_AFTER_COMMA = re.compile(rb',"(?=[-=+@\t\r])')
_FORMULA_AT_LINE_START = re.compile(rb'\n"(?=[-=+@\t\r])')


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _text_columns(table: ExportTable) -> list[str]:
    text = {f.attname for f in table.model._meta.concrete_fields if isinstance(f, _TEXT_FIELDS)}
    return [column for column in table.columns() if column in text]


def csv_neutralised(block: bytes) -> bytes:
    """Give each text cell of these whole lines of COPY's CSV (text quoted) that a spreadsheet would run a leading '."""
    block = _FORMULA_AFTER_COMMA.sub(b",\"'", block)
    # A line rarely starts with a quoted cell (ids come first): look for one only when there may be one. The block
    # starts a line, so a newline in front lets the pattern see its first cell too.
    if block.startswith(b'"') or b'\n"' in block:
        block = _FORMULA_AT_LINE_START.sub(b"\n\"'", b"\n" + block)[1:]
    return block


def _copy_into(
    member: IO[bytes], sql: str, params: Iterable[object], *, between: bytes = b"", transform: Transform | None = None
) -> int:
    """Stream a COPY's output into a ZIP member in blocks of whole lines of about FLUSH_BYTES; return the rows.

    `between` goes between two rows; `transform` rewrites each block before it is written.
    """
    buffer, separator = bytearray(), b""

    def flush() -> None:
        member.write(transform(bytes(buffer)) if transform else buffer)
        buffer.clear()

    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql, params) as copy:
            for row in copy:  # psycopg hands over one whole row at a time
                buffer += separator
                buffer += row
                separator = between
                if len(buffer) >= FLUSH_BYTES:
                    flush()
        flush()
        return int(cursor.cursor.rowcount)


# JSON text never holds a raw control character, so with these as delimiter and quote, COPY's CSV output is
# each JSON object verbatim on its own line; _copy_into puts the commas between them.
_JSON_COPY = (
    "COPY (SELECT row_to_json(t)::text FROM ({inner}) t)"
    " TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')"
)


def table_write(archive: zipfile.ZipFile, table: ExportTable, span: ExportRange) -> int:
    """Add `<name>.csv` and `<name>.json` for one table; return its number of rows."""
    inner, params = table.queryset(span).query.sql_with_params()
    text = ", ".join(_q(column) for column in _text_columns(table))
    force_quote = f", FORCE_QUOTE ({text})" if text else ""
    with archive.open(f"{table.name}.csv", "w", force_zip64=True) as member:
        member.write(b"\xef\xbb\xbf")  # UTF-8 byte-order mark, so spreadsheets read accents right
        sql = f"COPY ({inner}) TO STDOUT WITH (FORMAT csv, HEADER true{force_quote})"
        rows = _copy_into(member, sql, params, transform=csv_neutralised)
    with archive.open(f"{table.name}.json", "w", force_zip64=True) as member:
        member.write(b"[\n")
        _copy_into(member, _JSON_COPY.format(inner=inner), params, between=b",")
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
        "- <table>.csv: UTF-8 with a byte-order mark, comma-separated, a header line, text cells in double quotes.",
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
