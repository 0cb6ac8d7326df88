"""Reads for the desk, through the building's read model in its reception schema (tenant_apps/desk/read_model.py).

Each selector takes the building's reception tenant explicitly and reads in its
schema, whatever schema the caller is in.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import psycopg
from django.db import connection, transaction
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.database.connection import tenant_connection
from shared_apps.operations.encryption import code_digests
from shared_apps.tenancy.models import Building, BuildingDocument, Tenant
from tenant_apps.desk.models import DeskHost, DeskParcel, DeskVisit
from tenant_apps.visits.models import CODE_LENGTH, Visit

ViewModel = TypeVar("ViewModel", DeskVisit, DeskHost, DeskParcel)

# Walk-ins waiting for their company's approval and visits held for the desk come first on the board.
DECISION_STATES = [Visit.State.WAITING, Visit.State.HELD]
BOARD_STATES = [*DECISION_STATES, Visit.State.EXPECTED, Visit.State.ON_SITE, Visit.State.LEFT]
BOARD_LIMIT = 500


@dataclass(frozen=True)
class BoardFilters:
    """What the desk typed and chose: a name or code, a company slug, a visit state."""

    q: str = ""
    company: str = ""
    state: str = ""


@dataclass
class StateCounts:
    waiting: int = 0
    held: int = 0
    expected: int = 0
    on_site: int = 0
    left: int = 0

    @property
    def total(self) -> int:
        return self.expected + self.on_site + self.left


@dataclass
class CompanyCounts:
    slug: str
    name: str
    counts: StateCounts = field(default_factory=StateCounts)


@dataclass
class BoardCounts:
    overall: StateCounts
    companies: list[CompanyCounts]


def building_day(*, building: Building, day: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of `day` (today by default) in the building's own time zone."""
    zone = zoneinfo.ZoneInfo(building.timezone)
    day = day or timezone.localtime(timezone=zone).date()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start, start + dt.timedelta(days=1)


@contextmanager
def _in_reception(reception: Tenant) -> Iterator[None]:
    """Read in the reception schema, in one transaction: the board's counts and rows agree."""
    with tenant_context(reception), transaction.atomic():
        yield


def _prepared_rows(queryset: QuerySet) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The column names and rows of `queryset`, run as a server-side prepared statement with its values inlined.

    A desk polling the board sends the same text all day: prepared, it is planned once per connection. The
    read model's queries plan in well under a millisecond, so nothing depends on it (behind a PgBouncer that
    discards them, every statement is planned again at that small cost).
    """
    sql, params = queryset.query.sql_with_params()
    connection.ensure_connection()
    raw = connection.connection
    # This cursor is not one of the backend's: set the transaction's schema and role first (db_backend/base.py).
    tenant_connection().preamble_send_alone(raw.cursor())
    with psycopg.ClientCursor(raw) as client:
        text = client.mogrify(sql, params)  # the values inlined, quoted by psycopg
    # A server-binding cursor, which psycopg prepares (settings: prepare_threshold); Django's own cursors bind
    # client-side and never prepare. Its results come in binary, which psycopg loads in C (timestamps included:
    # parsing their text costs more than the query). Wrapped like Django's, to be logged and measured the same.
    prepared = psycopg.Cursor(raw)
    prepared.format = psycopg.pq.Format.BINARY
    wrapper = CursorDebugWrapper if connection.queries_logged else CursorWrapper
    with wrapper(prepared, connection) as cursor:
        cursor.execute(text)
        return [column.name for column in cursor.description], cursor.fetchall()


def _prepared_models(queryset: QuerySet[ViewModel]) -> list[ViewModel]:
    """Model instances of the rows, with the company's slug and name read alongside (`_shown`)."""
    names, rows = _prepared_rows(queryset)
    model = queryset.model
    stored = [field.attname for field in model._meta.concrete_fields]
    positions = [names.index(name) for name in stored]
    slug_at, name_at = names.index("shown_slug"), names.index("shown_name")
    result = []
    for row in rows:
        instance = model.from_db(connection.alias, stored, [row[i] for i in positions])
        instance.company_slug, instance.company_name = row[slug_at], row[name_at]
        result.append(instance)
    return result


def _shown(queryset: QuerySet[ViewModel]) -> QuerySet[ViewModel]:
    """Rows of the building's active companies only, each with its company's slug and name."""
    return queryset.filter(company__status=Tenant.Status.ACTIVE).annotate(
        shown_slug=F("company__slug"), shown_name=F("company__name")
    )


def _today(reception: Tenant) -> QuerySet[DeskVisit]:
    assert reception.building is not None
    start, end = building_day(building=reception.building)
    return _shown(DeskVisit.objects.filter(expected_start__lt=end, expected_end__gte=start))


def _search(queryset: QuerySet[DeskVisit], q: str) -> QuerySet[DeskVisit]:
    words = q.split()
    if not words:
        return queryset
    typed = q.strip().upper()
    by_code = Q(code__in=code_digests(typed)) if len(typed) == CODE_LENGTH else Q(pk__in=[])  # digests
    by_name = Q()
    for word in words:
        by_name &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return queryset.filter(by_code | by_name)


@dataclass
class Board:
    counts: BoardCounts
    visits: list[DeskVisit]


def desk_board(*, reception: Tenant, filters: BoardFilters, companies: list[Tenant]) -> Board:
    """Today's board, read in one transaction: the expected, on-site and left counts per company of the building
    and overall, and today's visits (those states), searched and filtered, earliest first."""
    with _in_reception(reception):
        return Board(counts=_board_counts(reception, companies), visits=_board_visits(reception, filters))


def _board_visits(reception: Tenant, filters: BoardFilters) -> list[DeskVisit]:
    visits = _search(_today(reception), filters.q)
    if filters.company:
        visits = visits.filter(company__slug=filters.company)
    visits = (
        visits.filter(state=filters.state) if filters.state in BOARD_STATES else visits.filter(state__in=BOARD_STATES)
    )
    return _prepared_models(visits.order_by("expected_start", "company_id", "visit_id")[:BOARD_LIMIT])


def _board_counts(reception: Tenant, companies: list[Tenant]) -> BoardCounts:
    per_company = {company.slug: CompanyCounts(slug=company.slug, name=company.name) for company in companies}
    overall = StateCounts()
    _, rows = _prepared_rows(
        _today(reception)
        .filter(state__in=BOARD_STATES)
        .values("company__slug", "state")
        .annotate(n=Count("*"))
        .order_by()
    )
    for slug, state, n in rows:
        entry = per_company.get(slug)
        if entry is not None:
            setattr(entry.counts, state, n)
        setattr(overall, state, getattr(overall, state) + n)
    return BoardCounts(overall=overall, companies=list(per_company.values()))


def desk_on_site(*, reception: Tenant) -> list[DeskVisit]:
    """Everyone on site now, whatever day they arrived, grouped by company: the evacuation list."""
    with _in_reception(reception):
        return _prepared_models(
            _shown(DeskVisit.objects.filter(state=Visit.State.ON_SITE)).order_by(
                "company__name", "last_name", "first_name", "visit_id"
            )
        )


def desk_hosts(*, reception: Tenant) -> list[DeskHost]:
    """Active hosts of every company of the building, for the walk-in form."""
    with _in_reception(reception):
        return _prepared_models(_shown(DeskHost.objects.all()).order_by("company__name", "name", "host_id"))


PARCELS_COLLECTED_DAYS = 7  # how far back the desk's parcel page lists collected parcels


@dataclass
class DeskParcels:
    waiting: list[DeskParcel]
    collected: list[DeskParcel]


def desk_parcels(*, reception: Tenant, company: str = "") -> DeskParcels:
    """The parcels waiting at the desk, oldest first, and those collected in the last week, latest first; of one
    company (its slug) or of every active company of the building."""
    since = timezone.now() - dt.timedelta(days=PARCELS_COLLECTED_DAYS)
    with _in_reception(reception):
        parcels = _shown(DeskParcel.objects.all())
        if company:
            parcels = parcels.filter(company__slug=company)
        waiting = parcels.filter(picked_up_at=None).order_by("received_at", "company_id", "parcel_id")
        collected = parcels.filter(picked_up_at__gte=since).order_by("-picked_up_at", "company_id", "parcel_id")
        return DeskParcels(
            waiting=_prepared_models(waiting[:BOARD_LIMIT]), collected=_prepared_models(collected[:BOARD_LIMIT])
        )


def desk_parcels_waiting(*, reception: Tenant) -> int:
    """How many parcels wait at the desk, for the board."""
    with _in_reception(reception):
        return _shown(DeskParcel.objects.filter(picked_up_at=None)).count()


def privacy_notice_for(*, building: Building, language: str) -> BuildingDocument | None:
    """The building's latest privacy notice in `language`, or in English when there is none in it."""
    notices = BuildingDocument.objects.filter(
        building=building, company=None, kind=BuildingDocument.Kind.PRIVACY_NOTICE
    ).order_by("-created_at", "-pk")
    return notices.filter(language=language).first() or notices.filter(language="en").first()


def visit_key_by_code_digests(digests: list[str], day: tuple[dt.datetime, dt.datetime] | None = None) -> str | None:
    """Which active company of the building holds a visit code, given the code's digests (`code_digests`, one per
    key), in the current (reception) schema's read model: "<company id>:<visit id>", or None. The kiosk asks it
    (tenant_apps/kiosk/selectors.py, registered in DeskConfig.ready()): one index lookup, its SQL written out
    (building the query costs more than running it).

    The days of a multi-day visit share one code (tenant_apps/visits/series.py): the one on site comes first, then
    the one expected to start within `day` (the building's today, start and end), then the nearest other day."""
    if day is None:
        start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        day = (start, start + dt.timedelta(days=1))
    with connection.cursor() as cursor:
        cursor.execute(_BY_CODE_DIGESTS, [digests, Tenant.Status.ACTIVE, day[0], day[1], day[0]])
        hit = cursor.fetchone()
    return f"{hit[0]}:{hit[1]}" if hit else None


# The read model's `code` column holds the code's keyed digest (visits_visit.code_digest), never the code.
_BY_CODE_DIGESTS = (
    f"SELECT v.company_id, v.visit_id FROM {DeskVisit._meta.db_table} v "
    f"JOIN public.{Tenant._meta.db_table} t ON t.id = v.company_id WHERE v.code = ANY(%s) AND t.status = %s "
    "ORDER BY v.state = 'on_site' DESC, v.expected_start >= %s AND v.expected_start < %s DESC, "
    "abs(extract(epoch FROM v.expected_start - %s)) LIMIT 1"
)
