"""The page behind a visitor's details link (tenant_apps/visits/self_registration.py). No account: the link is the
key. It speaks the visitor's language until they choose another (the page's language switch), shows the privacy
notice the kiosk shows, and stores the details once."""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from shared_apps.tenancy.models import Building, BuildingDocument, Tenant
from shared_apps.tenancy.selectors import building_documents
from tenant_apps.visits.forms import OwnDetailsForm
from tenant_apps.visits.models import Visit
from tenant_apps.visits.selectors import PrivacyContact, company_settings_remembered, privacy_contact
from tenant_apps.visits.self_registration import details_link_open, visit_details_give

# The notice's version when the building has published none: the kiosk's own text (visitor_documents.html).
DEFAULT_NOTICE_VERSION = "kiosk-default-1"


@dataclass(frozen=True)
class Notice:
    """What visitor_documents.html shows: the building's notice in the page's language and whom to ask."""

    company: Tenant
    building: Building | None
    notice: BuildingDocument | None
    contact: PrivacyContact
    retention_days: int
    privacy_link: str
    rules: None = None  # the visitor rules are accepted at the kiosk, on arrival

    @property
    def notice_version(self) -> str:
        return f"{self.notice.language}:{self.notice.version}" if self.notice else DEFAULT_NOTICE_VERSION


def _notice(request: HttpRequest, language: str) -> Notice:
    company: Tenant = connection.tenant  # type: ignore[attr-defined]
    building = company.building
    notice = building_documents(building=building, language=language, company=company)[0] if building else None
    return Notice(
        company=company, building=building, notice=notice, contact=privacy_contact(remembered=True),
        retention_days=company_settings_remembered().retention_days,
        privacy_link=request.build_absolute_uri(reverse("privacy:me")),
    )  # fmt: skip


def _language(request: HttpRequest, visit: Visit) -> str:
    """The visitor's language, unless they chose one with the page's switch (Django's language cookie)."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return translation.get_language() or visit.visitor.language
    return visit.visitor.language


@require_http_methods(["GET", "POST"])
@never_cache
def give(request: HttpRequest, token: str) -> HttpResponse:
    visit = details_link_open(token)
    if visit is None:
        response = render(request, "visits/self_registration.html", {"state": "gone"}, status=404)
    else:
        language = _language(request, visit)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        building = connection.tenant.building  # type: ignore[attr-defined]
        asks_plate = bool(building is not None and building.asks_licence_plate)
        form = OwnDetailsForm(request.POST or None, visitor=visit.visitor, asks_plate=asks_plate, language=language)
        notice = _notice(request, language)
        state = "ask"
        if request.method == "POST" and form.is_valid():
            given = visit_details_give(token=token, details=form.own_details(), notice_version=notice.notice_version)
            state = "done" if given is not None else "gone"
        context = {"state": state, "visit": visit, "form": form, "documents": notice}
        response = render(request, "visits/self_registration.html", context, status=404 if state == "gone" else 200)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
