"""Writing an export ZIP with flat memory: PostgreSQL's COPY streams each table into the ZIP member.

In a transaction of the export's own, the COPYs run on two database sessions at once (parallel.py),
each into a deflated temporary file, and the ZIP is put together from these in the usual order.

CSV cells that a spreadsheet would run as a formula (starting with = + - @, a
tab or a carriage return) get a leading apostrophe; the JSON files hold the
values unchanged.
"""

import datetime as dt
import logging
import re
import shutil
import tempfile
import time
import zipfile
import zoneinfo
from collections.abc import Callable, Sequence
from contextlib import ExitStack, closing
from dataclasses import dataclass
from typing import IO, Any, Protocol

import psycopg
from django.conf import settings
from django.db import connection, models
from isal import isal_zlib

from shared_apps.database.connection import tenant_connection
from tenant_apps.privacy.exports.parallel import Task, run_on_two_sessions
from tenant_apps.privacy.exports.tables import TABLES, ExportRange, ExportTable, parcels_in

logger = logging.getLogger(__name__)

# Blocks of 256 KB: glibc maps larger ones with mmap until its thresholds adapt, and a new thread's blocks then
# fault in fresh pages all through a first export (measured: 79,000 page faults with 1 MB blocks, 800 with these).
FLUSH_BYTES = 1 << 18
_TEXT_FIELDS = (models.CharField, models.TextField)
_CSV_DATETIME = "DD/MM/YYYY HH24:MI:SS"  # 05/01/2027 14:30:00
_CSV_DATE = "DD/MM/YYYY"
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+/-]+")
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


class Sink(Protocol):
    """Where member_copy writes: a ZIP member, or a _DeflatedSpool."""

    def write(self, data: bytes | bytearray, /) -> int: ...


@dataclass(frozen=True)
class Member:
    """One file of the ZIP: a COPY's output between a head and a tail."""

    name: str
    table: str  # the database table it reads most, to guess its cost
    cost: float  # PostgreSQL's time per row, relative to a plain CSV COPY
    sql: str
    params: Sequence[object]
    head: bytes = b""
    tail: bytes = b""
    between: bytes = b""  # goes between two rows
    transform: Transform | None = None  # rewrites each block of whole lines before it is written


def member_copy(out: Sink, member: Member, cursor: psycopg.Cursor[Any]) -> int:
    """Stream the member's COPY into `out` in blocks of whole lines of about FLUSH_BYTES; return the rows."""
    buffer, separator, between, transform = bytearray(), b"", member.between, member.transform

    def flush() -> None:
        out.write(transform(bytes(buffer)) if transform else buffer)
        buffer.clear()

    out.write(member.head)
    with cursor.copy(member.sql, member.params) as copy:
        for row in copy:  # psycopg hands over one whole row at a time
            buffer += separator
            buffer += row
            separator = between
            if len(buffer) >= FLUSH_BYTES:
                flush()
    flush()
    out.write(member.tail)
    return int(cursor.rowcount)


# JSON text never holds a raw control character, so with these as delimiter and quote, COPY's CSV output is
# each JSON object verbatim on its own line; member_copy puts the commas between them.
_JSON_COPY = (
    "COPY (SELECT row_to_json(t)::text FROM ({inner}) t)"
    " TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')"
)
JSON_COST = 2.5  # row_to_json costs PostgreSQL 2 to 3 times a CSV COPY of the same rows (measured)


def export_time_zone() -> str:
    """The building's time zone, in which the CSV files write dates and times (a name PostgreSQL knows)."""
    building = getattr(tenant_connection().tenant, "building", None)
    name = building.timezone if building is not None else settings.TIME_ZONE
    zoneinfo.ZoneInfo(name)  # a name the time-zone database knows, so
    if not _ZONE_NAME.fullmatch(name):  # and one that is safe as an SQL literal
        raise ValueError(f"unexpected time zone name {name!r}")
    return str(name)


def _csv_select(table: ExportTable, inner: str, zone: str) -> str:
    """The table's rows with dates as day/month/year and times in 24 hours, in the building's time zone, as a
    person in Belgium reads them in a spreadsheet (the JSON files keep ISO 8601 with the offset, for machines)."""
    fields = {field.attname: field for field in table.model._meta.concrete_fields}
    cells = []
    for column in table.columns():
        name = _q(column)
        if isinstance(fields[column], models.DateTimeField):
            cells.append(f"to_char(t.{name} AT TIME ZONE '{zone}', '{_CSV_DATETIME}') AS {name}")
        elif isinstance(fields[column], models.DateField):
            cells.append(f"to_char(t.{name}, '{_CSV_DATE}') AS {name}")
        else:
            cells.append(f"t.{name}")
    return f"SELECT {', '.join(cells)} FROM ({inner}) t"


def table_members(table: ExportTable, span: ExportRange, zone: str | None = None) -> list[Member]:
    """`<name>.csv` and `<name>.json` for one table."""
    inner, params = table.queryset(span).query.sql_with_params()
    csv_rows = _csv_select(table, inner, zone or export_time_zone())
    text = ", ".join(_q(column) for column in _text_columns(table))
    force_quote = f", FORCE_QUOTE ({text})" if text else ""
    db_table = table.model._meta.db_table
    return [
        Member(
            name=f"{table.name}.csv", table=db_table, cost=1.0, params=params,
            sql=f"COPY ({csv_rows}) TO STDOUT WITH (FORMAT csv, HEADER true{force_quote})",
            head=b"\xef\xbb\xbf",  # UTF-8 byte-order mark, so spreadsheets read accents right
            transform=csv_neutralised,
        ),
        Member(
            name=f"{table.name}.json", table=db_table, cost=JSON_COST, params=params,
            sql=_JSON_COPY.format(inner=inner), head=b"[\n", tail=b"]\n", between=b",",
        ),
    ]  # fmt: skip


def readme_text(
    *, company: str, span: ExportRange, counts: dict[str, int], generated_at: dt.datetime, zone: str = "UTC"
) -> str:
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
        f"Dates and times: in the CSV files day/month/year and 24 hours in the building's time zone ({zone}),",
        "for example 05/01/2027 14:30:00; in the JSON files ISO 8601 with the offset from UTC, as machines read",
        "them (2027-01-05T13:30:00+00:00).",
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


class _DeflatedSpool:
    """A member's data, deflated, in an unnamed temporary file until it goes into the ZIP.

    ISA-L's deflate (isal) is about four times as fast as zlib's at level 1, for slightly smaller output: it
    takes a tenth or more off the export's time where PostgreSQL and the export share a few cores.
    """

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close(), through an ExitStack)
        self.crc, self.size = 0, 0
        self._deflate = isal_zlib.compressobj(1, isal_zlib.DEFLATED, -15)  # raw deflate, as in a ZIP

    def write(self, data: bytes | bytearray, /) -> int:
        self.crc = isal_zlib.crc32(data, self.crc)
        self.size += len(data)
        self.file.write(self._deflate.compress(data))
        return len(data)

    def finish(self) -> None:
        self.file.write(self._deflate.flush())

    def close(self) -> None:
        self.file.close()


def _member_add(archive: zipfile.ZipFile, name: str, spool: _DeflatedSpool) -> None:
    """Add a member whose data is deflated already, as ZipFile.open(name, "w") would, without deflating it again.

    zipfile has no call for this; this follows its own writer: the member's local header and data go where the
    central directory will start, and close() writes the central directory from `filelist`.
    """
    assert archive.fp is not None, "the archive is open"
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16  # as ZipFile.open gives them
    info.CRC, info.file_size, info.compress_size = spool.crc, spool.size, spool.file.tell()
    info.header_offset = archive.start_dir
    archive.fp.seek(archive.start_dir)
    archive.fp.write(info.FileHeader())  # ZIP64 fields when the sizes need them
    spool.file.seek(0)
    shutil.copyfileobj(spool.file, archive.fp, FLUSH_BYTES)
    archive.start_dir = archive.fp.tell()
    archive.filelist.append(info)
    archive.NameToInfo[name] = info


def _largest_first(members: list[Member]) -> list[int]:
    """Indexes of the members, the costliest COPY first: table size (pg_class.relpages) times the member's cost.

    relpages takes no lock and costs nothing; it is PostgreSQL's estimate from the last VACUUM or ANALYZE.
    audit_entries is counted for the whole shared table (it holds every company's entries): a guess only.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, coalesce(c.relpages, 0) FROM unnest(%s::text[]) AS name"
            " LEFT JOIN pg_class c ON c.oid = to_regclass(name)",
            [sorted({member.table for member in members})],
        )
        pages = dict(cursor.fetchall())
    return sorted(range(len(members)), key=lambda index: -pages[members[index].table] * members[index].cost)


def _members_write_parallel(archive: zipfile.ZipFile, members: list[Member]) -> dict[str, int]:
    """Copy the members on two database sessions into deflated spools, then add them to the ZIP in order."""
    with ExitStack() as spools_open:
        spools = [spools_open.enter_context(closing(_DeflatedSpool())) for _ in members]

        def task(index: int) -> Task[int]:
            def run(cursor: psycopg.Cursor[Any]) -> int:
                rows = member_copy(spools[index], members[index], cursor)
                spools[index].finish()
                return rows

            return run

        order = _largest_first(members)
        rows = run_on_two_sessions([task(index) for index in order])
        for member, spool in zip(members, spools, strict=True):
            _member_add(archive, member.name, spool)
    return {members[index].name: count for index, count in zip(order, rows, strict=True)}


def _members_write(archive: zipfile.ZipFile, members: list[Member]) -> dict[str, int]:
    """Copy the members one after the other on this connection, each straight into the ZIP."""
    rows: dict[str, int] = {}
    for member in members:
        with archive.open(member.name, "w", force_zip64=True) as out, connection.cursor() as cursor:
            rows[member.name] = member_copy(out, member, cursor.cursor)
    return rows


PHOTOS_FOLDER = "parcel-photos"


def _photos_write(archive: zipfile.ZipFile, span: ExportRange) -> None:
    """The label photos of the export's parcels, as stored (the desk's form named each by the kind Pillow read)."""
    parcels = parcels_in(span).exclude(label_photo="").only("pk", "label_photo").order_by("pk")
    for parcel in parcels.iterator(chunk_size=500):
        photo = parcel.label_photo
        suffix = (photo.name or "").rsplit(".", 1)[-1].lower()
        try:
            with photo.open("rb") as source, archive.open(f"{PHOTOS_FOLDER}/{parcel.pk}.{suffix}", "w") as out:
                shutil.copyfileobj(source, out, 1 << 20)
        except FileNotFoundError:  # removed from the storage by hand: the row still says the parcel had one
            logger.warning("export: the label photo of parcel %s is missing from the media storage", parcel.pk)


def archive_write(
    target: IO[bytes], *, company: str, span: ExportRange, generated_at: dt.datetime, parallel: bool = False
) -> dict[str, int]:
    """Write the whole export ZIP to `target` (a temporary file); return the rows per table.

    `parallel` runs the COPYs on two database sessions (see parallel.py): only in a REPEATABLE READ
    transaction of the export's own, with nothing uncommitted in it.
    """
    zone = export_time_zone()
    members = [member for table in TABLES for member in table_members(table, span, zone)]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1, allowZip64=True) as archive:
        rows = _members_write_parallel(archive, members) if parallel else _members_write(archive, members)
        counts = {table.name: rows[f"{table.name}.csv"] for table in TABLES}
        _photos_write(archive, span)
        archive.writestr(
            "README.txt", readme_text(company=company, span=span, counts=counts, generated_at=generated_at, zone=zone)
        )
    return counts
