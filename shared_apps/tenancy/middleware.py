"""Host routing: each host serves exactly one schema, unknown hosts get a plain 404."""

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.template.loader import render_to_string
from django_tenants.middleware.main import TenantMainMiddleware

from shared_apps.database import db_roles
from shared_apps.database.brief_memory import generations_read
from shared_apps.database.connection import tenant_connection
from shared_apps.tenancy.hosts import host_name, host_tenant
from shared_apps.tenancy.models import Domain, Tenant


class TenantHostMiddleware(TenantMainMiddleware):
    """Choose the schema and URLconf from the host; never fall back to the public schema.

    A removed company and a template schema answer as if they did not exist; a
    suspended company answers with a page that says so, and nothing else.
    """

    @staticmethod
    def hostname_from_request(request: HttpRequest) -> str:
        # Read as the TLS ask endpoint reads its domain (shared_apps/tenancy/hosts.py): django-tenants would strip
        # `www.`, and get_host() would answer a host ALLOWED_HOSTS refuses with a 400 instead of the plain 404.
        raw = request._get_raw_host()  # type: ignore[attr-defined]
        return host_name(raw) or raw  # an unreadable host finds no tenant below

    def get_tenant(self, domain_model: type[Domain], hostname: str) -> Tenant:
        tenant = host_tenant(hostname)
        if tenant is None:
            raise domain_model.DoesNotExist(hostname)
        return tenant

    def no_tenant_found(self, request: HttpRequest, hostname: str) -> HttpResponse:
        return HttpResponseNotFound("Not Found", content_type="text/plain")

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        # Before any memory answers: what changed anywhere since this process last looked is forgotten.
        generations_read()
        response: HttpResponse | None = super().process_request(request)
        if response is not None:
            return response
        tenant: Tenant = request.tenant  # type: ignore[attr-defined]
        db_roles.scope_replace(db_roles.scope_for_schema(tenant.schema_name))
        if tenant.status == Tenant.Status.SUSPENDED:
            tenant_connection().set_schema_to_public()
            html = render_to_string("tenancy/suspended.html", {"tenant_name": tenant.name}, request=request)
            return HttpResponse(html, status=503)
        return None
