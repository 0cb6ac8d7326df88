"""Reads for the kiosk: the building's companies, hosts, documents, and a visit found by its code.

Company data is read inside that company's schema only (`tenant_context`).
"""

import datetime as dt
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.database.brief_memory import BriefMemory
from shared_apps.operations.encryption import code_digests
from shared_apps.tenancy.models import Building, Tenant
from shared_apps.tenancy.selectors import companies_in_building
from tenant_apps.kiosk.models import Kiosk, KioskSettings, PairingCode
from tenant_apps.notifications.services import Told, arrival_told
from tenant_apps.visits.models import Host, Visit
from tenant_apps.visits.selectors import PrivacyContact, company_settings_remembered, privacy_contact


def kiosk_companies(*, building: Building) -> QuerySet[Tenant]:
    """The companies a visitor may choose: the building's active ones, by name."""
    return companies_in_building(building_id=building.pk).order_by("name")


def kiosk_state_nonce(*, kiosk_id: int) -> str | None:
    """The kiosk's current state nonce, read fresh: a remembered device may hold an older one."""
    found = Kiosk.objects.filter(pk=kiosk_id).values_list("state_nonce", flat=True).order_by()[:1]  # by key
    return found[0] if found else None


# Each kiosk step after the company's choice reads it again: remembered briefly (shared_apps/database/brief_memory.py).
# A suspension is honoured at once by every process, as for the company's own host.
_companies: BriefMemory[Tenant] = BriefMemory(forget_on=("tenancy.Tenant", "tenancy.Building"))


def access_kiosk_company(*, building: Building, company_id: object) -> Tenant | None:
    """An active company of this building, or None for a missing, suspended, removed or foreign one."""
    try:
        pk = int(str(company_id))
    except ValueError:
        return None

    def lookup() -> Tenant:
        # With its building: a walk-in's arrival reads where to announce it (notifications/services.py).
        return companies_in_building(building_id=building.pk).select_related("building").get(pk=pk)

    try:
        return _companies.recall((building.pk, pk), lookup)
    except Tenant.DoesNotExist:
        return None


HOST_SEARCH_MIN_LETTERS = 2  # fewer letters find no one: the kiosk never shows the company's whole list
HOST_SEARCH_RESULTS = 8


def kiosk_hosts_offered(*, company: Tenant) -> bool:
    """Whether a walk-in may search for their host: the company lets the kiosk offer them, and has some."""
    with tenant_context(company):
        if not company_settings_remembered().show_hosts_on_kiosk:
            return False
        return Host.objects.filter(is_active=True).exists()


def kiosk_host_search(*, company: Tenant, query: str) -> list[Host]:
    """A few of the company's active hosts whose name holds every word typed, only if the company lets the kiosk
    offer them and at least HOST_SEARCH_MIN_LETTERS letters were typed: never the whole list."""
    words = query.split()[:4]
    if sum(len(word) for word in words) < HOST_SEARCH_MIN_LETTERS:
        return []
    with tenant_context(company):
        if not company_settings_remembered().show_hosts_on_kiosk:
            return []
        hosts = Host.objects.filter(is_active=True)
        for word in words:
            hosts = hosts.filter(name__icontains=word)
        return list(hosts.order_by("name")[:HOST_SEARCH_RESULTS])


def kiosk_host(*, company: Tenant, host_id: object) -> Host | None:
    """The company's active host with this id, if the company lets the kiosk offer its hosts; else None."""
    try:
        pk = int(str(host_id))
    except ValueError:
        return None
    with tenant_context(company):
        if not company_settings_remembered().show_hosts_on_kiosk:
            return None
        return Host.objects.filter(pk=pk, is_active=True).first()


def kiosk_arrival_told(*, company: Tenant, visit: Visit) -> tuple[Told, str]:
    """Who was told of this visit's arrival, for the visitor's last screen (read in the company's schema)."""
    with tenant_context(company):
        return arrival_told(visit=visit)


def company_retention_days(*, company: Tenant) -> int:
    """What the notice tells the visitor: read on every notice screen, so remembered briefly."""
    with tenant_context(company):
        return company_settings_remembered().retention_days


def company_privacy_contact(*, company: Tenant) -> PrivacyContact:
    """Whom the notice tells the visitor to ask about their data in `company` (its contact, else its admin)."""
    with tenant_context(company):
        return privacy_contact(remembered=True)


@dataclass(frozen=True)
class FoundVisit:
    company: Tenant
    visit: Visit


# Which company of the building holds a code, asked by the code's digests (operations/encryption.py
# `code_digests`: one per key, any may match) -> "<company id>:<visit id>", or None. The desk's building view
# answers it (a `UNION ALL` over exactly the building's company schemas, in one query that probes each schema's
# unique index on `code_digest`); the desk sits above the kiosk, so it registers the answer here
# (DeskConfig.ready()).
CodeOwner = Callable[[list[str], tuple[dt.datetime, dt.datetime]], str | None]
_code_owners: list[CodeOwner] = []


def code_owner_register(owner: CodeOwner) -> None:
    """Set where the kiosk finds which company holds a code (once per process; again replaces it)."""
    _code_owners[:] = [owner]


def visit_by_code(*, building: Building, code: str) -> FoundVisit | None:
    """The visit with this code among the building's active companies, read in that company's schema.

    Codes of other buildings are never looked at, so they answer like unknown codes.
    """
    if not code:
        return None
    if not _code_owners:
        raise ImproperlyConfigured("The kiosk finds codes through the desk's view: install tenant_apps.desk.")
    key = _code_owners[0](code_digests(code), building_today_bounds(building))
    if key is None:
        return None
    company_id, visit_id = key.split(":")
    company = access_kiosk_company(building=building, company_id=company_id)
    visit = kiosk_visit(company=company, visit_id=int(visit_id)) if company is not None else None
    if company is None or visit is None:  # the company left, or the visit was erased, since the view was read
        return None
    return FoundVisit(company=company, visit=visit)


def building_today_bounds(building: Building) -> tuple[dt.datetime, dt.datetime]:
    """Today in the building's time zone, from its first instant to the next day's."""
    zone = zoneinfo.ZoneInfo(building.timezone)
    today = timezone.localtime(timezone.now(), zone).date()
    start = dt.datetime.combine(today, dt.time(), tzinfo=zone)
    return start, dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=zone)


def kiosk_visit(*, company: Tenant, visit_id: int) -> Visit | None:
    with tenant_context(company):
        found = Visit.objects.select_related("visitor", "host").filter(pk=visit_id).order_by()[:1]
        return found[0] if found else None


def kiosk_settings() -> KioskSettings:
    """The current building's kiosk options, created with defaults on first use."""
    options, _ = KioskSettings.objects.get_or_create(pk=1)
    return options


def pairing_codes_pending() -> QuerySet[PairingCode]:
    return PairingCode.objects.filter(used_at__isnull=True, expires_at__gt=timezone.now())
