"""A company admin's view of the audit log: the entries about their own company, and nothing else.

A page of the company portal (linked from its settings), drawn with the audit app's templates; it lives here, not
in the audit app, because the guard is the accounts app's and accounts records into audit (layers: README.md).
"""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shared_apps.accounts.access import rule_required
from shared_apps.audit.selectors import audit_entries_of_tenant
from shared_apps.database.connection import tenant_connection
from tenant_apps.visits.access import may_read_company_audit

PAGE_SIZE = 50


@rule_required(may_read_company_audit)
def company_audit(request: HttpRequest) -> HttpResponse:
    entries = audit_entries_of_tenant(schema_name=tenant_connection().schema_name)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/company_audit.html", {"page": page, "query": ""})
