"""A company admin's view of the audit log: the entries about their own company, and nothing else."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shared_apps.accounts.access import staff_required
from shared_apps.accounts.models import User
from shared_apps.audit.selectors import audit_entries_of_tenant
from shared_apps.database.connection import tenant_connection

PAGE_SIZE = 50


@staff_required(User.Role.ADMIN)
def company_audit(request: HttpRequest) -> HttpResponse:
    entries = audit_entries_of_tenant(schema_name=tenant_connection().schema_name)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/company_audit.html", {"page": page, "query": ""})
