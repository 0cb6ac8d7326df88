"""Every page of every surface, rendered in French, Dutch and German, has no text left in English, and no page in any
language (English included) writes a US date or a 12-hour time.

The pages come from the URL resolvers (parameters filled with objects of the test world); each is fetched in English
and in each other language. A text identical in both that is interface text (a message of the catalogues or literal
text of a template) is untranslated; names, addresses and codes of the data are never interface text. Raw state codes
(`on_site`) are interface text in every language.
"""

import re
from functools import partial
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from tenant_apps.visits.models import Visit
from tests.foundation.test_translations import CATALOGUE_DIRS, _entries
from tests.kiosk.conftest import kiosk_client, pair_device
from tests.portal.conftest import AcmeWorld, world  # noqa: F401  (world: a fixture)
from tests.portal.test_every_url_is_guarded import KWARGS

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("fr", "nl", "de")
# The same word in English and in the language, or a name: never a finding.
SAME_IN_EVERY_LANGUAGE = {
    "Check-in", "CSV", "JSON", "API", "QR", "ID", "OK", "FR", "NL", "EN", "DE", "Français", "Nederlands", "English",
    "Deutsch", "E-mail", "Webhook", "Webhooks", "Date", "Code", "Total", "Type", "Minute", "Minutes", "Notes",
    "Organisation", "Description", "Actions", "Action", "Service", "Message", "Support", "Export", "Version",
    "Kiosk", "Kiosks", "Status", "Details", "Detail", "Filter", "Start", "Information", "Instructions", "Person",
    "Name", "Hotel", "Tablet", "Logo", "Test", "Token", "Tokens", "Contact", "Audit", "Position",
    "Bienvenue · Welkom · Welcome · Willkommen",  # the kiosk's greeting, in the four languages on purpose
}  # fmt: skip
# Words each language shares with English.
SAME_AS_ENGLISH = {
    "fr": {
        "Invitation", "invitation", "note", "Exports", "Console", "SHA-256", "Maintenance", "Pages", "Messages",
        "Notifications", "Badge",
        "Note", "Notes", "Support", "Audit", "Page", "Transport", "Visite", "Date", "Service", "Actions", "Type",
        "Message", "Minutes", "Description",
    },
    "nl": {
        "Exports", "Console", "SHA-256", "Privacy", "Browser", "Account", "Badge", "Slug", "Accounts", "Status",
        "Export", "Webhook", "Support", "Team", "Logo", "Kiosk",
    },
    "de": {
        "SHA-256", "Browser", "Logo (optional)", "Status", "Export", "Account", "Badge", "Support", "Name", "Kiosk",
        "Webhook", "Team", "Slug",
    },
}  # fmt: skip
# A slash date whose first number could be a month (12/06/2026 reads as 6 December in Belgium, 12 June in the US); a
# day above 12 first (31/12/2026) is unambiguous and allowed.
US_DATE = re.compile(
    r"\b(?:0?[1-9]|1[0-2])/\d{1,2}/\d{4}\b|\b\d{1,2}:\d{2}\s?(?:[ap]\.m\.|[AP]M)\b|\b[ap]\.m\.|"
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.? \d{1,2}, \d{4}\b"
)
STATE_CODES = {value for value in Visit.State.values if "_" in value}
_TEMPLATE_TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
_TAG = re.compile(r"<[^>]*>", re.S)
_SKIP_TAGS = {"script", "style", "code", "pre", "textarea", "select", "option"}


class _Text(HTMLParser):
    """The visible text of a page, one string per text node, plus the texts of title, placeholder and aria-label."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label") and value:
                self.texts.append(" ".join(value.split()))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._skip:
            self.texts.append(text)


def visible_texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.texts


def _interface_texts() -> set[str]:
    """What the product itself writes: the catalogues' messages and the literal text of its templates."""
    texts = {msgid for locale in CATALOGUE_DIRS for _, msgid, _ in _entries("fr", locale) if msgid}
    for template in ROOT.glob("*/**/templates/**/*.html"):
        if ".venv" in template.parts or "/admin/" in str(template) or "rest_framework" in str(template):
            continue
        source = _TEMPLATE_TAG.sub("\n", template.read_text(encoding="utf-8"))
        source = re.sub(r"<(script|style)\b.*?</\1>", "\n", source, flags=re.S)
        texts |= {" ".join(part.split()) for part in _TAG.split(source) if part.strip()}
    return {text for text in texts if re.search(r"[A-Za-z]{2}", text)}


INTERFACE = _interface_texts()


def _untranslated(english: list[str], other: list[str], language: str) -> set[str]:
    same = set(english) & set(other)
    allowed = SAME_IN_EVERY_LANGUAGE | SAME_AS_ENGLISH[language]
    return {text for text in same if text in INTERFACE and text not in allowed and re.search(r"[A-Za-z]{3}", text)}


def _routes(patterns: list, prefix: str = "") -> list[str]:
    found: list[str] = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and "(?P" not in route and not route.startswith("^"):
            found.append(route)
    return found


_PARAM = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>")


def _fill(values: dict[str, str], match: re.Match[str]) -> str:
    return values[match["name"]]


def _paths(urlconf: str, acme_world: AcmeWorld, *, keep: tuple[str, ...], drop: tuple[str, ...] = ()) -> list[str]:
    paths = []
    for route in _routes(get_resolver(urlconf).url_patterns):
        if not route.startswith(keep) or route.startswith(drop):
            continue
        names = _PARAM.findall(route)
        if any(name not in KWARGS for name in names):
            continue  # a parameter this walk cannot fill: the page is covered by its own tests
        values = {name: str(KWARGS[name](acme_world)) for name in names}
        paths.append("/" + _PARAM.sub(partial(_fill, values), route))
    return paths


def _page(client, path: str, language: str) -> str | None:
    client.cookies["django_language"] = language
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return None
    return response.content.decode()


def _walk(client, paths: list[str]) -> list[str]:
    problems: list[str] = []
    walked = 0
    for path in paths:
        english = _page(client, path, "en")
        if english is None:
            continue
        walked += 1
        english_texts = visible_texts(english)
        for language in ("en", *LANGUAGES):
            page = english if language == "en" else _page(client, path, language)
            if page is None:
                problems.append(f"{path} [{language}]: not served")
                continue
            texts = english_texts if language == "en" else visible_texts(page)
            for text in texts:
                for match in US_DATE.finditer(text):
                    problems.append(f"{path} [{language}]: US date or time {match[0]!r} in {text!r}")
                if set(text.split()) & STATE_CODES:
                    problems.append(f"{path} [{language}]: raw state code in {text!r}")
            if language != "en":
                problems += [f"{path} [{language}]: untranslated {text!r}" for text in
                             sorted(_untranslated(english_texts, texts, language))]  # fmt: skip
    assert walked, "no page was walked"
    return problems


def test_the_company_portal_and_its_privacy_pages(world, acme_admin):  # noqa: F811
    # p/<token>/, the visitor's own page, and the readable record an admin downloads for a person are in that person's
    # language whatever the browser says (tests/privacy/test_person_page.py).
    drop = ("api/", "accounts/logout", "i18n/", "favicon", "p/")
    paths = _paths("checkin.urls_company", world, keep=("",), drop=drop)
    paths = [path for path in paths if not path.endswith("/record.html")]
    problems = _walk(acme_admin, ["/", *[path for path in paths if path != "/"]])
    assert not problems, "\n".join(problems)


def test_the_desk(world, tower_desk):  # noqa: F811
    paths = _paths("checkin.urls_reception", world, keep=("desk/", "accounts/security"))
    assert not (problems := _walk(tower_desk, paths)), "\n".join(problems)


def test_the_kiosk(world, client_for, tower):  # noqa: F811
    client = kiosk_client(client_for, tower, pair_device(tower)[1])
    paths = _paths("checkin.urls_reception", world, keep=("kiosk/",), drop=("kiosk/pair",))
    assert not (problems := _walk(client, paths)), "\n".join(problems)


def test_the_console(world, it_staff):  # noqa: F811
    paths = _paths("checkin.urls_public", world, keep=("console/", "privacy/", ""), drop=("admin/", "api/", "i18n/"))
    assert not (problems := _walk(it_staff, paths)), "\n".join(problems)


@pytest.mark.parametrize("host", ["localhost", "tower.localhost", "acme.localhost"])
def test_the_sign_in_pages(client_for, host):
    paths = ["/accounts/login/", "/accounts/password-reset/"]
    assert not (problems := _walk(client_for(host), paths)), "\n".join(problems)


def test_the_e_mails(acme):
    from tenant_apps.notifications.emails import (
        approval_request_email,
        cancellation_email,
        host_arrival_email,
        invitation_email,
    )
    from tests.notifications.conftest import register

    problems: list[str] = []
    with tenant_context(acme):
        visit = register(language="en")
        visit.checked_in_at = visit.approval_deadline = visit.expected_start
        for build in (invitation_email, cancellation_email, host_arrival_email, approval_request_email):
            rendered: dict[str, list[str]] = {}
            for language in ("en", *LANGUAGES):
                visit.visitor.language = language
                if build in (host_arrival_email, approval_request_email):  # the host's language: an account in it
                    assert visit.host is not None
                    visit.host.user = User(email="host@acme.example", language=language)
                message = build(visit=visit)
                html = next(str(content) for content, kind in message.alternatives if kind == "text/html")
                rendered[language] = [str(message.subject), *visible_texts(html), *str(message.body).splitlines()]
            for language, texts in rendered.items():
                problems += [f"{build.__name__} [{language}]: US date {m[0]!r}" for t in texts
                             for m in US_DATE.finditer(t)]  # fmt: skip
                if language != "en":
                    problems += [f"{build.__name__} [{language}]: untranslated {text!r}"
                                 for text in sorted(_untranslated(rendered["en"], texts, language))]  # fmt: skip
    assert not problems, "\n".join(problems)
