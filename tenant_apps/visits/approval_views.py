"""The page behind an approve or decline link (tenant_apps/visits/approval.py). No account: the link is the key;
the GET shows what it would do, the POST does it, once."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tenant_apps.visits.approval import approval_link_open, approval_link_use


@require_http_methods(["GET", "POST"])
@never_cache
def decide(request: HttpRequest, token: str) -> HttpResponse:
    link = approval_link_use(token) if request.method == "POST" else approval_link_open(token)
    if link is None:
        response = render(request, "visits/approval.html", {"state": "gone"}, status=404)
    else:
        state = "done" if request.method == "POST" else "ask"
        response = render(request, "visits/approval.html", {"state": state, "link": link, "visit": link.visit})
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
