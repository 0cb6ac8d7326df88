"""The company portal's visit pages: today, upcoming, history, one visit, and the forms that change visits."""

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from shared_apps.accounts.access import rule_required
from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from tenant_apps.visits.access import access_visit, is_company_staff
from tenant_apps.visits.approval import approval_by_staff, approval_open
from tenant_apps.visits.bulk_import import (
    COLUMNS,
    preview_matches,
    preview_payload,
    preview_rows,
    preview_text,
    preview_token,
    read_rows,
    registration_from,
)
from tenant_apps.visits.forms import (
    BULK_MAX_BYTES,
    BULK_MAX_ROWS,
    BulkImportForm,
    DetailsRequestForm,
    HistoryFilterForm,
    PreRegistrationForm,
    RescheduleForm,
    VisitEditForm,
    VisitorFieldsForm,
)
from tenant_apps.visits.models import Host, Visit
from tenant_apps.visits.selectors import (
    series_days_from,
    visits_history,
    visits_of,
    visits_on_day,
    visits_personal,
    visits_upcoming,
    visits_visible_to,
)
from tenant_apps.visits.self_registration import visit_details_request
from tenant_apps.visits.series import registration_store, registrations_store_all, visit_series_cancel_rest
from tenant_apps.visits.services import (
    Actor,
    CodeReason,
    Decision,
    VisitStateError,
    visit_cancel,
    visit_code_reissue,
    visit_mark_no_show,
    visit_reschedule,
    visit_update_details,
)

PAGE_SIZE = 25
HISTORY_FILTER_KEY = "visits.history_filter"


def _actor(request: HttpRequest) -> Actor:
    user: User = request.user  # type: ignore[assignment]
    return Actor(label=user.email, channel=Visit.Channel.INVITATION, user=user)


def _page(request: HttpRequest, visits: QuerySet[Visit]) -> Page:
    return Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))


@rule_required(is_company_staff)
def today(request: HttpRequest) -> HttpResponse:
    """Today's visits of the whole company, shared by every staff member: expected, on site, gone."""
    user: User = request.user  # type: ignore[assignment]
    visits = list(visits_on_day(day=timezone.localdate()))
    own = set(visits_personal(user=user).filter(pk__in=[v.pk for v in visits]).values_list("pk", flat=True))
    groups = [
        (state, label, [v for v in visits if v.state == state])
        for state, label in [
            (Visit.State.EXPECTED, _("Expected")), (Visit.State.ON_SITE, _("On site")), (Visit.State.LEFT, _("Left")),
        ]
    ]  # fmt: skip
    counts = {state: sum(1 for v in visits if v.state == state) for state in Visit.State.values}
    return render(request, "visits/today.html", {"groups": groups, "counts": counts, "own": own})


@rule_required(is_company_staff)
def upcoming(request: HttpRequest) -> HttpResponse:
    """Visits still expected after today: all of them for an admin, a member's own otherwise."""
    page = _page(request, visits_upcoming(user=request.user))  # type: ignore[arg-type]
    return render(request, "visits/upcoming.html", {"page": page})


@rule_required(is_company_staff)
def history(request: HttpRequest) -> HttpResponse:
    """Every visit, newest first, searchable by name, e-mail or code and filtered by date, host and state.

    The search is POSTed and kept in the session, so names and e-mail addresses never appear in URLs.
    """
    if request.method == "POST":
        fields = HistoryFilterForm.base_fields
        typed = {name: request.POST.get(name, "")[:100] for name in fields if "clear" not in request.POST}
        request.session[HISTORY_FILTER_KEY] = {name: value for name, value in typed.items() if value}
        return redirect("visits:history")
    form = HistoryFilterForm(request.session.get(HISTORY_FILTER_KEY) or None)
    visits = visits_history(user=request.user, filters=form.history_filter())  # type: ignore[arg-type]
    page = _page(request, visits)
    return render(request, "visits/history.html", {"form": form, "page": page})


@rule_required(is_company_staff)
@require_safe
def visit_detail(request: HttpRequest, visit_id: int) -> HttpResponse:
    """One visit with its timeline; the actions are offered to whoever may change it. Read only: a POST is 405,
    so whoever may see a visit but not change it gets no answer to a change (tests/security/test_access_matrix.py)."""
    return _detail_page(request, access_visit(request.user, visit_id))  # type: ignore[arg-type]


def _detail_page(request: HttpRequest, visit: Visit, *, code: str = "") -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    can_manage = visits_of(user=user).filter(pk=visit.pk).exists()
    series = list(visits_visible_to(user=user).filter(series_id=visit.series_id)) if visit.series_id else []
    return render(
        request,
        "visits/detail.html",
        {"visit": visit, "events": visit.events.all(), "can_manage": can_manage, "code": code, "series": series,
         "series_rest": series_days_from(visit) if can_manage and visit.series_id else [],
         "is_expected": visit.state == Visit.State.EXPECTED,
         "may_reissue": can_manage and visit.state in (Visit.State.EXPECTED, Visit.State.ON_SITE),
         "may_decide": can_manage and approval_open(visit)},
    )  # fmt: skip


@rule_required(is_company_staff)
def visit_new(request: HttpRequest) -> HttpResponse:
    """Pre-register one visitor."""
    user: User = request.user  # type: ignore[assignment]
    own_host = Host.objects.filter(user=user, is_active=True).first()
    form = PreRegistrationForm(request.POST or None, initial={"host": own_host})
    if request.method == "POST" and form.is_valid():
        try:
            visit = registration_store(registration=registration_from(form), actor=_actor(request))
        except VisitStateError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The visits are registered.") if visit.series_id else
                             _("The visit is registered."))  # fmt: skip
            return redirect("visits:detail", visit_id=visit.pk)
    return render(request, "visits/visit_form.html", {"form": form, "title": _("Register a visitor")})


@rule_required(is_company_staff)
def visit_ask_details(request: HttpRequest) -> HttpResponse:
    """Register a visit with the visitor's e-mail address only: they are sent a link to fill in their own details,
    then their invitation."""
    user: User = request.user  # type: ignore[assignment]
    own_host = Host.objects.filter(user=user, is_active=True).first()
    form = DetailsRequestForm(request.POST or None, initial={"host": own_host, "language": user.language or "en"})
    if request.method == "POST" and form.is_valid():
        try:
            visit = visit_details_request(request=form.details_request(), actor=_actor(request))
        except VisitStateError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The visit is registered. The visitor gets a link to fill in their details, "
                                        "then their invitation."))  # fmt: skip
            return redirect("visits:detail", visit_id=visit.pk)
    context = {"form": form, "title": _("Let a visitor fill in their details"),
               "lede": _("Type only the visitor's e-mail address and the visit. The visitor gets a single-use link "
                         "to fill in their name, company and language themselves (and their licence plate when the "
                         "building asks for it); their invitation with the code follows.")}  # fmt: skip
    return render(request, "visits/visit_form.html", context)


def _import_scope(request: HttpRequest) -> str:
    """What a preview is bound to besides the text: this company's schema and this user."""
    return f"{request.tenant.schema_name}:{request.user.pk}"  # type: ignore[attr-defined]


@rule_required(is_company_staff)
def visit_import(request: HttpRequest) -> HttpResponse:
    """Pre-register many visitors from CSV in two steps: a preview of every visit and invitation, then the
    confirmation, which stores exactly the text previewed (sent back as it was, with a signed digest that binds the
    two); any bad row means nothing is stored."""
    confirming = request.method == "POST" and "confirm" in request.POST
    form = BulkImportForm(None if confirming else request.POST or None, None if confirming else request.FILES or None)
    report, preview, token, text, problem = None, None, "", "", ""
    if confirming:
        carried = preview_text(request.POST.get("csv", ""))
        text = carried or ""
        if carried is None or not preview_matches(text, request.POST.get("token", ""), scope=_import_scope(request)):
            problem = _("The list changed since you checked it, or the check is over an hour old. "
                        "Check the new list before importing it.")  # fmt: skip
        else:
            report = read_rows(text)  # again: a host may have left since the preview
            if report.ok:
                try:
                    visits = registrations_store_all(registrations=report.registrations, actor=_actor(request))
                except VisitStateError as error:
                    problem = str(error)
                else:
                    audit_record(actor=request.user.email, action="visits.imported", request=request,  # type: ignore[union-attr]
                                 details={"count": len(visits)})  # fmt: skip
                    messages.success(
                        request,
                        ngettext("%(count)d visit is registered.", "%(count)d visits are registered.", len(visits))
                        % {"count": len(visits)},
                    )
                    return redirect("visits:upcoming")
    elif request.method == "POST" and form.is_valid():
        text = form.cleaned_data["csv_text"]
        report = read_rows(text)
        if report.ok:
            preview, token = preview_rows(report), preview_token(text, scope=_import_scope(request))
    return render(
        request,
        "visits/import.html",
        {"form": form, "report": report, "preview": preview, "token": token, "csv_text": text, "problem": problem,
         "csv_payload": preview_payload(text) if preview else "", "columns": COLUMNS, "max_rows": BULK_MAX_ROWS,
         "max_kb": BULK_MAX_BYTES // 1000, "today": timezone.localdate()},
    )  # fmt: skip


@rule_required(is_company_staff)
def visit_edit(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Correct the visitor's details, the host or the purpose of a visit that is not over."""
    visit = access_visit(request.user, visit_id, manage=True)  # type: ignore[arg-type]
    initial = {**VisitorFieldsForm.initial_for(visit.visitor), "host": visit.host, "purpose": visit.purpose}
    form = VisitEditForm(request.POST or None, initial=initial, current_host=visit.host)
    if request.method == "POST" and form.is_valid():
        try:
            visit_update_details(visit=visit, visitor=form.visitor_details(), host=form.cleaned_data["host"],
                                 purpose=form.cleaned_data["purpose"].strip(), actor=_actor(request))  # fmt: skip
        except VisitStateError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The visit is updated."))
            return redirect("visits:detail", visit_id=visit.pk)
    return render(request, "visits/visit_form.html", {"form": form, "visit": visit, "title": _("Edit the visit")})


@rule_required(is_company_staff)
def visit_reschedule_view(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Move an expected visit to another time."""
    visit = access_visit(request.user, visit_id, manage=True)  # type: ignore[arg-type]
    initial = {"expected_start": timezone.localtime(visit.expected_start),
               "expected_end": timezone.localtime(visit.expected_end)}  # fmt: skip
    form = RescheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            visit_reschedule(visit=visit, expected_start=form.cleaned_data["expected_start"],
                             expected_end=form.cleaned_data["expected_end"], actor=_actor(request))  # fmt: skip
        except VisitStateError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The visit is rescheduled."))
            return redirect("visits:detail", visit_id=visit.pk)
    return render(request, "visits/visit_form.html", {"form": form, "visit": visit, "title": _("Reschedule")})


def _transition(request: HttpRequest, visit_id: int, action: str) -> HttpResponse:
    visit = access_visit(request.user, visit_id, manage=True)  # type: ignore[arg-type]
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if action == "cancel" and request.POST.get("confirm") != "yes":  # the detail page's button asks first
        return render(request, "visits/cancel_confirm.html", {"visit": visit})
    service, done = {
        "cancel": (visit_cancel, _("The visit is cancelled.")),
        "no_show": (visit_mark_no_show, _("The visit is marked as a no-show.")),
    }[action]
    try:
        service(visit=visit, actor=_actor(request))
    except VisitStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("visits:detail", visit_id=visit.pk)


@rule_required(is_company_staff)
def visit_decide_view(request: HttpRequest, visit_id: int, decision: str) -> HttpResponse:
    """Approve or decline a walk-in waiting at the kiosk (POST), for whoever may change the visit; audited."""
    visit = access_visit(request.user, visit_id, manage=True)  # type: ignore[arg-type]
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        approval_by_staff(visit=visit, decision=Decision(decision), actor=_actor(request))
    except VisitStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Approved. The kiosk prints the visitor's badge now.") if decision == "approve"
                         else _("Declined. The kiosk asks the visitor to see the front desk."))  # fmt: skip
    return redirect("visits:detail", visit_id=visit.pk)


@rule_required(is_company_staff)
def visit_code_view(request: HttpRequest, visit_id: int) -> HttpResponse:
    """A new code for an expected or on-site visit (POST), shown on this answer only: the server keeps only the
    code's digest, so the earlier code stops working. For a visitor who lost theirs; audited."""
    visit = access_visit(request.user, visit_id, manage=True)  # type: ignore[arg-type]
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if visit.state not in (Visit.State.EXPECTED, Visit.State.ON_SITE):
        messages.error(request, _("Only an expected or on-site visit gets a new code."))
        return redirect("visits:detail", visit_id=visit.pk)
    code = visit_code_reissue(visit=visit, actor=_actor(request).label, reason=CodeReason.PORTAL)
    return _detail_page(request, visit, code=code)


@rule_required(is_company_staff)
def visit_cancel_view(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Cancel an expected visit (POST with `confirm=yes`; without it, the confirmation page)."""
    return _transition(request, visit_id, "cancel")


@rule_required(is_company_staff)
def visit_cancel_rest_view(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Cancel this day of a visit over several days and every later day still expected (POST with `confirm=yes`;
    without it, the confirmation page listing those days). The visitor gets one message with the days."""
    visit = access_visit(request.user, visit_id, manage=True)  # type: ignore[arg-type]
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if visit.series_id is None:
        raise Http404
    if request.POST.get("confirm") != "yes":
        days = series_days_from(visit)
        return render(request, "visits/cancel_rest_confirm.html", {"visit": visit, "days": days})
    try:
        cancelled = visit_series_cancel_rest(visit=visit, actor=_actor(request))
    except VisitStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext("%(count)d day is cancelled.", "%(count)d days are cancelled.", len(cancelled))
            % {"count": len(cancelled)},
        )
    return redirect("visits:detail", visit_id=visit.pk)


@rule_required(is_company_staff)
def visit_no_show_view(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Record that an expected visitor never came (POST)."""
    return _transition(request, visit_id, "no_show")
