"""Console pages for buildings: list, create, edit, archive, visitor documents."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.accounts.access import rule_required
from shared_apps.console.access import access_building, is_platform_it
from shared_apps.console.forms import BuildingCreateForm, BuildingEditForm, DocumentForm, run_service
from shared_apps.console.selectors import building_document_history, building_documents_current
from shared_apps.console.services import it_actor
from shared_apps.provisioning.buildings import building_archive, building_document_publish, building_update
from shared_apps.provisioning.desk_staff import building_provision
from shared_apps.tenancy.selectors import buildings_with_companies

it_required = rule_required(is_platform_it)


@it_required
def building_list(request: HttpRequest) -> HttpResponse:
    """The console's start page: every building and its companies."""
    return render(request, "console/building_list.html", {"buildings": buildings_with_companies()})


@it_required
def building_new(request: HttpRequest) -> HttpResponse:
    form = BuildingCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        building = run_service(form, lambda: building_provision(
            slug=data["slug"], name=data["name"], address=data["address"], timezone=data["timezone"],
            desk_email=data["desk_email"], actor=it_actor(request.user), request=request,  # type: ignore[arg-type]
        ))  # fmt: skip
        if building is not None:
            messages.success(request, _("Building %(name)s is live.") % {"name": building.name})
            if data["desk_email"]:
                messages.success(request, _("The invitation is on its way to %(email)s. The link works for three days.")
                                 % {"email": data["desk_email"]})  # fmt: skip
            return redirect("console:building_detail", slug=building.slug)
    return render(request, "console/building_form.html", {"form": form, "creating": True})


@it_required
def building_detail(request: HttpRequest, slug: str) -> HttpResponse:
    building = access_building(slug=slug)
    form = BuildingEditForm.for_building(building, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        updated = run_service(form, lambda: building_update(
            building=building, actor=it_actor(request.user), name=data["name"], address=data["address"],  # type: ignore[arg-type]
            timezone_name=data["timezone"], kiosk_languages=data["kiosk_languages"],
            default_retention_days=data["default_retention_days"], auto_checkout_time=data["auto_checkout_time"],
            kiosk_requires_email=data["kiosk_requires_email"], kiosk_requires_phone=data["kiosk_requires_phone"],
            privacy_contact_name=data["privacy_contact_name"], privacy_contact_email=data["privacy_contact_email"],
            kiosk_branding={name: data[name] for name in ("kiosk_welcome", "kiosk_accent", "badge_size", "desk_email")},
            kiosk_logo=data["kiosk_logo"], kiosk_logo_clear=data["kiosk_logo_clear"],
            walk_in_approval_required=data["walk_in_approval_required"],
            asks_licence_plate=data["asks_licence_plate"], request=request,
        ))  # fmt: skip
        if updated is not None:
            messages.success(request, _("Saved."))
            return redirect("console:building_detail", slug=building.slug)
    context = {
        "building": building,
        "form": form,
        "companies": building.tenants.filter(type="company").prefetch_related("domains"),
        "documents": building_documents_current(building=building),
    }
    return render(request, "console/building_detail.html", context)


@it_required
@require_POST
def building_archive_view(request: HttpRequest, slug: str) -> HttpResponse:
    building = access_building(slug=slug)
    try:
        building_archive(building=building, actor=it_actor(request.user), request=request)  # type: ignore[arg-type]
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Building %(name)s is archived.") % {"name": building.name})
    return redirect("console:building_detail", slug=building.slug)


@it_required
def building_documents(request: HttpRequest, slug: str) -> HttpResponse:
    """Publish a new version of the privacy notice or the visitor rules in one language."""
    building = access_building(slug=slug)
    initial = {"kind": request.GET.get("kind", "privacy_notice"), "language": request.GET.get("language", "en")}
    current = {(d.kind, d.language): d.text for d in building_documents_current(building=building)}
    initial["text"] = current.get((initial["kind"], initial["language"]), "")
    form = DocumentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        document = run_service(form, lambda: building_document_publish(
            building=building, kind=data["kind"], language=data["language"], text=data["text"],
            actor=it_actor(request.user), request=request,  # type: ignore[arg-type]
        ))  # fmt: skip
        if document is not None:
            messages.success(request, _("Version %(version)s published.") % {"version": document.version})
            return redirect("console:building_documents", slug=building.slug)
    context = {"building": building, "form": form, "history": building_document_history(building=building)}
    return render(request, "console/building_documents.html", context)
