"""Bulk pre-registration: every row checked, per-row errors, nothing stored unless every row is good."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.audit.models import AuditEntry
from tenant_apps.visits.bulk_import import preview_matches, preview_payload, preview_text, preview_token
from tenant_apps.visits.forms import BULK_MAX_BYTES, BULK_MAX_ROWS
from tenant_apps.visits.models import Visit, Visitor
from tenant_apps.visits.services import (
    Actor,
    Registration,
    VisitorDetails,
    VisitStateError,
    visits_preregister_many,
)

HEADER = "first_name;last_name;email;phone;company;language;host;start;end;purpose"
GOOD = [
    "Ada;Lovelace;ada@example.org;+44 20 7946 0958;Engines;en;otto@acme.example;2031-06-01 09:00;2031-06-01 10:00;Demo",
    "Jef;Claes;jef@example.org;;;nl;Otto Other;2031-06-02 14:00;2031-06-02 15:00;",
]


def import_confirmed(client, data, **extra):
    """Check the list (the preview), then confirm it as the preview's button does."""
    preview = client.post("/visits/import/", data, **extra)
    assert preview.status_code == 200 and preview.context["preview"], "the list did not reach the preview"
    confirm = {"csv": preview.context["csv_payload"], "token": preview.context["token"], "confirm": "1"}
    return client.post("/visits/import/", confirm, **extra)


def _counts(acme):
    with tenant_context(acme):
        return Visit.objects.count(), Visitor.objects.count()


def test_good_rows_are_all_registered(acme, world, acme_admin):
    response = import_confirmed(acme_admin, {"text": "\n".join([HEADER, *GOOD])})
    assert response.status_code == 302
    with tenant_context(acme):
        ada = Visit.objects.get(visitor__email="ada@example.org")
        assert (ada.host, ada.visitor.phone, ada.purpose) == (world.other_host, "+442079460958", "Demo")
        assert Visit.objects.get(visitor__email="jef@example.org").visitor.language == "nl"
    assert AuditEntry.objects.filter(action="visits.imported", details__count=2).exists()


def test_an_uploaded_file_with_commas_and_a_bom_works(acme, world, acme_admin):
    text = "\ufeff" + "\n".join(line.replace(";", ",") for line in [HEADER, *GOOD])
    upload = SimpleUploadedFile("visitors.csv", text.encode("utf-8"), content_type="text/csv")
    assert import_confirmed(acme_admin, {"file": upload}).status_code == 302
    with tenant_context(acme):
        assert Visit.objects.filter(visitor__email__in=["ada@example.org", "jef@example.org"]).count() == 2


def test_malformed_rows_are_reported_per_line_and_nothing_is_stored(acme, world, acme_admin):
    before = _counts(acme)
    rows = [
        HEADER,
        GOOD[0],
        ";Nameless;bad-address;123;;en;;2031-06-01 09:00;2031-06-01 10:00;",
        "Tim;Late;tim@example.org;;;en;Nobody Here;2031-06-01 11:00;2031-06-01 10:00;",
        "Ann;Odd;ann@example.org;;;en;;someday;2031-06-01 10:00;;extra cell",
        GOOD[1],
    ]
    page = acme_admin.post("/visits/import/", {"text": "\n".join(rows)})
    assert page.status_code == 200
    text = page.content.decode()
    assert "3 rows have mistakes; nothing was stored." in text
    for line, message in [
        ("3", "First name (first_name): This field is required."),
        ("3", "E-mail address (email): Enter a valid email address."),
        ("3", "Phone (phone): Enter a valid phone number"),
        ("4", "Host: no active host has this name or e-mail address."),
        ("4", "Expected departure (end): The departure must be after the arrival."),
        ("5", "This row has more cells than the header."),
        ("5", "Expected arrival (start): “someday” is not a date and time we read."),
    ]:
        assert f'<td class="nowrap">{line}</td>' in text
        assert message in text
    assert '<td class="nowrap">2</td>' not in text
    assert _counts(acme) == before


def test_a_missing_column_is_explained(acme, world, acme_admin):
    page = acme_admin.post("/visits/import/", {"text": "name;email\nAda;ada@example.org"}).content.decode()
    assert "Missing: first_name, last_name, start, end." in page


def test_too_many_rows_are_refused_with_the_limit(acme, world, acme_admin):
    before = _counts(acme)
    rows = [HEADER] + [GOOD[1].replace("jef@", f"jef{n}@") for n in range(BULK_MAX_ROWS + 1)]
    page = acme_admin.post("/visits/import/", {"text": "\n".join(rows)}).content.decode()
    assert f"{BULK_MAX_ROWS + 1} rows is more than the {BULK_MAX_ROWS} allowed at once." in page
    assert _counts(acme) == before


def test_a_file_too_large_is_refused(world, acme_admin):
    upload = SimpleUploadedFile("big.csv", b"x" * (BULK_MAX_BYTES + 1), content_type="text/csv")
    page = acme_admin.post("/visits/import/", {"file": upload}).content.decode()
    assert "The file is larger than 200 kB." in page


def test_nothing_and_non_utf8_are_refused(world, acme_admin):
    assert "Paste some rows or choose a file." in acme_admin.post("/visits/import/", {"text": " "}).content.decode()
    upload = SimpleUploadedFile("latin.csv", "é;ü".encode("latin-1"), content_type="text/csv")
    assert "not UTF-8" in acme_admin.post("/visits/import/", {"file": upload}).content.decode()


def test_the_report_is_in_the_user_s_language(world, acme_admin):
    acme_admin.post("/i18n/setlang/", {"language": "de", "next": "/"})
    rows = [HEADER, "Tim;Late;tim@example.org;;;en;Nobody Here;2031-06-01 11:00;2031-06-01 12:00;"]
    page = acme_admin.post("/visits/import/", {"text": "\n".join(rows)}).content.decode()
    assert "1 Zeile enthält einen Fehler; es wurde nichts gespeichert." in page
    assert "Kein aktiver Gastgeber hat diesen Namen" in page
    assert "Alles oder nichts." in page


def test_a_failure_in_the_middle_of_a_batch_rolls_back_the_rows_before_it(acme, world):
    start = dt.datetime(2031, 1, 1, 9, tzinfo=dt.UTC)

    def registration(email: str, hours: int) -> Registration:
        details = VisitorDetails("A", "B", email, "", "", "en")
        return Registration(details, None, start, start + dt.timedelta(hours=hours), "")

    with tenant_context(acme):
        before = Visit.objects.count(), Visitor.objects.count()
        actor = Actor(label="admin@acme.example", channel=Visit.Channel.INVITATION, user=world.admin)
        with pytest.raises(VisitStateError):
            visits_preregister_many(registrations=[registration("one@example.org", 1),
                                                   registration("two@example.org", -1)], actor=actor)  # fmt: skip
        assert (Visit.objects.count(), Visitor.objects.count()) == before


# --- Dates read one way, a preview, a confirmation bound to the text -----------------------------------------------

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


@pytest.mark.parametrize("language", ["en", "fr", "nl", "de"])
@pytest.mark.parametrize("start", ["05/01/2031 09:30", "05-01-2031 09:30", "05.01.2031 09.30", "2031-01-05 09:30"])
def test_slash_dates_are_day_month_year_whatever_the_interface_language(acme, world, acme_admin, language, start):
    acme_admin.post("/i18n/setlang/", {"language": language, "next": "/"})
    email = f"day-{language}-{abs(hash(start))}@example.org"
    row = f"Eva;Peeters;{email};;;nl;;{start};05/01/2031 10:30;"
    assert import_confirmed(acme_admin, {"text": f"{HEADER}\n{row}"}).status_code == 302
    with tenant_context(acme):
        visit = Visit.objects.get(visitor__email=email)
    assert visit.expected_start == dt.datetime(2031, 1, 5, 9, 30, tzinfo=BRUSSELS)  # 5 January, never 1 May
    assert visit.expected_end == dt.datetime(2031, 1, 5, 10, 30, tzinfo=BRUSSELS)


@pytest.mark.parametrize(
    "start",
    ["12/31/2031 09:00", "05/01/31 09:00", "2031-01-05", "05/01/2031 9 am", "31/02/2031 09:00", "1/5/2031 4 PM"],
)
def test_other_date_forms_are_refused_on_their_row_and_nothing_is_stored(acme, world, acme_admin, start):
    before = _counts(acme)
    acme_admin.post("/i18n/setlang/", {"language": "en", "next": "/"})
    rows = [HEADER, GOOD[0], f"Tim;Late;tim@example.org;;;en;;{start};05/01/2031 10:00;"]
    page = acme_admin.post("/visits/import/", {"text": "\n".join(rows)})
    text = page.content.decode()
    assert page.context["preview"] is None
    assert '<td class="nowrap">3</td>' in text
    assert f"Expected arrival (start): “{start}” is not a date and time we read." in text
    assert "31/01/2027 09:30, 31-01-2027 09:30 or 2027-01-31 09:30" in text  # examples no one reads as m/d
    assert _counts(acme) == before


def test_the_preview_shows_every_visit_and_invitation_in_belgian_format_and_stores_nothing(acme, world, acme_admin):
    before = _counts(acme)
    acme_admin.post("/i18n/setlang/", {"language": "en", "next": "/"})
    rows = [HEADER, "Ada;Lovelace;ada@example.org;;Engines;fr;Otto Other;05/01/2031 09:30;05/01/2031 10:45;Demo"]
    page = acme_admin.post("/visits/import/", {"text": "\n".join(rows)})
    text = page.content.decode()
    assert _counts(acme) == before  # nothing stored by the preview
    today = timezone.localdate().strftime("%d-%m-%Y")
    assert "Sunday 5 January 2031" in text and "09:30\u201310:45" in text
    assert f"E-mailed on {today} (Français)" in text and "Otto Other" in text
    assert "Import 1 visit and send the invitation" in text
    shown = text[text.index('class="card import-preview"') : text.index('name="csv"')]
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b|[ap]\.m\.|January 5", shown)
    acme_admin.post("/i18n/setlang/", {"language": "de", "next": "/"})
    german = acme_admin.post("/visits/import/", {"text": "\n".join(rows)}).content.decode()
    assert "Sonntag, 5. Januar 2031" in german


def test_a_list_changed_after_the_preview_is_not_stored_unseen(acme, world, acme_admin, acme_member):
    before = _counts(acme)
    previewed = "\n".join([HEADER, GOOD[0]])
    preview = acme_admin.post("/visits/import/", {"text": previewed}).context
    token, payload = preview["token"], preview["csv_payload"]
    assert preview_text(payload) == previewed
    changed = preview_payload("\n".join([HEADER, GOOD[0].replace("2031-06-01", "2031-06-09")]))
    for client, csv, forged in (
        (acme_admin, changed, token),  # another list with the token of the one checked
        (acme_member, payload, token),  # the list checked, confirmed by someone else
        (acme_admin, payload, token[:-2] + "xx"),  # a made-up token
        (acme_admin, "not base64!", token),
    ):
        page = client.post("/visits/import/", {"csv": csv, "token": forged, "confirm": "1"})
        assert page.status_code == 200 and "The list changed since you checked it" in page.content.decode()
        assert _counts(acme) == before
    # The list checked, confirmed by the one who checked it, is stored as previewed.
    assert acme_admin.post("/visits/import/", {"csv": payload, "token": token, "confirm": "1"}).status_code == 302
    with tenant_context(acme):
        visit = Visit.objects.get(visitor__email="ada@example.org")
    assert (visit.purpose, visit.expected_start) == ("Demo", dt.datetime(2031, 6, 1, 9, tzinfo=BRUSSELS))


def test_a_preview_token_is_bound_to_the_rows_not_to_line_ends():
    text = "\n".join([HEADER, GOOD[0]])
    token = preview_token(text, scope="acme:1")
    assert preview_matches(text.replace("\n", "\r\n"), token, scope="acme:1")
    assert not preview_matches(text, token, scope="acme:2")
    one_more = text + "\nx;y;z@example.org;;;en;;2031-06-01 09:00;2031-06-01 10:00;"
    assert not preview_matches(one_more, token, scope="acme:1")
