"""Belgian formats in every language, English included: day, month, year and 24-hour times; never 12/06/2026 or p.m."""

import datetime as dt
import zoneinfo

import pytest
from django import forms
from django.template import Context, Template
from django.utils import formats, translation
from django_tenants.utils import tenant_context

from shared_apps.tenancy.dates import day_date, short_day
from tenant_apps.notifications.emails import invitation_email
from tests.notifications.conftest import register

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
MOMENT = dt.datetime(2026, 12, 6, 16, 55, tzinfo=BRUSSELS)  # a Sunday afternoon

EXPECTED = {
    "en": ("6 December 2026", "06-12-2026 16:55", "Sunday 6 December 2026", "Sun 6 December"),
    "fr": ("6 décembre 2026", "06-12-2026 16:55", "dimanche 6 décembre 2026", "dim 6 décembre"),
    "nl": ("6 december 2026", "06-12-2026 16:55", "zondag 6 december 2026", "zo 6 december"),
    "de": ("6. Dezember 2026", "06.12.2026 16:55", "Sonntag, 6. Dezember 2026", "So, 6. Dezember"),
}


@pytest.mark.parametrize("language", EXPECTED)
def test_dates_are_day_month_year_with_24_hour_times(language):
    date, short, day, short_weekday = EXPECTED[language]
    with translation.override(language):
        assert formats.date_format(MOMENT, "DATE_FORMAT") == date
        assert formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT") == short
        assert formats.time_format(MOMENT, "TIME_FORMAT") == "16:55"
        assert day_date(MOMENT) == day
        assert short_day(MOMENT) == short_weekday
        rendered = Template('{% load checkin_dates %}{{ m|date:"DATETIME_FORMAT" }} {{ m|day_date }}').render(
            Context({"m": MOMENT})
        )
        assert "p.m." not in rendered and "PM" not in rendered and "16:55" in rendered


@pytest.mark.parametrize("language", EXPECTED)
@pytest.mark.parametrize(
    ("text", "day"),
    [("2027-01-05", dt.date(2027, 1, 5)), ("05/01/2027", dt.date(2027, 1, 5)), ("05-01-2027", dt.date(2027, 1, 5)),
     ("05.01.2027", dt.date(2027, 1, 5))],
)  # fmt: skip
def test_forms_read_day_month_year_in_every_language(language, text, day):
    with translation.override(language):
        field = forms.DateField()
        assert field.clean(text) == day
        with pytest.raises(forms.ValidationError):
            field.clean("12/31/2027")  # month/day/year is never read


@pytest.mark.parametrize(("language", "date"), [("en", "Tuesday 2 March 2027"), ("de", "Dienstag, 2. März 2027")])
def test_the_invitation_and_its_calendar_file_write_belgian_dates(acme, language, date):
    with tenant_context(acme):
        visit = register(language=language)
        message = invitation_email(visit=visit)
    assert date in message.subject and date in message.body and "09:00" in message.body
    ics = next(attachment for attachment in message.attachments if getattr(attachment, "filename", None) == "visit.ics"
               or (isinstance(attachment, tuple) and attachment[0] == "visit.ics"))  # fmt: skip
    content = ics[1] if isinstance(ics, tuple) else ics.content
    text = content.decode() if isinstance(content, bytes) else content
    unfolded = text.replace("\r\n ", "").replace("\\,", ",")
    assert f"{date}, 09:00\u201311:00" in unfolded


@pytest.mark.parametrize("host", ["localhost", "tower.localhost", "acme.localhost"])
def test_every_host_serves_a_favicon(client_for, host):
    response = client_for(host).get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client_for(host).get("/accounts/login/").content.decode()
    assert 'rel="icon"' in page and "checkin/favicon" in page
