"""What a visitor reads and accepts before checking in: the privacy notice and the visitor rules."""

from dataclasses import dataclass
from functools import cached_property

from shared_apps.tenancy.models import Building, BuildingDocument, Tenant
from shared_apps.tenancy.selectors import building_documents
from tenant_apps.kiosk.selectors import company_privacy_contact, company_retention_days
from tenant_apps.privacy.services import person_link_page_url
from tenant_apps.visits.selectors import PrivacyContact

# When the building has not written a notice, the kiosk shows its own (kiosk/_notice_default.html).
DEFAULT_NOTICE_VERSION = "kiosk-default-1"


@dataclass(frozen=True)
class VisitorDocuments:
    company: Tenant
    notice: BuildingDocument | None
    rules: BuildingDocument | None
    building: Building | None = None

    @cached_property
    def contact(self) -> PrivacyContact:
        """The company's privacy contact, read only when the notice is shown."""
        return company_privacy_contact(company=self.company)

    @cached_property
    def retention_days(self) -> int:
        """Read only when the notice is shown: storing a check-in needs the versions, not this."""
        return company_retention_days(company=self.company)

    @cached_property
    def privacy_link(self) -> str:
        """The company's short page where a visitor asks for their own privacy link (names no one)."""
        return person_link_page_url(self.company)

    @property
    def notice_version(self) -> str:
        return f"{self.notice.language}:{self.notice.version}" if self.notice else DEFAULT_NOTICE_VERSION

    @property
    def rules_version(self) -> str:
        return f"{self.rules.language}:{self.rules.version}" if self.rules else ""


def visitor_documents(*, building: Building, company: Tenant, language: str) -> VisitorDocuments:
    """The notice (building-wide) and the rules (the company's own, else the building's) in `language`."""
    notice, rules = building_documents(building=building, language=language, company=company)
    return VisitorDocuments(company=company, notice=notice, rules=rules, building=building)
