"""IT's search for one person across companies, when the platform is asked to assist; every search is audited."""

from dataclasses import dataclass

from django.http import HttpRequest
from django_tenants.utils import tenant_context

from shared_apps.audit.services import audit_record
from shared_apps.tenancy.models import Building, Tenant
from tenant_apps.privacy.schemas import companies_in_batches, companies_to_maintain
from tenant_apps.privacy.subjects import persons_find


@dataclass(frozen=True)
class PlatformMatch:
    company: Tenant
    visitor_id: int
    name: str
    email: str
    visits: int


def persons_find_across(
    *, query: str, building: Building | None, actor: str, request: HttpRequest
) -> list[PlatformMatch]:
    """Search every company of a building (or of the platform) for one person; the search itself is audited."""
    companies = companies_to_maintain()
    if building is not None:
        companies = companies.filter(building=building)
    matches: list[PlatformMatch] = []
    searched = 0
    for batch in companies_in_batches(companies):
        for company in batch:
            searched += 1
            with tenant_context(company):
                matches += [
                    PlatformMatch(company, v.pk, f"{v.first_name} {v.last_name}", v.email, v.visits.count())
                    for v in persons_find(query=query)
                ]
    audit_record(
        actor=actor, action="subject.it_search", tenant_schema="public", request=request,
        object_ids={"building": [building.pk] if building else []},
        details={"scope": building.slug if building else "platform", "companies": searched, "matches": len(matches)},
    )  # fmt: skip
    return matches
