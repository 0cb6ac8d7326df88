"""The lobby kiosk's screens. Each one is tied to a paired device (`kiosk_required`).

Screens carry no personal data in their URLs: visitors' input is POSTed, and the
next screen is reached by a redirect to a fixed address whose state sits in the
device's signed state cookie (ids only, `state.py`) and is forgotten on reset.
"""

from typing import Any
from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from shared_apps.audit.services import client_ip
from shared_apps.operations.encryption import SecretUnreadable, decrypt, encrypt
from shared_apps.operations.stored_images import stored_image_response
from shared_apps.tenancy.models import Tenant
from tenant_apps.kiosk.badges import badge_context, visitor_language
from tenant_apps.kiosk.branding import brand_css
from tenant_apps.kiosk.device import (
    KioskRequest,
    device_cookie_set,
    kiosk_from_request,
    kiosk_required,
    kiosk_starting_over,
)
from tenant_apps.kiosk.documents import visitor_documents
from tenant_apps.kiosk.forms import CodeForm, ConfirmForm, WalkInForm
from tenant_apps.kiosk.selectors import (
    HOST_SEARCH_MIN_LETTERS,
    access_kiosk_company,
    kiosk_arrival_told,
    kiosk_companies,
    kiosk_host,
    kiosk_host_search,
    kiosk_hosts_offered,
    kiosk_visit,
)
from tenant_apps.kiosk.services import (
    CodeProblem,
    PairingRefused,
    code_check_out,
    invitation_check_in,
    invitation_find,
    kiosk_pair,
    walk_in_allowed,
    walk_in_check_in,
)
from tenant_apps.kiosk.state import (
    PENDING_SECONDS,
    RESULT_SECONDS,
    STATE_MAX_SECONDS,
    fresh,
    stamped,
    state_get,
    state_reset,
    state_restart,
    state_store,
    state_update,
)
from tenant_apps.visits.models import LANGUAGE_CHOICES, Visit
from tenant_apps.visits.services import (
    ObjectionConfirmationNeeded,
    VisitorRefused,
    VisitorRestricted,
    VisitStateError,
)

LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)
LOGO_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp", "gif": "image/gif"}


def _problem_message(problem: CodeProblem) -> str:
    return {
        CodeProblem.UNKNOWN: _("We do not recognise this code. Check it and try again, or ask at the reception desk."),
        CodeProblem.EXPIRED: _("This code is not valid today: a code is valid on the day of the visit only."),
        CodeProblem.USED: _("This code has already been used."),
        CodeProblem.THROTTLED: _("Too many attempts. Please ask at the reception desk."),
        CodeProblem.SEE_DESK: _("Please see the reception desk."),
    }[problem]


def _render(
    request: KioskRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    shared = {"building": request.building, "kiosk": request.kiosk, "languages": _languages(request)}
    return render(request, template, {**shared, **(context or {})}, status=status)


def _state(request: KioskRequest) -> dict[str, Any]:
    return state_get(request, kiosk_id=request.kiosk.pk)


def _chosen_company(request: KioskRequest) -> Tenant | None:
    company_id = _state(request).get("company")
    return access_kiosk_company(building=request.building, company_id=company_id) if company_id else None


@never_cache
def pair(request: HttpRequest) -> HttpResponse:
    """The only screen an unpaired or revoked browser gets: type the code the desk shows."""
    reception: Tenant = request.tenant  # type: ignore[attr-defined]
    if reception.building is None:
        return HttpResponse(status=404)
    if kiosk_from_request(request) is not None:
        return redirect("kiosk:start")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kiosk, token = kiosk_pair(
                code=form.cleaned_data["code"], client=client_ip(request) or "unknown", building=reception.building
            )
        except PairingRefused as refused:
            form.add_error(
                "code",
                _("Too many attempts. Wait a few minutes and try again.")
                if str(refused) == "throttled"
                else _("This pairing code is wrong, used or expired. Ask the desk for a new one."),
            )
        else:
            response = redirect("kiosk:start")
            state_restart(request, kiosk_id=kiosk.pk)
            state_store(request, response)
            device_cookie_set(response, request, token)
            return response
    return render(request, "kiosk/pair.html", {"form": form, "building": reception.building}, status=200)


def _languages(request: KioskRequest) -> list[tuple[str, str]]:
    return [(code, LANGUAGE_NAMES.get(code, code)) for code in request.building.kiosk_languages]


def _home(request: KioskRequest, *, form: CodeForm | None = None, problem: str = "", status: int = 200) -> HttpResponse:
    """The first screen: scan or type an invitation's code at once, or choose walk-in or check-out."""
    return _render(
        request,
        "kiosk/start.html",
        {"form": form or CodeForm(), "problem": problem,
         "chosen": "lang" in _state(request)},
        status=status,
    )  # fmt: skip


@kiosk_required
def start(request: KioskRequest) -> HttpResponse:
    """The first screen. Arriving here forgets everything the previous visitor did, on the server too."""
    state_restart(request, kiosk_id=request.kiosk.pk)
    return _home(request)


@kiosk_starting_over  # a visitor starts (the start screen may be long gone)
@require_POST
def language(request: KioskRequest) -> HttpResponse:
    chosen = request.POST.get("language", "")
    if chosen not in request.building.kiosk_languages:
        return redirect("kiosk:start")
    state_update(request, kiosk_id=request.kiosk.pk, lang=chosen)
    return redirect("kiosk:menu")


# Screens a visitor may change the language on, keeping what they did so far.
LANGUAGE_SWITCH_SCREENS = {"invitation_confirm", "walk_in", "walk_in_host", "walk_in_details", "check_out"}


@kiosk_required
@require_POST
def language_switch(request: KioskRequest) -> HttpResponse:
    """Change the language in the middle of the steps (an invitation's language may not be the visitor's)."""
    chosen = request.POST.get("language", "")
    screen = request.POST.get("screen", "")
    if chosen in request.building.kiosk_languages:
        state_update(request, kiosk_id=request.kiosk.pk, lang=chosen)
    return redirect(f"kiosk:{screen}" if screen in LANGUAGE_SWITCH_SCREENS else "kiosk:menu")


@kiosk_starting_over
@require_POST
def reset(request: KioskRequest) -> HttpResponse:
    return redirect("kiosk:start")


@kiosk_required
def menu(request: KioskRequest) -> HttpResponse:
    """The first screen in the language the visitor chose (without starting over)."""
    return _home(request)


@kiosk_required
def walk_in_company(request: KioskRequest) -> HttpResponse:
    """Choose the company visited among the building's active companies."""
    if request.method == "POST":
        company = access_kiosk_company(building=request.building, company_id=request.POST.get("company"))
        if company is not None:
            state_update(request, kiosk_id=request.kiosk.pk, company=company.pk, host=None)
            return redirect("kiosk:walk_in_host" if kiosk_hosts_offered(company=company) else "kiosk:walk_in_details")
    companies = list(kiosk_companies(building=request.building))
    return _render(request, "kiosk/companies.html", {"companies": companies})


@kiosk_required
def walk_in_host(request: KioskRequest) -> HttpResponse:
    """Search for the person visited by a few letters of their name, when the company lets the kiosk offer its
    hosts; never the whole list. A fragment of results answers the screen's own live search (kiosk.js)."""
    company = _chosen_company(request)
    if company is None:
        return redirect("kiosk:start")
    if not kiosk_hosts_offered(company=company):
        return redirect("kiosk:walk_in_details")
    if request.method == "POST" and "host" in request.POST:
        chosen = request.POST.get("host", "")
        host = None if chosen == "none" else kiosk_host(company=company, host_id=chosen)
        if host is not None or chosen == "none":
            state_update(request, kiosk_id=request.kiosk.pk, host=host.pk if host else None)
            return redirect("kiosk:walk_in_details")
    query = str(request.POST.get("q", ""))[:60] if request.method == "POST" else ""
    hosts = kiosk_host_search(company=company, query=query)
    searched = len(query.strip()) >= HOST_SEARCH_MIN_LETTERS
    context = {"company": company, "hosts": hosts, "query": query, "searched": searched,
               "min_letters": HOST_SEARCH_MIN_LETTERS}  # fmt: skip
    if request.headers.get("X-Kiosk-Search") == "1":
        return _render(request, "kiosk/_host_results.html", context)
    return _render(request, "kiosk/hosts.html", context)


@kiosk_required
def walk_in_details(request: KioskRequest) -> HttpResponse:
    """Name, company, e-mail and phone as the building asks; the notice and rules accepted; then checked in."""
    company = _chosen_company(request)
    if company is None:
        return redirect("kiosk:start")
    language = str(request.LANGUAGE_CODE)
    documents = visitor_documents(building=request.building, company=company, language=language)
    form = WalkInForm(
        request.POST or None,
        needs_email=request.building.kiosk_requires_email,
        needs_phone=request.building.kiosk_requires_phone,
        has_rules=documents.rules is not None,
    )
    if request.method == "POST" and form.is_valid():
        if not walk_in_allowed(kiosk=request.kiosk):
            form.add_error(None, _("Too many attempts. Please ask at the reception desk."))
        else:
            try:
                visit = walk_in_check_in(
                    kiosk=request.kiosk,
                    building=request.building,
                    company=company,
                    host_id=_state(request).get("host"),
                    visitor=form.visitor_details(language=language),
                    notice_version=documents.notice_version,
                    rules_version=documents.rules_version,
                )
            except ObjectionConfirmationNeeded:
                form.add_error(
                    None, _("We sent an e-mail to this address. Confirm with its link, then register again.")
                )
                return _render(request, "kiosk/details.html",
                               {"form": form, "documents": documents, "company": company})  # fmt: skip
            except VisitorRefused:
                form.add_error(None, _("We cannot register you here. Please ask at the reception desk."))
                return _render(request, "kiosk/details.html",
                               {"form": form, "documents": documents, "company": company})  # fmt: skip
            kind = "in" if visit.state == Visit.State.ON_SITE else "wait"  # waits for an approval, or the desk
            state_update(
                request,
                kiosk_id=request.kiosk.pk,
                company=None,
                host=None,
                result=stamped(kind=kind, company=company.pk, visit=visit.pk, code=encrypt(visit.code)),
            )
            return redirect("kiosk:done" if kind == "in" else "kiosk:waiting")
    return _render(request, "kiosk/details.html", {"form": form, "documents": documents, "company": company})


def _code_screen(request: KioskRequest, *, purpose: str, form: CodeForm, message: str = "") -> HttpResponse:
    return _render(
        request,
        "kiosk/code.html",
        {"form": form, "purpose": purpose, "problem": message},
    )


@kiosk_required
def invitation(request: KioskRequest) -> HttpResponse:
    """The invitation's code, scanned or typed on the first screen; the kiosk then speaks the invitation's
    language, unless the visitor chose one (they may change it on the next screen)."""
    if request.method != "POST":
        return redirect("kiosk:menu")
    form = CodeForm(request.POST)
    if form.is_valid():
        lookup = invitation_find(kiosk=request.kiosk, building=request.building, code=form.cleaned_data["code"])
        if lookup.found is not None:
            # The code the visitor typed goes on their badge: the server keeps only its digest, so the cookie
            # carries it, encrypted (operations/encryption.py), for the few minutes the badge can be printed.
            pending = stamped(
                company=lookup.found.company.pk,
                visit=lookup.found.visit.pk,
                code=encrypt(form.cleaned_data["code"]),
            )
            state_update(request, kiosk_id=request.kiosk.pk, invite=pending)
            invited_in = lookup.found.visit.visitor.language
            if "lang" not in _state(request) and invited_in in request.building.kiosk_languages:
                state_update(request, kiosk_id=request.kiosk.pk, lang=invited_in)
            return redirect("kiosk:invitation_confirm")
        assert lookup.problem is not None
        return _home(request, problem=_problem_message(lookup.problem))
    return _home(request, form=form)


@kiosk_required
def invitation_confirm(request: KioskRequest) -> HttpResponse:
    """The visitor sees only their first name and the company visited, and confirms."""
    pending = fresh(_state(request).get("invite"), PENDING_SECONDS)
    company = access_kiosk_company(building=request.building, company_id=pending["company"]) if pending else None
    if company is None or pending is None:
        state_reset(request, kiosk_id=request.kiosk.pk)
        return redirect("kiosk:start")
    language = str(request.LANGUAGE_CODE)
    documents = visitor_documents(building=request.building, company=company, language=language)
    form = ConfirmForm(request.POST or None, has_rules=documents.rules is not None)
    if request.method == "POST" and form.is_valid():
        try:
            visit = invitation_check_in(
                kiosk=request.kiosk,
                building=request.building,
                company=company,
                visit_id=int(pending["visit"]),
                notice_version=documents.notice_version,
                rules_version=documents.rules_version,
            )
        except Visit.DoesNotExist:  # erased since the code was typed
            state_reset(request, kiosk_id=request.kiosk.pk)
            return redirect("kiosk:start")
        except VisitorRestricted:  # restricted since the code was typed: nothing more is said here
            state_update(request, kiosk_id=request.kiosk.pk, invite=None)
            return _home(request, problem=_problem_message(CodeProblem.SEE_DESK))
        except VisitStateError:
            state_update(request, kiosk_id=request.kiosk.pk, invite=None)
            return _home(request, problem=_problem_message(CodeProblem.USED))
        if visit.state == Visit.State.HELD:  # the desk sees them first; the visitor learns nothing more
            state_reset(request, kiosk_id=request.kiosk.pk)
            return _render(request, "kiosk/see_desk.html")
        state_update(
            request,
            kiosk_id=request.kiosk.pk,
            invite=None,
            result=stamped(kind="in", company=company.pk, visit=visit.pk, code=pending.get("code", "")),
        )
        return redirect("kiosk:done")
    shown = kiosk_visit(company=company, visit_id=int(pending["visit"]))
    if shown is None:
        state_reset(request, kiosk_id=request.kiosk.pk)
        return redirect("kiosk:start")
    return _render(
        request,
        "kiosk/confirm.html",
        {
            "form": form,
            "documents": documents,
            "company": company,
            "first_name": shown.visitor.first_name,
        },
    )


@kiosk_required
def check_out(request: KioskRequest) -> HttpResponse:
    """Scan the badge or type its code; nothing else identifies a visit here."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        lookup = code_check_out(kiosk=request.kiosk, building=request.building, code=form.cleaned_data["code"])
        if lookup.found is not None:
            state_update(request, kiosk_id=request.kiosk.pk, result=stamped(kind="out"))
            return redirect("kiosk:done")
        assert lookup.problem is not None
        return _code_screen(request, purpose="out", form=CodeForm(), message=_problem_message(lookup.problem))
    return _code_screen(request, purpose="out", form=form)


def _result_visit(request: KioskRequest) -> tuple[dict[str, Any] | None, Tenant | None, Any]:
    result = fresh(_state(request).get("result"), RESULT_SECONDS)
    if result is None or result.get("kind") != "in":
        return result, None, None
    company = access_kiosk_company(building=request.building, company_id=result["company"])
    visit = kiosk_visit(company=company, visit_id=int(result["visit"])) if company else None
    return result, company, visit


@kiosk_required
def done(request: KioskRequest) -> HttpResponse:
    """The confirmation; it goes back to the start after a few seconds or on the next touch."""
    result, company, visit = _result_visit(request)
    if result is None or (result.get("kind") == "in" and visit is None):
        state_reset(request, kiosk_id=request.kiosk.pk)
        return redirect("kiosk:start")
    told, host_name = kiosk_arrival_told(company=company, visit=visit) if company and visit else (None, "")
    return _render(
        request,
        "kiosk/done.html",
        {"result": result, "company": company, "visit": visit, "told": told, "host_name": host_name},
    )


def _waiting_visit(request: KioskRequest) -> tuple[dict[str, Any] | None, Tenant | None, Visit | None]:
    """The walk-in this device waits with (ids in the state cookie, tied to the kiosk's nonce), read fresh."""
    result = fresh(_state(request).get("result"), STATE_MAX_SECONDS)
    if result is None or result.get("kind") != "wait":
        return None, None, None
    company = access_kiosk_company(building=request.building, company_id=result["company"])
    visit = kiosk_visit(company=company, visit_id=int(result["visit"])) if company else None
    return result, company, visit


def _still_waiting(visit: Visit) -> bool:
    deadline = visit.approval_deadline
    return visit.state == Visit.State.WAITING and deadline is not None and timezone.now() <= deadline


@kiosk_required
def waiting(request: KioskRequest) -> HttpResponse:
    """A walk-in waiting for the company's approval: this screen polls (kiosk.js) and turns into the badge once
    approved; declined, held by the desk or past the company's timeout, it asks the visitor to see the desk."""
    result, company, visit = _waiting_visit(request)
    if result is None or company is None or visit is None:
        state_reset(request, kiosk_id=request.kiosk.pk)
        return redirect("kiosk:start")
    if visit.state == Visit.State.ON_SITE:
        badge = stamped(kind="in", company=company.pk, visit=visit.pk, code=result.get("code", ""))
        state_update(request, kiosk_id=request.kiosk.pk, result=badge)
        return redirect("kiosk:done")
    if _still_waiting(visit):
        return _render(request, "kiosk/waiting.html", {"company": company, "first_name": visit.visitor.first_name})
    state_reset(request, kiosk_id=request.kiosk.pk)  # nothing of this visitor stays on the device
    return _render(request, "kiosk/see_desk.html")


@kiosk_required
def waiting_status(request: KioskRequest) -> HttpResponse:
    """What the waiting screen polls: whether to load it again (decided, timed out or gone). No personal data."""
    _result, _company, visit = _waiting_visit(request)
    changed = visit is None or not _still_waiting(visit)
    response = JsonResponse({"changed": changed})
    response["Cache-Control"] = "no-store"
    return response


def _badge_code(result: dict[str, Any] | None) -> str:
    """The clear code the check-in's result carries, encrypted, in the state cookie; "" when there is none."""
    token = str((result or {}).get("code") or "")
    try:
        return decrypt(token) if token else ""
    except SecretUnreadable:
        return ""


@kiosk_required
def badge(request: KioskRequest) -> HttpResponse:
    """The print view of the visitor's badge, with the QR code used to check out."""
    _result, company, visit = _result_visit(request)
    if company is None or visit is None:
        state_reset(request, kiosk_id=request.kiosk.pk)
        return redirect("kiosk:start")
    day = timezone.localtime(visit.checked_in_at or timezone.now(), ZoneInfo(request.building.timezone)).date()
    # The label in the visitor's language, whatever the screen spoke (as the desk's badge); the screen around it in
    # the screen's language: a returning visitor keeps their record's language, the buttons the one just chosen.
    context = {
        "company": company,
        "visit": visit,
        "day": day,
        "badge_language": visitor_language(visit),
        **badge_context(building=request.building, company=company, visit=visit, code=_badge_code(_result)),
    }
    return _render(request, "kiosk/badge.html", context)


@kiosk_required
def company_logo(request: KioskRequest, company_id: int) -> HttpResponse:
    """The logo of an active company of this building, for the company tiles; 404 for any other."""
    company = access_kiosk_company(building=request.building, company_id=company_id)
    if company is None:
        raise Http404
    return stored_image_response(company.logo, LOGO_TYPES)


@kiosk_required
def building_logo(request: KioskRequest) -> HttpResponse:
    """The building's own logo for the kiosk's header, set by the desk or IT."""
    return stored_image_response(request.building.kiosk_logo, LOGO_TYPES)


@kiosk_required
def brand_stylesheet(request: KioskRequest) -> HttpResponse:
    """The building's accent colour as a stylesheet of this host: the strict CSP allows no inline style."""
    return HttpResponse(brand_css(request.building.kiosk_accent), content_type="text/css; charset=utf-8")
