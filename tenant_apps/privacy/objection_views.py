"""The page behind the link that confirms a renewed consent (tenant_apps/privacy/objection_confirm.py).

Open to anyone holding the link (it is the proof), on the company's host, in the language of the request. GET
only shows a button: a mail scanner following the link lifts nothing; the POST lifts the objection, once.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from tenant_apps.privacy.objection_confirm import objection_request_from_token
from tenant_apps.visits.models import ObjectionLiftRequest
from tenant_apps.visits.objections import objection_lift_confirm


@require_http_methods(["GET", "POST"])
def objection_confirm(request: HttpRequest, token: str) -> HttpResponse:
    request_id = objection_request_from_token(token)
    pending = ObjectionLiftRequest.objects.filter(pk=request_id).values_list("language", "used_at").first()
    language = pending[0] if pending else translation.get_language()
    with translation.override(language):
        if pending is None or pending[1] is not None:
            response = render(request, "privacy/objection_confirm.html", {"state": "used"}, status=404)
        elif request.method == "POST":
            done = objection_lift_confirm(request_id=request_id)
            response = render(request, "privacy/objection_confirm.html", {"state": "done" if done else "used"},
                              status=200 if done else 404)  # fmt: skip
        else:
            response = render(request, "privacy/objection_confirm.html", {"state": "ask"})
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
