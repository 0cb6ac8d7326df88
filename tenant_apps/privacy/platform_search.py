"""IT's search for one person across companies, when the platform is asked to assist; every search is audited."""

from dataclasses import dataclass

from django.http import HttpRequest

from shared_apps.audit.services import audit_record
from shared_apps.database.every_schema import in_every_schema
from shared_apps.tenancy.models import Building, Tenant
from shared_apps.tenancy.selectors import companies_maintained
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

    def search(company: Tenant) -> list[PlatformMatch]:
        return [
            PlatformMatch(company, v.pk, f"{v.first_name} {v.last_name}", v.email, v.visits.count())
            for v in persons_find(query=query)
        ]

    matches: list[PlatformMatch] = []
    searched = 0
    for _, found in in_every_schema(companies_maintained(building=building), search):
        searched += 1
        matches += found
    audit_record(
        actor=actor, action="subject.it_search", tenant_schema="public", request=request,
        object_ids={"building": [building.pk] if building else []},
        details={"scope": building.slug if building else "platform", "companies": searched, "matches": len(matches)},
    )  # fmt: skip
    return matches
