"""Reads of buildings and companies, from the public schema."""

from functools import partial

from django.db.models import Prefetch, Q, QuerySet

from shared_apps.database.brief_memory import BriefMemory
from shared_apps.tenancy.models import Building, BuildingDocument, Tenant

FALLBACK_LANGUAGE = "en"


def buildings_with_companies() -> QuerySet[Building]:
    companies = Tenant.objects.filter(type=Tenant.Type.COMPANY).exclude(status=Tenant.Status.REMOVED)
    return Building.objects.prefetch_related(
        Prefetch("tenants", queryset=companies.prefetch_related("domains"), to_attr="companies"),
    )


def companies_in_building(*, building_id: int) -> QuerySet[Tenant]:
    return Tenant.objects.filter(type=Tenant.Type.COMPANY, building_id=building_id, status=Tenant.Status.ACTIVE)


def companies_maintained(*, building: Building | None = None) -> QuerySet[Tenant]:
    """Companies whose data the platform looks after (its daily jobs, IT's searches): active and suspended ones,
    not removed ones or templates; of one building when given."""
    companies = Tenant.objects.filter(
        type=Tenant.Type.COMPANY, status__in=[Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED]
    )
    return companies if building is None else companies.filter(building=building)


Documents = tuple[BuildingDocument | None, BuildingDocument | None]

# Every screen that shows them and every check-in that records their versions reads them: remembered briefly.
# Publishing a version saves it, which every process honours at its next request.
# Texts of a few kB each: at most a thousand sets (building, company, language) per process.
_documents: BriefMemory[Documents] = BriefMemory(
    forget_on=("tenancy.BuildingDocument", "tenancy.Building"), max_entries=1_000
)


def building_documents(*, building: Building, language: str, company: Tenant) -> Documents:
    """The privacy notice (building-wide) and the visitor rules (the company's own first) to show.

    Each is the latest version in `language`, else in English.
    """
    load = partial(_building_documents_read, building=building, language=language, company=company)
    return _documents.recall((building.pk, company.pk, language), load)


def _building_documents_read(*, building: Building, language: str, company: Tenant) -> Documents:
    """building_documents, in one query."""
    languages = list(dict.fromkeys([language, FALLBACK_LANGUAGE]))
    candidates = list(
        BuildingDocument.objects.filter(
            Q(company=company) | Q(company__isnull=True),
            building=building,
            kind__in=[BuildingDocument.Kind.PRIVACY_NOTICE, BuildingDocument.Kind.VISITOR_RULES],
            language__in=languages,
        ).order_by("-created_at", "-id")
    )

    def best(kind: str, owners: list[int | None]) -> BuildingDocument | None:
        for owner in owners:
            for lang in languages:
                found = next(
                    (d for d in candidates if d.kind == kind and d.company_id == owner and d.language == lang), None
                )
                if found is not None:
                    return found
        return None

    return (
        best(BuildingDocument.Kind.PRIVACY_NOTICE, [None]),
        best(BuildingDocument.Kind.VISITOR_RULES, [company.pk, None]),
    )
