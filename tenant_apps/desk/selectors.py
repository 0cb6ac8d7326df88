"""Reads for the desk, through the building's read model in its reception schema (tenant_apps/desk/read_model.py).

Each selector takes the building's reception tenant explicitly and reads in its
schema, whatever schema the caller is in.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

import psycopg
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Count, Q, QuerySet
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
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # no company to show
        return [], []
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


class CompanyShown(NamedTuple):
    slug: str
    name: str


@dataclass(frozen=True)
class Companies:
    """The building's companies as one read found them: whose rows the desk shows, and whose it must not."""

    shown: dict[int, CompanyShown]  # the active ones by id, in the order of their names
    hidden: list[int]  # the others (suspended; removed ones waiting out their grace period): their rows stay

    def ids_of(self, slug: str) -> list[int]:
        """The shown company with this slug, as a filter on company_id: none for an unknown or hidden one."""
        return [pk for pk, company in self.shown.items() if company.slug == slug]


def desk_companies(*, reception: Tenant) -> Companies:
    """The building's companies, read now: a suspension or removal hides a company from the next read. Only the
    columns shown (500 model instances cost a desk read more than its query)."""
    shown, hidden = {}, []
    rows = Tenant.objects.filter(type=Tenant.Type.COMPANY, building_id=reception.building_id).order_by("name")
    for pk, slug, name, status in rows.values_list("pk", "slug", "name", "status"):
        if status == Tenant.Status.ACTIVE:
            shown[pk] = CompanyShown(slug=slug, name=name)
        else:
            hidden.append(pk)
    return Companies(shown=shown, hidden=hidden)


def _shown(queryset: QuerySet[ViewModel], companies: Companies) -> QuerySet[ViewModel]:
    """Rows of the building's active companies.

    The read model holds rows of the building's companies only, so the statement leaves out those of the few that
    are not active, by id: usually none, and then it reads the read model alone. Not a join with
    public.tenancy_tenant: on Citus the read model is on a worker and that table on the coordinator, and the join
    made every read a recursively planned one (tests/bench/scaleout.py)."""
    return queryset.exclude(company_id__in=companies.hidden) if companies.hidden else queryset


def _prepared_models(queryset: QuerySet[ViewModel], companies: Companies) -> list[ViewModel]:
    """Model instances of the rows, each with its company's slug and name; rows of a company provisioned since
    `companies` was read are left out."""
    names, rows = _prepared_rows(queryset)
    model = queryset.model
    stored = [field.attname for field in model._meta.concrete_fields]
    positions = [names.index(name) for name in stored] if rows else []
    result = []
    for row in rows:
        instance = model.from_db(connection.alias, stored, [row[i] for i in positions])
        company = companies.shown.get(instance.company_id)
        if company is not None:
            instance.company_slug, instance.company_name = company.slug, company.name
            result.append(instance)
    return result


def _by_company_name(models: list[ViewModel], companies: Companies) -> list[ViewModel]:
    """Grouped by company, in the order of their names, keeping the order within each (Python's sort is stable)."""
    rank = {pk: position for position, pk in enumerate(companies.shown)}
    return sorted(models, key=lambda model: rank[model.company_id])


def _today(reception: Tenant, companies: Companies) -> QuerySet[DeskVisit]:
    assert reception.building is not None
    start, end = building_day(building=reception.building)
    return _shown(DeskVisit.objects.filter(expected_start__lt=end, expected_end__gte=start), companies)


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


def desk_board(*, reception: Tenant, filters: BoardFilters, companies: Companies | None = None) -> Board:
    """Today's board of the building's active companies, read in one transaction: the expected, on-site and left
    counts per company and overall, and today's visits (those states), searched and filtered, earliest first.
    `companies`: `desk_companies` as the caller has just read them (the board's page, for its company filter)."""
    companies = companies if companies is not None else desk_companies(reception=reception)
    with _in_reception(reception):
        return Board(counts=_board_counts(reception, companies), visits=_board_visits(reception, filters, companies))


def _board_visits(reception: Tenant, filters: BoardFilters, companies: Companies) -> list[DeskVisit]:
    visits = _search(_today(reception, companies), filters.q)
    if filters.company:
        visits = visits.filter(company_id__in=companies.ids_of(filters.company))
    visits = (
        visits.filter(state=filters.state) if filters.state in BOARD_STATES else visits.filter(state__in=BOARD_STATES)
    )
    return _prepared_models(visits.order_by("expected_start", "company_id", "visit_id")[:BOARD_LIMIT], companies)


def _board_counts(reception: Tenant, companies: Companies) -> BoardCounts:
    per_company = {pk: CompanyCounts(slug=company.slug, name=company.name) for pk, company in companies.shown.items()}
    overall = StateCounts()
    _, rows = _prepared_rows(
        _today(reception, companies)
        .filter(state__in=BOARD_STATES)
        .values("company_id", "state")
        .annotate(n=Count("*"))
        .order_by()
    )
    for company_id, state, n in rows:
        entry = per_company.get(company_id)
        if entry is not None:  # not a company provisioned since they were read
            setattr(entry.counts, state, n)
            setattr(overall, state, getattr(overall, state) + n)
    return BoardCounts(overall=overall, companies=list(per_company.values()))


def desk_on_site(*, reception: Tenant) -> list[DeskVisit]:
    """Everyone on site now, whatever day they arrived, grouped by company: the evacuation list."""
    companies = desk_companies(reception=reception)
    with _in_reception(reception):
        on_site = DeskVisit.objects.filter(state=Visit.State.ON_SITE)
        ordered = _shown(on_site, companies).order_by("last_name", "first_name", "visit_id")
        return _by_company_name(_prepared_models(ordered, companies), companies)


def desk_hosts(*, reception: Tenant) -> list[DeskHost]:
    """Active hosts of every company of the building, for the walk-in form."""
    companies = desk_companies(reception=reception)
    with _in_reception(reception):
        ordered = _shown(DeskHost.objects.all(), companies).order_by("name", "host_id")
        return _by_company_name(_prepared_models(ordered, companies), companies)


PARCELS_COLLECTED_DAYS = 7  # how far back the desk's parcel page lists collected parcels


@dataclass
class DeskParcels:
    waiting: list[DeskParcel]
    collected: list[DeskParcel]


def desk_parcels(*, reception: Tenant, company: str = "") -> DeskParcels:
    """The parcels waiting at the desk, oldest first, and those collected in the last week, latest first; of one
    company (its slug) or of every active company of the building."""
    since = timezone.now() - dt.timedelta(days=PARCELS_COLLECTED_DAYS)
    companies = desk_companies(reception=reception)
    with _in_reception(reception):
        parcels = _shown(DeskParcel.objects.all(), companies)
        if company:
            parcels = parcels.filter(company_id__in=companies.ids_of(company))
        waiting = parcels.filter(picked_up_at=None).order_by("received_at", "company_id", "parcel_id")
        collected = parcels.filter(picked_up_at__gte=since).order_by("-picked_up_at", "company_id", "parcel_id")
        return DeskParcels(
            waiting=_prepared_models(waiting[:BOARD_LIMIT], companies),
            collected=_prepared_models(collected[:BOARD_LIMIT], companies),
        )


def desk_parcels_waiting(*, reception: Tenant, companies: Companies | None = None) -> int:
    """How many parcels wait at the desk, for the board (`companies`: as the board read them)."""
    companies = companies if companies is not None else desk_companies(reception=reception)
    with _in_reception(reception):
        return _shown(DeskParcel.objects.filter(picked_up_at=None), companies).count()


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
