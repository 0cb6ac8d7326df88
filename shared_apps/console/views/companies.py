"""Console pages for companies: list, provision, edit, suspend, reactivate, remove."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.accounts.access import rule_required
from shared_apps.console.access import access_company, is_platform_it
from shared_apps.console.forms import CompanyCreateForm, CompanyEditForm, run_service
from shared_apps.console.selectors import companies_all
from shared_apps.console.services import it_actor
from shared_apps.provisioning.companies import (
    company_provision,
    company_reactivate,
    company_remove,
    company_suspend,
    company_update,
)
from shared_apps.tenancy.models import Tenant

it_required = rule_required(is_platform_it)


@it_required
def company_list(request: HttpRequest) -> HttpResponse:
    companies = companies_all().order_by("building__name", "name")
    return render(request, "console/company_list.html", {"companies": companies})


@it_required
def company_new(request: HttpRequest) -> HttpResponse:
    form = CompanyCreateForm(
        request.POST or None, request.FILES or None, initial={"building": request.GET.get("building")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        company = run_service(form, lambda: company_provision(
            building=data["building"], slug=data["slug"], name=data["name"], admin_email=data["admin_email"],
            custom_domain=data["custom_domain"], logo=data["logo"], actor=it_actor(request.user),  # type: ignore[arg-type]
            request=request,
        ))  # fmt: skip
        if company is not None:
            messages.success(request, _("%(name)s is live; its first admin has been invited.") % {"name": company.name})
            return redirect("console:company_detail", slug=company.slug)
    return render(request, "console/company_new.html", {"form": form})


@it_required
def company_detail(request: HttpRequest, slug: str) -> HttpResponse:
    company = access_company(slug=slug)
    form = CompanyEditForm.for_company(company, request.POST or None, request.FILES or None)
    if request.method == "POST" and company.status != Tenant.Status.REMOVED and form.is_valid():
        data = form.cleaned_data
        updated = run_service(form, lambda: company_update(
            company=company, actor=it_actor(request.user), name=data["name"],  # type: ignore[arg-type]
            custom_domain=data["custom_domain"], logo=data["logo"], logo_clear=data["logo_clear"], request=request,
        ))  # fmt: skip
        if updated is not None:
            messages.success(request, _("Saved."))
            return redirect("console:company_detail", slug=company.slug)
    return render(request, "console/company_detail.html", {"company": company, "form": form})


def _lifecycle_action(request: HttpRequest, slug: str, action: Callable[..., Tenant], done: str) -> HttpResponse:
    company = access_company(slug=slug)
    try:
        action(company=company, actor=it_actor(request.user), request=request)  # type: ignore[arg-type]
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done % {"name": company.name})
    return redirect("console:company_detail", slug=company.slug)


@it_required
@require_POST
def company_suspend_view(request: HttpRequest, slug: str) -> HttpResponse:
    return _lifecycle_action(request, slug, company_suspend, _("%(name)s is suspended."))


@it_required
@require_POST
def company_reactivate_view(request: HttpRequest, slug: str) -> HttpResponse:
    return _lifecycle_action(request, slug, company_reactivate, _("%(name)s is active again."))


@it_required
@require_POST
def company_remove_view(request: HttpRequest, slug: str) -> HttpResponse:
    if request.POST.get("confirm_slug") != slug:
        messages.error(request, _("Type the company's slug to confirm its removal."))
        return redirect("console:company_detail", slug=slug)
    return _lifecycle_action(
        request, slug, company_remove, _("%(name)s is removed; its data will be dropped after the grace period.")
    )
