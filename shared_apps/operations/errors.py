"""Error pages that say what happened without touching the database.

`server_error` is every URLconf's handler500: when the database is down or the
connection broke mid-request (OperationalError, InterfaceError), the user gets
a translated 503 "temporarily unavailable" page with Retry-After instead of a
500, and the broken connection is replaced on the next request
(CONN_HEALTH_CHECKS). `bad_request` is handler400: a body over
DATA_UPLOAD_MAX_MEMORY_SIZE, or with files over CHECKIN_UPLOAD_MAX_BYTES,
answers 413. `not_found` is handler404: under the APIs' paths it answers in JSON,
as the API's own 404s do, so a client reads one kind of body.
"""

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found

from shared_apps.operations.uploads import UploadTooBig

RETRY_AFTER_SECONDS = 15


def _page(*, status: int, title: str, message: str) -> HttpResponse:
    # Rendered without a request context: its processors would read the session and the user from the database.
    html = render_to_string("operations/error.html", {"title": title, "message": message, "status": status})
    response = HttpResponse(html, status=status)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a lost database is a 503 the user can wait out; anything else stays a 500."""
    exception = sys.exc_info()[1]
    with translation.override(translation.get_language_from_request(request)):
        if isinstance(exception, OperationalError | InterfaceError):
            response = _page(
                status=503,
                title=_("Temporarily unavailable"),
                message=_("Check-in cannot reach its database right now. Nothing was saved. Try again in a moment."),
            )
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return _page(
            status=500,
            title=_("Something went wrong"),
            message=_("The error has been recorded. Try again, or contact your administrator if it persists."),
        )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: an oversized body is a 413, any other unreadable request a 400, both explained."""
    with translation.override(translation.get_language_from_request(request)):
        if isinstance(exception, UploadTooBig):
            return _page(
                status=413,
                title=_("File too large"),
                message=_("The file is larger than Check-in accepts (%(size)s at most). Choose a smaller file.")
                % {"size": filesizeformat(settings.CHECKIN_UPLOAD_MAX_BYTES)},
            )
        if isinstance(exception, RequestDataTooBig):
            return _page(
                status=413,
                title=_("Request too large"),
                message=_("What you sent is larger than Check-in accepts. Send less at a time."),
            )
        return _page(
            status=400,
            title=_("Bad request"),
            message=_("Check-in could not read what you sent. Go back and try again."),
        )


# Where the REST APIs live, on every host that serves one.
API_PREFIXES = ("/api/", "/privacy/api/")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: an API path that names nothing (`/api/v1/visits/abc/`) gets DRF's JSON body; pages get
    Django's page."""
    if request.path.startswith(API_PREFIXES):
        with translation.override(translation.get_language_from_request(request)):
            return JsonResponse({"detail": _("Not found.")}, status=404)
    return page_not_found(request, exception)
