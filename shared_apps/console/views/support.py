"""“View as support”: a time-limited, read-only, audited look into one company's visits."""

import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tenants.utils import tenant_context

from shared_apps.accounts.access import rule_required
from shared_apps.accounts.models import User
from shared_apps.console.access import access_support_grant, is_platform_it
from shared_apps.console.forms import SupportStartForm, run_service
from shared_apps.console.selectors import support_grants_of
from shared_apps.console.services import support_grant_end, support_grant_start, support_view_record
from tenant_apps.visits.selectors import visits_on_day

it_required = rule_required(is_platform_it)


@it_required
def support_start(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = SupportStartForm(request.POST or None, initial={"company": request.GET.get("company")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        grant = run_service(
            form,
            lambda: support_grant_start(user=user, company=data["company"], reason=data["reason"], request=request),
        )
        if grant is not None:
            return redirect("console:support_visits", grant_id=grant.pk)
    context = {"form": form, "grants": support_grants_of(user=user), "now": timezone.now()}
    return render(request, "console/support_start.html", context)


@it_required
def support_visits(request: HttpRequest, grant_id: int) -> HttpResponse:
    """One day of the company's visits, read in its own schema; the look is written to the audit log."""
    user: User = request.user  # type: ignore[assignment]
    grant = access_support_grant(user=user, grant_id=grant_id)
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    support_view_record(user=user, grant=grant, page=f"visits:{day.isoformat()}", request=request)
    with tenant_context(grant.company):
        visits = list(visits_on_day(day=day))
    context = {
        "grant": grant,
        "visits": visits,
        "day": day,
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1),
    }
    return render(request, "console/support_visits.html", context)


@it_required
@require_POST
def support_end(request: HttpRequest, grant_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    support_grant_end(user=user, grant=access_support_grant(user=user, grant_id=grant_id), request=request)
    messages.success(request, _("Support access ended."))
    return redirect("console:support_start")
