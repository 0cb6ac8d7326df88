"""Every message is translated into French, Dutch and German, and the compiled catalogues match."""

import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The project's catalogue, plus one per app that keeps its own locale/ folder.
CATALOGUE_DIRS = sorted(
    path.parent.parent.parent
    for folder in ("platform", "shared_apps", "tenant_apps")
    for path in (ROOT / folder).glob("**/locale/fr/LC_MESSAGES/django.po")
)
_ENTRY = re.compile(r'^(#, [^\n]*\n)?(?:msgctxt "(.*)"\n)?msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', re.M)


def _unquote(lines: str) -> str:
    text = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', lines))
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def _entries(language: str, locale: Path) -> list[tuple[str, str, str]]:
    text = (locale / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    return [(flags or "", _unquote(msgid), _unquote(msgstr)) for flags, _, msgid, msgstr in _ENTRY.findall(text)]


LANGUAGES_AND_CATALOGUES = [
    pytest.param(language, locale, id=f"{language}-{locale.relative_to(ROOT)}")
    for language in ("fr", "nl", "de")
    for locale in CATALOGUE_DIRS
]


@pytest.mark.parametrize(("language", "locale"), LANGUAGES_AND_CATALOGUES)
def test_the_catalogue_has_no_untranslated_or_fuzzy_message(language, locale):
    entries = [entry for entry in _entries(language, locale) if entry[1]]
    assert entries, "empty catalogue"
    untranslated = [msgid for _, msgid, msgstr in entries if not msgstr]
    fuzzy = [msgid for flags, msgid, _ in entries if "fuzzy" in flags]
    assert not untranslated, f"untranslated in {language}: {untranslated}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy}"


@pytest.mark.parametrize(("language", "locale"), LANGUAGES_AND_CATALOGUES)
def test_the_compiled_catalogue_matches_the_source(language, locale):
    with (locale / language / "LC_MESSAGES" / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for _, msgid, msgstr in _entries(language, locale):
        if msgid:
            assert compiled.gettext(msgid) == msgstr, f"run compilemessages: {msgid!r} differs in django.mo"


def test_every_template_string_is_in_the_catalogue():
    """A template's {% translate %} text that makemessages has not collected would show in English."""
    known = {msgid for locale in CATALOGUE_DIRS for _, msgid, _ in _entries("fr", locale)}
    root = ROOT
    pattern = re.compile(r'{% (?:translate|trans) "([^"]+)"')
    missing = []
    for template in root.glob("*/**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        missing += [(template.name, text) for text in pattern.findall(template.read_text(encoding="utf-8"))]
    missing = [item for item in missing if item[1] not in known]
    assert not missing, f"run makemessages: {missing}"


def test_a_page_is_served_in_the_language_the_user_chose(client_for):
    client = client_for("acme.localhost")
    client.post("/i18n/setlang/", {"language": "nl", "next": "/accounts/login/"})
    assert "Aanmelden" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "de", "next": "/accounts/login/"})
    assert "Anmelden" in client.get("/accounts/login/").content.decode()


_CHECK_IN_OR_OUT = re.compile(r"\bcheck(?:ed|s|ing)?[ -](?:in|out)\b", re.I)


def test_german_says_einchecken_and_auschecken_not_anmelden_and_abmelden():
    """ "Anmelden"/"Abmelden" (also sign in/out) and their look-alike desk buttons read as one another: German
    reception software says "Einchecken"/"Auschecken", and so does every German check-in or check-out message."""
    found = {msgid: msgstr for locale in CATALOGUE_DIRS for _, msgid, msgstr in _entries("de", locale)}
    assert found["Check in"] == "Einchecken" and found["Check out"] == "Auschecken"
    assert found["Sign in"] == "Anmelden"  # signing in to an account stays "Anmelden"
    sign_in_words = re.compile(r"(?:an|ab)(?:melden|gemeldet|zumelden|meldung)", re.I)
    confusing = {
        msgid: msgstr
        for msgid, msgstr in found.items()
        if _CHECK_IN_OR_OUT.search(msgid.replace("Check-in", "")) and sign_in_words.search(msgstr)  # not the name
    }
    assert confusing == {}
