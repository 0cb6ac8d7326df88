"""The reception desk: thin views over the desk's selectors, services and access helpers."""

from itertools import groupby
from typing import cast
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shared_apps.accounts.access import rule_required
from shared_apps.accounts.models import User
from shared_apps.tenancy.models import Building, Tenant
from shared_apps.tenancy.selectors import companies_in_building
from tenant_apps.desk import services
from tenant_apps.desk.access import access_desk_company, access_desk_visit, is_building_desk
from tenant_apps.desk.board_rows import FORM_ID as ROW_FORM_ID
from tenant_apps.desk.board_rows import board_sections
from tenant_apps.desk.evacuation import evacuation_csv
from tenant_apps.desk.forms import BoardFilterForm, CheckInForm, NoteForm, WalkInForm
from tenant_apps.desk.selectors import (
    desk_board,
    desk_companies,
    desk_hosts,
    desk_on_site,
    desk_parcels_waiting,
    privacy_notice_for,
)
from tenant_apps.kiosk.badges import badge_context, visitor_language
from tenant_apps.kiosk.block_list import block_list_alerts_of, block_list_alerts_open
from tenant_apps.visits.models import Visit
from tenant_apps.visits.services import Decision, VisitStateError

desk_only = rule_required(is_building_desk)


def _reception(request: HttpRequest) -> Tenant:
    return cast(Tenant, request.tenant)  # type: ignore[attr-defined]


def _building(request: HttpRequest) -> Building:
    building = _reception(request).building
    assert building is not None  # a reception schema always belongs to a building
    return building


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _companies(request: HttpRequest) -> list[Tenant]:
    return list(companies_in_building(building_id=_building(request).pk))


def _back(request: HttpRequest) -> HttpResponseRedirect:
    """Back to the board as the desk left it (search, filters), never to another site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not (target.startswith("/desk/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None)):
        target = reverse("desk:board")
    return HttpResponseRedirect(target)


@desk_only
def desk_home(request: HttpRequest) -> HttpResponse:
    """The reception host's start page is the desk's board."""
    return redirect("desk:board")


def _board_context(request: HttpRequest) -> dict[str, object]:
    """The board's data. The search text comes only in a POST body: a visitor's name never goes in a URL."""
    reception = _reception(request)
    companies = desk_companies(reception=reception)  # read once, for the filter's choices and the board
    form = BoardFilterForm(
        request.POST if request.method == "POST" else request.GET,
        companies=[(company.slug, company.name) for company in companies.shown.values()],
    )
    filters = form.filters()
    query = urlencode({k: v for k, v in (("company", filters.company), ("state", filters.state)) if v})
    board = desk_board(reception=reception, filters=filters, companies=companies)
    here = reverse("desk:board") + (f"?{query}" if query else "")
    return {
        "building": _building(request),
        "form": form,
        "filters": filters,
        "counts": board.counts,
        "visits": board.visits,
        "sections": board_sections(board.visits, here=here),
        "block_list_alerts": block_list_alerts_open().count(),
        "parcels_waiting": desk_parcels_waiting(reception=reception, companies=companies),
        "row_form": ROW_FORM_ID,
        "here": here,
        "updated_at": timezone.now(),
    }


@require_http_methods(["GET", "POST"])
@desk_only
@never_cache
def board(request: HttpRequest) -> HttpResponse:
    """Today across every company of the building: counts, search, filters; it refreshes itself."""
    return render(request, "desk/board.html", _board_context(request))


@require_http_methods(["GET", "POST"])
@desk_only
@never_cache
def board_fragment(request: HttpRequest) -> HttpResponse:
    """The live part of the board, polled by desk.js with the desk's current search and filters."""
    return render(request, "desk/_board.html", _board_context(request))


@desk_only
@never_cache
def visit_check_in(request: HttpRequest, company: str, visit_id: int) -> HttpResponse:
    """Check a visitor in, with the privacy notice accepted at the desk; a restricted person is marked so, and
    checked in only with their agreement confirmed (desk/services.py)."""
    reception = _reception(request)
    tenant, visit = access_desk_visit(reception=reception, slug=company, visit_id=visit_id)
    notice = privacy_notice_for(building=_building(request), language=visit.visitor.language)
    form = CheckInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.desk_visit_check_in(
                reception=reception,
                company=tenant,
                visit=visit,
                user=_user(request),
                notice_accepted=form.cleaned_data["notice_accepted"],
                restriction_confirmed=form.cleaned_data["restriction_confirmed"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        except VisitStateError as error:
            messages.error(request, str(error))
            return _back(request)
        else:
            if held := _held_page(request, tenant, visit):
                return held
            messages.success(request, _("Checked in."))
            return _back(request)
    status = 400 if form.errors else 200
    context = {"company": tenant, "visit": visit, "notice": notice, "form": form, "next": _back(request).url}
    return render(request, "desk/check_in.html", context, status=status)


def _held_page(request: HttpRequest, company: Tenant, visit: Visit) -> HttpResponse | None:
    """After a desk check-in or walk-in: to the visit's decision page when the block list held it, else None."""
    if visit.state != Visit.State.HELD:
        return None
    messages.warning(request, _("This visitor matches the building's block list: the visit is held for you."))
    return redirect("desk:visit_decide", company=company.slug, visit_id=visit.pk)


def _state_action(request: HttpRequest, company: str, visit_id: int, action: str) -> HttpResponse:
    reception = _reception(request)
    tenant, visit = access_desk_visit(reception=reception, slug=company, visit_id=visit_id)
    try:
        if action == "check_out":
            services.desk_visit_check_out(
                reception=reception, company=tenant, visit=visit, user=_user(request), request=request
            )
            messages.success(request, _("Checked out."))
        else:
            services.desk_visit_cancel(
                reception=reception, company=tenant, visit=visit, user=_user(request), request=request
            )
            messages.success(request, _("Visit cancelled."))
    except VisitStateError as error:
        messages.error(request, str(error))
    return _back(request)


@require_POST
@desk_only
def visit_check_out(request: HttpRequest, company: str, visit_id: int) -> HttpResponse:
    """Check a visitor out."""
    return _state_action(request, company, visit_id, "check_out")


@require_http_methods(["GET", "POST"])
@desk_only
@never_cache
def visit_cancel(request: HttpRequest, company: str, visit_id: int) -> HttpResponse:
    """Cancel an expected visit, after a confirmation page: a POST without `confirm=yes` only shows that page."""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        return _state_action(request, company, visit_id, "cancel")
    tenant, visit = access_desk_visit(reception=_reception(request), slug=company, visit_id=visit_id)
    context = {"company": tenant, "visit": visit, "next": _back(request).url}
    return render(request, "desk/cancel.html", context)


@desk_only
@never_cache
def visit_note(request: HttpRequest, company: str, visit_id: int) -> HttpResponse:
    """Add a desk note to a visit's timeline."""
    reception = _reception(request)
    tenant, visit = access_desk_visit(reception=reception, slug=company, visit_id=visit_id)
    form = NoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.desk_visit_note_add(
            reception=reception,
            company=tenant,
            visit=visit,
            user=_user(request),
            note=form.cleaned_data["note"],
            request=request,
        )
        messages.success(request, _("Note added."))
        return _back(request)
    status = 400 if form.errors else 200
    context = {"company": tenant, "visit": visit, "form": form, "next": _back(request).url}
    return render(request, "desk/note.html", context, status=status)


@require_http_methods(["GET", "POST"])
@desk_only
@never_cache
def visit_badge(request: HttpRequest, company: str, visit_id: int) -> HttpResponse:
    """A print-ready badge on the building's label size, in the visitor's language, with the code as a QR code.

    The server keeps only the code's digest: GET shows the badge and a button, and POST draws the fresh code that
    this badge carries (the visitor's earlier code stops working), audited."""
    reception = _reception(request)
    tenant, visit = access_desk_visit(reception=reception, slug=company, visit_id=visit_id)
    code = ""
    if request.method == "POST":
        code = services.desk_badge_print(
            reception=reception, company=tenant, visit=visit, user=_user(request), request=request
        )
    return _badge_page(request, company=tenant, visit=visit, code=code)


def _badge_page(request: HttpRequest, *, company: Tenant, visit: Visit, code: str) -> HttpResponse:
    building = _building(request)
    day = timezone.localtime(visit.checked_in_at or visit.expected_start, ZoneInfo(building.timezone)).date()
    context = {
        "company": company,
        "visit": visit,
        "building": building,
        "day": day,
        "next": _back(request).url,
        "badge_language": visitor_language(visit),
        **badge_context(building=building, company=company, visit=visit, code=code),
    }
    return render(request, "desk/badge.html", context)


@desk_only
@never_cache
def walk_in(request: HttpRequest) -> HttpResponse:
    """Register a walk-in visitor for any company of the building and check them in at once."""
    reception = _reception(request)
    building = _building(request)
    form = WalkInForm(
        request.POST if request.method == "POST" else None,
        building=building,
        companies=_companies(request),
        hosts=desk_hosts(reception=reception),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        company = access_desk_company(reception=reception, slug=data["company"])
        try:
            visit = services.desk_walk_in_register(
                reception=reception,
                company=company,
                user=_user(request),
                visitor=form.visitor(),
                host_id=form.host_id(),
                expected_end=form.expected_end_at(),
                notice_accepted=data["notice_accepted"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        except VisitStateError as error:  # someone who objected: staff may not register them again
            form.add_error("email", str(error))
        else:
            if held := _held_page(request, company, visit):
                return held
            # To the badge page, whose button draws the code the badge carries (the server keeps only digests).
            messages.success(request, _("Walk-in registered and checked in."))
            return redirect("desk:visit_badge", company=company.slug, visit_id=visit.pk)
    status = 400 if form.errors else 200
    notices = {code: privacy_notice_for(building=building, language=code) for code in ("fr", "nl", "en", "de")}
    context = {"form": form, "building": building, "notices": notices}
    return render(request, "desk/walk_in.html", context, status=status)


@require_GET
@desk_only
@never_cache
def evacuation(request: HttpRequest) -> HttpResponse:
    """Everyone on site now, one printed page per company, with a roll-call mode to tick people as safe."""
    reception = _reception(request)
    people = desk_on_site(reception=reception)
    services.desk_evacuation_viewed(
        reception=reception, user=_user(request), count=len(people), as_csv=False, request=request
    )
    groups = [(name, list(rows)) for name, rows in groupby(people, key=lambda visit: visit.company_name)]
    context = {"building": _building(request), "groups": groups, "total": len(people), "now": timezone.now()}
    return render(request, "desk/evacuation.html", context)


@require_GET
@desk_only
@never_cache
def evacuation_download(request: HttpRequest) -> HttpResponse:
    """The evacuation list as CSV (UTF-8, formula-injection safe)."""
    reception = _reception(request)
    people = desk_on_site(reception=reception)
    services.desk_evacuation_viewed(
        reception=reception, user=_user(request), count=len(people), as_csv=True, request=request
    )
    response = HttpResponse(
        evacuation_csv(building=_building(request), visits=people), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="evacuation-{_building(request).slug}-{stamp}.csv"'
    return response


@require_http_methods(["GET", "POST"])
@desk_only
@never_cache
def visit_decide(request: HttpRequest, company: str, visit_id: int) -> HttpResponse:
    """A walk-in waiting for approval or a visit held for the desk: who, for whom, and, when the desk may decide,
    approve (checked in) or decline."""
    reception = _reception(request)
    tenant, visit = access_desk_visit(reception=reception, slug=company, visit_id=visit_id)
    allowed = services.desk_decisions_allowed(company=tenant)
    if request.method == "POST":
        try:
            decision = Decision(request.POST.get("decision", ""))
        except ValueError:
            messages.error(request, _("Choose to approve or to decline."))
        else:
            try:
                services.desk_visit_decide(
                    reception=reception, company=tenant, visit=visit, user=_user(request), decision=decision,
                    request=request,
                )  # fmt: skip
            except VisitStateError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Approved: the visitor is checked in.") if decision == Decision.APPROVE
                                 else _("Declined."))  # fmt: skip
                return _back(request)
    context = {
        "company": tenant, "visit": visit, "next": _back(request).url,
        "may_decide": visit.state in allowed, "deciding": visit.state in (Visit.State.WAITING, Visit.State.HELD),
        "alerts": block_list_alerts_of(company_id=tenant.pk, visit_id=visit.pk),
    }  # fmt: skip
    return render(request, "desk/decide.html", context, status=400 if request.method == "POST" else 200)
