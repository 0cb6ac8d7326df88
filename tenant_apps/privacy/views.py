"""Company portal pages: retention, the next purge, exports, and data-subject requests."""

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from shared_apps.accounts.access import rule_required
from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from tenant_apps.privacy.access import (
    access_export,
    access_person,
    access_subject_request,
    exports_visible_to,
    may_change_retention,
    may_handle_subject_requests,
    may_manage_exports,
    may_see_purge_forecast,
    persons_visible_to,
    subject_requests_visible_to,
)
from tenant_apps.privacy.exports.lifecycle import export_download, export_download_name, export_request
from tenant_apps.privacy.forms import (
    ExportRequestForm,
    PersonCorrectionForm,
    PersonSearchForm,
    RetentionForm,
    SubjectRequestCloseForm,
    SubjectRequestExtendForm,
)
from tenant_apps.privacy.models import SubjectRequest
from tenant_apps.privacy.person_report import person_report
from tenant_apps.privacy.retention import purge_forecast, retention_bounds, retention_update
from tenant_apps.privacy.subject_requests import ExtensionRefused, subject_request_close, subject_request_extend
from tenant_apps.privacy.subjects import (
    merge_candidates,
    person_correct,
    person_erase,
    person_object,
    person_record,
    person_restrict,
    person_restriction_lift,
    persons_find,
    persons_merge,
)
from tenant_apps.visits.selectors import company_settings
from tenant_apps.visits.services import VisitStateError


@rule_required(may_see_purge_forecast)
def overview(request: HttpRequest) -> HttpResponse:
    """When the next purge runs and how many visits it deletes."""
    return render(request, "privacy/overview.html", {"forecast": purge_forecast(), "section": "overview"})


@rule_required(may_change_retention)
@require_http_methods(["GET", "POST"])
def retention(request: HttpRequest) -> HttpResponse:
    """Change the retention period; shortening it first shows what the next purge would delete."""
    current = company_settings().retention_days
    form = RetentionForm(request.POST or None, initial={"retention_days": current})
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["retention_days"]
        if days < current and not form.cleaned_data["confirmed"]:
            context = {
                "form": RetentionForm(initial={"retention_days": days, "confirmed": True}),
                "days": days,
                "current": current,
                "forecast": purge_forecast(retention_days=days),
                "section": "retention",
            }
            return render(request, "privacy/retention_confirm.html", context)
        retention_update(retention_days=days, user=request.user, request=request)  # type: ignore[arg-type]
        messages.success(request, _("Visits are now kept for %(days)d days.") % {"days": days})
        return redirect("privacy:retention")
    low, high = retention_bounds()
    context = {"form": form, "current": current, "low": low, "high": high, "forecast": purge_forecast(),
               "section": "retention"}  # fmt: skip
    return render(request, "privacy/retention.html", context)


@rule_required(may_manage_exports)
@require_http_methods(["GET", "POST"])
def exports(request: HttpRequest) -> HttpResponse:
    """Request an export, and list past ones with their status, size, SHA-256 and expiry."""
    form = ExportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        export_request(
            user=request.user,  # type: ignore[arg-type]
            date_from=form.cleaned_data["date_from"], date_to=form.cleaned_data["date_to"], request=request,
        )  # fmt: skip
        messages.success(request, _("Your export is being prepared. Reload this page in a moment to download it."))
        return redirect("privacy:exports")
    exports = exports_visible_to(request.user).select_related("requested_by")[:50]  # type: ignore[arg-type]
    context = {"form": form, "exports": exports, "section": "exports"}
    return render(request, "privacy/exports.html", context)


@rule_required(may_manage_exports)
def export_file(request: HttpRequest, export_id: int) -> HttpResponse:
    """The export's ZIP, for this company's admins only, under a name the server chooses; audited."""
    export = access_export(request.user, export_id)  # type: ignore[arg-type]
    handle = export_download(export=export, user=request.user, request=request)  # type: ignore[arg-type]
    response = FileResponse(handle, as_attachment=True, filename=export_download_name(export))
    response["Cache-Control"] = "no-store"
    return response  # type: ignore[return-value]  # a streaming response; rule_required is typed for HttpResponse


@rule_required(may_handle_subject_requests)
@require_http_methods(["GET", "POST"])
def people(request: HttpRequest) -> HttpResponse:
    """Find one person by e-mail or name (by POST, so nothing personal ends up in a URL or an access log)."""
    form = PersonSearchForm(request.POST or None)
    among = persons_visible_to(request.user)  # type: ignore[arg-type]
    found = (
        list(persons_find(query=form.cleaned_data["query"], among=among))
        if request.method == "POST" and form.is_valid()
        else None
    )
    return render(request, "privacy/people.html", {"form": form, "found": found, "section": "people"})


@rule_required(may_handle_subject_requests)
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, visitor_id: int) -> HttpResponse:
    """Everything held about one person, with a form to correct their details."""
    user: User = request.user  # type: ignore[assignment]
    visitor = access_person(user, visitor_id)
    # The form validates a copy: an invalid post must not show up as the person's details.
    form = PersonCorrectionForm(request.POST or None, instance=access_person(user, visitor_id))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            person_correct(visitor=visitor, user=user, changes=changes, request=request)
        except VisitStateError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, _("The details were corrected."))
            return redirect("privacy:person", visitor_id=visitor_id)
    candidates = merge_candidates(visitor=visitor, among=persons_visible_to(user))
    context = {"visitor": visitor, "record": person_record(visitor=visitor), "form": form, "section": "people",
               "merge_candidates": candidates}  # fmt: skip
    return render(request, "privacy/person.html", context)


@rule_required(may_handle_subject_requests)
@require_POST
def person_restriction(request: HttpRequest, visitor_id: int) -> HttpResponse:
    """Restrict the processing of a person's data, or lift the restriction (`lift=1`); audited."""
    user: User = request.user  # type: ignore[assignment]
    visitor = access_person(user, visitor_id)
    if request.POST.get("lift") == "1":
        person_restriction_lift(visitor=visitor, user=user, request=request)
        messages.success(request, _("The restriction is lifted: this person can be registered and told again."))
    else:
        person_restrict(visitor=visitor, actor=user.email, request=request)
        messages.success(request, _("The processing is restricted: the data is kept, but not used, until you lift it."))
    return redirect("privacy:person", visitor_id=visitor_id)


@rule_required(may_handle_subject_requests)
@require_http_methods(["GET", "POST"])
def person_merge(request: HttpRequest, visitor_id: int) -> HttpResponse:
    """Merge another record of the same person into this one: their visits move here; audited."""
    user: User = request.user  # type: ignore[assignment]
    keep = access_person(user, visitor_id)
    among = persons_visible_to(user)
    form = PersonSearchForm(request.POST if "query" in request.POST else None)
    found = None
    if form.is_bound and form.is_valid():
        found = list(persons_find(query=form.cleaned_data["query"], among=among.exclude(pk=keep.pk)))
    if request.method == "POST" and "duplicate" in request.POST:
        duplicate = access_person(user, _int(request.POST["duplicate"]))
        try:
            persons_merge(keep=keep, duplicate=duplicate, user=user, request=request)
        except VisitStateError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The two records are merged into this one, with all their visits."))
            return redirect("privacy:person", visitor_id=keep.pk)
    context = {"visitor": keep, "candidates": merge_candidates(visitor=keep, among=among), "form": form,
               "found": found, "section": "people"}  # fmt: skip
    return render(request, "privacy/person_merge.html", context)


def _int(value: str) -> int:
    """A posted id; anything else reads as an id nobody has (so the access helper answers 404)."""
    return int(value) if value.isdigit() and len(value) < 12 else 0


def _record_download(request: HttpRequest, visitor_id: int, kind: str) -> tuple[dict[str, object], int]:
    visitor = access_person(request.user, visitor_id)  # type: ignore[arg-type]
    audit_record(actor=request.user.email, action="subject.download", request=request,  # type: ignore[union-attr]
                 object_ids={"visitor": [visitor.pk]}, details={"format": kind})  # fmt: skip
    return person_record(visitor=visitor), visitor.pk


@rule_required(may_handle_subject_requests)
def person_json(request: HttpRequest, visitor_id: int) -> HttpResponse:
    """The person's record for programs: the stored values (`visitor`, `visits`, `requests`) as they are, and beside
    them `labelled`, the visitor's own download (`checkin.person-record/1`: each field's code, label in the person's
    language, ISO value and Belgian display form), the same as `/p/<token>/download/` gives the person."""
    record, pk = _record_download(request, visitor_id, "json")
    visitor = access_person(request.user, visitor_id)  # type: ignore[arg-type]
    with translation.override(visitor.language):
        record["labelled"] = person_report(visitor=visitor)
    response = HttpResponse(json.dumps(record, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
                            content_type="application/json; charset=utf-8")  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="visitor-{pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


@rule_required(may_handle_subject_requests)
def person_html(request: HttpRequest, visitor_id: int) -> HttpResponse:
    """The readable record to hand to the person: in their language, with labels and Belgian dates."""
    _record, pk = _record_download(request, visitor_id, "html")
    visitor = access_person(request.user, visitor_id)  # type: ignore[arg-type]
    with translation.override(visitor.language):
        page = render_to_string("privacy/person_record.html", {"report": person_report(visitor=visitor)})
    response = HttpResponse(page, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="visitor-{pk}.html"'
    response["Cache-Control"] = "no-store"
    return response


@rule_required(may_handle_subject_requests)
@require_http_methods(["GET", "POST"])
def person_erase_view(request: HttpRequest, visitor_id: int) -> HttpResponse:
    """Confirm, then erase the person and their visits; with `objection`, also suppress their e-mail."""
    visitor = access_person(request.user, visitor_id)  # type: ignore[arg-type]
    if request.method == "POST":
        if request.POST.get("objection") == "1":
            erasure = person_object(visitor=visitor, user=request.user, request=request)  # type: ignore[arg-type]
        else:
            erasure = person_erase(visitor=visitor, user=request.user, request=request)  # type: ignore[arg-type]
        messages.success(
            request,
            ngettext("The person was erased, with %(count)d visit.", "The person was erased, with %(count)d visits.",
                     erasure.visits) % {"count": erasure.visits},
        )  # fmt: skip
        return redirect("privacy:people")
    record = person_record(visitor=visitor)
    return render(request, "privacy/person_erase.html", {"visitor": visitor, "record": record, "section": "people"})


@rule_required(may_handle_subject_requests)
def requests(request: HttpRequest) -> HttpResponse:
    """The visitors' own requests: the open ones first, by deadline, then the latest answered."""
    visible = subject_requests_visible_to(request.user)  # type: ignore[arg-type]
    context = {
        "open": visible.filter(status=SubjectRequest.Status.OPEN).order_by("due_at", "pk"),
        "closed": visible.exclude(status=SubjectRequest.Status.OPEN).order_by("-received_at", "-pk")[:50],
        "now": timezone.now(), "section": "requests",
    }  # fmt: skip
    return render(request, "privacy/requests.html", context)


@rule_required(may_handle_subject_requests)
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    """One visitor's request: what they ask, by when, and the admin's answer (carried out or refused), or the
    deadline's one extension (POST with `action=extend`)."""
    user: User = request.user  # type: ignore[assignment]
    item = access_subject_request(user, request_id)
    extending = request.method == "POST" and request.POST.get("action") == "extend"
    form = SubjectRequestCloseForm(request.POST if request.method == "POST" and not extending else None)
    extend_form = SubjectRequestExtendForm(request.POST if extending else None)
    if extending and item.status == SubjectRequest.Status.OPEN and extend_form.is_valid():
        try:
            subject_request_extend(item=item, user=user, months=extend_form.cleaned_data["months"],
                                   reason=extend_form.cleaned_data["reason"], request=request)  # fmt: skip
        except ExtensionRefused as refusal:
            extend_form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The deadline is extended and the visitor is told by e-mail."))
            return redirect("privacy:request", item.pk)
    elif request.method == "POST" and not extending and item.status == SubjectRequest.Status.OPEN and form.is_valid():
        subject_request_close(item=item, user=user, carried_out=form.cleaned_data["outcome"] == "done",
                              note=form.cleaned_data["note"], request=request)  # fmt: skip
        messages.success(request, _("The request is closed and the visitor is told by e-mail."))
        return redirect("privacy:requests")
    status = 400 if request.method == "POST" else 200
    context = {"item": item, "form": form, "extend_form": extend_form, "now": timezone.now(), "section": "requests"}
    return render(request, "privacy/request.html", context, status=status)
