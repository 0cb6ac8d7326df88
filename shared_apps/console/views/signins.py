"""The console's sign-in records: IT's own (public schema), or those of one company or building, each look audited."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from shared_apps.accounts.access import rule_required
from shared_apps.accounts.signin_records import SIGNIN_PAGE_SIZE, signin_records_all, signin_retention
from shared_apps.audit.services import audit_record
from shared_apps.console.access import is_platform_it
from shared_apps.console.services import it_actor
from shared_apps.tenancy.models import Tenant


def _tenant(slug: str) -> Tenant | None:
    """A live company or building reception by its short name; None for IT's own records; 404 for anything else."""
    if not slug:
        return None
    tenant = (
        Tenant.objects.filter(slug=slug, type__in=[Tenant.Type.COMPANY, Tenant.Type.RECEPTION])
        .filter(status__in=[Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED])
        .first()
    )
    if tenant is None:
        raise Http404
    return tenant


@rule_required(is_platform_it)
def signin_list(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("tenant", "").strip().lower()
    tenant = _tenant(slug)
    schema = tenant.schema_name if tenant is not None else get_public_schema_name()
    with schema_context(schema):
        page = Paginator(signin_records_all(), SIGNIN_PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)  # read in that schema, rendered after
    audit_record(actor=it_actor(request.user), action="signins.view", tenant_schema=schema, request=request,  # type: ignore[arg-type]
                 details={"page": page.number})  # fmt: skip
    context = {
        "page": page,
        "own": False,
        "tenant": tenant,
        "slug": slug,
        "query": f"tenant={slug}" if slug else "",
        "tenants": Tenant.objects.filter(type__in=[Tenant.Type.COMPANY, Tenant.Type.RECEPTION])
        .filter(status__in=[Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED])
        .order_by("name")
        .values_list("slug", "name", "type"),
        "title": _("Sign-ins of %(name)s") % {"name": tenant.name} if tenant is not None else _("Sign-ins of IT"),
        **signin_retention(),
    }
    return render(request, "console/signin_list.html", context)
