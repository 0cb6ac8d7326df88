"""Reads for the kiosk: the building's companies, hosts, documents, and a visit found by its code.

Company data is read inside that company's schema only (`tenant_context`).
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.tenancy.models import Building, BuildingDocument, Tenant
from shared_apps.tenancy.selectors import companies_in_building
from tenant_apps.kiosk.models import Kiosk, KioskSettings, PairingCode
from tenant_apps.visits.models import Host, Visit
from tenant_apps.visits.selectors import company_settings

FALLBACK_LANGUAGE = "en"


def kiosk_companies(*, building: Building) -> QuerySet[Tenant]:
    """The companies a visitor may choose: the building's active ones, by name."""
    return companies_in_building(building_id=building.pk).order_by("name")


def access_kiosk_company(*, building: Building, company_id: object) -> Tenant | None:
    """An active company of this building, or None for a missing, suspended, removed or foreign one."""
    try:
        pk = int(str(company_id))
    except ValueError:
        return None
    return kiosk_companies(building=building).filter(pk=pk).first()


def kiosk_hosts(*, company: Tenant) -> list[Host]:
    """The company's active hosts, only if the company lets the kiosk show them."""
    with tenant_context(company):
        if not company_settings().show_hosts_on_kiosk:
            return []
        return list(Host.objects.filter(is_active=True).order_by("name"))


def company_retention_days(*, company: Tenant) -> int:
    with tenant_context(company):
        return company_settings().retention_days


def building_document(
    *, building: Building, kind: str, language: str, company: Tenant | None = None
) -> BuildingDocument | None:
    """The latest version of a document in `language`, else in English; company-specific rules first."""
    owners: list[Tenant | None] = [company, None] if company is not None else [None]
    for owner in owners:
        for lang in dict.fromkeys([language, FALLBACK_LANGUAGE]):
            documents = BuildingDocument.objects.filter(building=building, kind=kind, language=lang)
            documents = documents.filter(company=owner) if owner is not None else documents.filter(company__isnull=True)
            found = documents.order_by("-created_at", "-id").first()
            if found is not None:
                return found
    return None


@dataclass(frozen=True)
class FoundVisit:
    company: Tenant
    visit: Visit


def visit_by_code(*, building: Building, code: str) -> FoundVisit | None:
    """The visit with this code among the building's active companies: one indexed query per company schema.

    Codes of other buildings are never looked at, so they answer like unknown codes.
    """
    if not code:
        return None
    for company in kiosk_companies(building=building):
        with tenant_context(company):
            visit = Visit.objects.select_related("visitor", "host").filter(code=code).first()
        if visit is not None:
            return FoundVisit(company=company, visit=visit)
    return None


def kiosk_visit(*, company: Tenant, visit_id: int) -> Visit | None:
    with tenant_context(company):
        return Visit.objects.select_related("visitor", "host").filter(pk=visit_id).first()


def kiosk_settings() -> KioskSettings:
    """The current building's kiosk options, created with defaults on first use."""
    options, _ = KioskSettings.objects.get_or_create(pk=1)
    return options


def kiosks_of_building() -> QuerySet[Kiosk]:
    return Kiosk.objects.order_by("revoked_at", "name", "id")


def pairing_codes_pending() -> QuerySet[PairingCode]:
    return PairingCode.objects.filter(used_at__isnull=True, expires_at__gt=timezone.now())
