from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from shared_apps.accounts.access import staff_required
from shared_apps.accounts.models import User
from tenant_apps.visits.models import Visit
from tenant_apps.visits.selectors import visits_on_day


@staff_required(User.Role.ADMIN, User.Role.MEMBER)
def today(request: HttpRequest) -> HttpResponse:
    """Today's visits of this company: who is expected, on site, or gone."""
    visits = list(visits_on_day(day=timezone.localdate()))
    counts = {state: sum(1 for v in visits if v.state == state) for state in Visit.State.values}
    return render(request, "visits/today.html", {"visits": visits, "counts": counts})
