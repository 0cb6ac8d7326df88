"""The visitor's own privacy page, opened by the signed link in their e-mails (`/p/<token>/`), and the page that
sends that link to whoever types the address (`/privacy/me/`, the short link of the kiosk's notice and the badge).

No account: the link is the key (tenant_apps/visits/person_links.py). Each answer is for the one person the token
names in the company of the host, in that person's language (or one they pick with `?lang=`), never cached,
never indexed, never sent on as a referrer. Every look and every request is audited.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shared_apps.audit.services import audit_record
from tenant_apps.privacy.forms import PersonLinkForm, PersonObjectionForm, PersonRequestForm
from tenant_apps.privacy.person_link_request import person_link_request
from tenant_apps.privacy.person_report import person_report
from tenant_apps.privacy.subject_requests import VISITOR_ACTOR, subject_request_object, subject_request_queue
from tenant_apps.visits.models import Visitor
from tenant_apps.visits.person_links import person_from_token
from tenant_apps.visits.selectors import privacy_contact


def _language(request: HttpRequest, visitor: Visitor | None) -> str:
    """`?lang=`, else the person's language (else, without a person, the request's)."""
    asked = request.GET.get("lang", "")
    if asked in {code for code, _ in settings.LANGUAGES}:
        return asked
    return visitor.language if visitor is not None else str(getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE))


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # not "no-referrer": the forms' Origin would be "null"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _page(request: HttpRequest, token: str, visitor: Visitor, *, language: str, status: int = 200,
          request_form: PersonRequestForm | None = None,
          objection_form: PersonObjectionForm | None = None) -> HttpResponse:  # fmt: skip
    context = {
        "token": token, "language": language, "report": person_report(visitor=visitor), "contact": privacy_contact(),
        "request_form": request_form or PersonRequestForm(), "objection_form": objection_form or PersonObjectionForm(),
        "sent": request.GET.get("sent") == "1", "languages": settings.LANGUAGES,
    }  # fmt: skip
    return _private(render(request, "privacy/person_page/page.html", context, status=status))


@require_GET
def page(request: HttpRequest, token: str) -> HttpResponse:
    """What the company holds about the person, and what they can do about it."""
    visitor = person_from_token(token)
    language = _language(request, visitor)
    audit_record(actor=VISITOR_ACTOR, action="subject.page_view", request=request, object_ids={"visitor": [visitor.pk]})
    with translation.override(language):
        return _page(request, token, visitor, language=language)


@require_GET
def download(request: HttpRequest, token: str) -> HttpResponse:
    """The same record as JSON: machine values beside labels in the person's language; audited."""
    visitor = person_from_token(token)
    audit_record(actor=VISITOR_ACTOR, action="subject.download", request=request,
                 object_ids={"visitor": [visitor.pk]}, details={"format": "json"})  # fmt: skip
    with translation.override(_language(request, visitor)):
        record = person_report(visitor=visitor)
    body = json.dumps(record, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return _private(response)


@require_POST
def ask(request: HttpRequest, token: str) -> HttpResponse:
    """A correction, erasure or restriction: queued for the company's admins."""
    visitor = person_from_token(token)
    language = _language(request, visitor)
    with translation.override(language):
        form = PersonRequestForm(request.POST)
        if not form.is_valid():
            return _page(request, token, visitor, language=language, status=400, request_form=form)
    subject_request_queue(visitor=visitor, kind=form.cleaned_data["kind"], message=form.cleaned_data["message"],
                          request=request)  # fmt: skip
    return _private(redirect(reverse("person_page:page", args=[token]) + f"?lang={language}&sent=1"))


@require_POST
def object_(request: HttpRequest, token: str) -> HttpResponse:
    """An objection or a withdrawn consent: carried out at once."""
    visitor = person_from_token(token)
    language = _language(request, visitor)
    with translation.override(language):
        form = PersonObjectionForm(request.POST)
        if not form.is_valid():
            return _page(request, token, visitor, language=language, status=400, objection_form=form)
        kind = form.cleaned_data["kind"]
        subject_request_object(visitor=visitor, kind=kind, request=request)
        context = {"kind": kind, "contact": privacy_contact(), "language": language}
        return _private(render(request, "privacy/person_page/done.html", context))


@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    """Anyone types an e-mail address; its owner, if the company knows them, is e-mailed their own link. The answer
    never says whether the address is known (tenant_apps/privacy/person_link_request.py)."""
    language = _language(request, None)
    with translation.override(language):
        form = PersonLinkForm(request.POST if request.method == "POST" else None)
        context = {"form": form, "language": language, "languages": settings.LANGUAGES,
                   "contact": privacy_contact(remembered=True), "sent": request.GET.get("sent") == "1"}  # fmt: skip
        if request.method == "POST":
            if not form.is_valid():
                return _private(render(request, "privacy/person_page/me.html", context, status=400))
            if person_link_request(email=form.cleaned_data["email"], request=request).throttled:
                form.add_error(None, _("Too many attempts. Please try again in an hour."))
                return _private(render(request, "privacy/person_page/me.html", context, status=429))
            return _private(redirect(reverse("privacy:me") + f"?lang={language}&sent=1"))
        return _private(render(request, "privacy/person_page/me.html", context))
