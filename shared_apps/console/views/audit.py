"""The console's audit page: every entry, searchable and paginated."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shared_apps.accounts.access import rule_required
from shared_apps.console.access import is_platform_it
from shared_apps.console.forms import AuditFilterForm
from shared_apps.console.selectors import audit_actions, audit_entries

AUDIT_PAGE_SIZE = 50


@rule_required(is_platform_it)
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_entries(
        tenant_schema=filters.get("tenant") or "",
        action=filters.get("action") or "",
        actor=filters.get("actor") or "",
        since=filters.get("since"),
        until=filters.get("until"),
    )
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "actions": audit_actions()}
    return render(request, "console/audit_list.html", context)
