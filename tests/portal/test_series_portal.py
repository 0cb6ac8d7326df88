"""A visit over several days in the portal: the new-visit form, field errors, the visit page, cancelling the rest
with its confirmation, and the bulk import's last_day and weekdays columns with their preview."""

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.visits.models import Visit, VisitSeries
from tests.portal.test_bulk_import import import_confirmed

SERIES = {
    "first_name": "Sam", "last_name": "Series", "email": "sam@example.org", "phone": "", "company_name": "Sam BV",
    "language": "nl", "expected_start": "2031-03-03T09:00", "expected_end": "2031-03-03T17:00",  # a Monday
    "last_day": "14/03/2031", "weekdays": ["1", "3", "5"], "purpose": "Audit",
}  # fmt: skip


def _days(acme) -> list[Visit]:
    with tenant_context(acme):
        return list(Visit.objects.filter(visitor__email="sam@example.org").order_by("expected_start"))


def test_the_form_registers_one_visit_per_chosen_weekday_up_to_the_last_day(acme, world, acme_admin):
    response = acme_admin.post("/visits/new/", SERIES)
    days = _days(acme)
    assert response.status_code == 302 and response["Location"] == f"/visits/{days[0].pk}/"
    assert [d.expected_start.date().isoformat() for d in days] == [
        "2031-03-03", "2031-03-05", "2031-03-07", "2031-03-10", "2031-03-12", "2031-03-14",
    ]  # fmt: skip
    page = acme_admin.get(f"/visits/{days[0].pk}/").content.decode()
    assert "Visit over 6 days" in page and "Friday 14 March 2031" in page
    assert "Cancel this day and the rest" in page


def test_without_a_last_day_the_form_registers_one_visit(acme, world, acme_admin):
    acme_admin.post("/visits/new/", {**SERIES, "last_day": ""})
    [visit] = _days(acme)
    assert visit.series_id is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"last_day": "2031-03-01"}, "last_day", "on or after the day of arrival"),
        ({"last_day": "2031-06-10"}, "last_day", "90 days at most"),
        ({"weekdays": ["6", "7"], "last_day": "2031-03-04"}, "weekdays", "No day between"),
        ({"expected_end": "2031-03-04T10:00"}, "expected_end", "on the day of arrival"),
        ({"last_day": "03/14/2031"}, "last_day", "Enter a valid date"),
    ],
)
def test_a_bad_series_is_refused_on_its_field_and_nothing_is_stored(acme, world, acme_admin, changes, field, message):
    with tenant_context(acme):
        series_before = VisitSeries.objects.count()  # the test database may hold the demo's
    response = acme_admin.post("/visits/new/", {**SERIES, **changes})
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert _days(acme) == []
    with tenant_context(acme):
        assert VisitSeries.objects.count() == series_before


def test_the_series_errors_are_in_the_users_language(acme, world, acme_admin):
    acme_admin.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    page = acme_admin.post("/visits/new/", {**SERIES, "last_day": "2031-06-10"}).content.decode()
    assert "Une série peut durer 90 jours au plus" in page


def test_cancelling_the_rest_asks_first_then_cancels_this_day_and_the_later_ones(acme, world, acme_admin):
    acme_admin.post("/visits/new/", SERIES)
    days = _days(acme)
    confirm = acme_admin.post(f"/visits/{days[3].pk}/cancel-rest/")
    assert confirm.status_code == 200 and "These 3 days will be cancelled" in confirm.content.decode()
    assert {d.state for d in _days(acme)} == {Visit.State.EXPECTED}  # nothing without the confirmation
    assert acme_admin.get(f"/visits/{days[3].pk}/cancel-rest/").status_code == 405
    done = acme_admin.post(f"/visits/{days[3].pk}/cancel-rest/", {"confirm": "yes"})
    assert done.status_code == 302
    assert [d.state for d in _days(acme)] == ["expected"] * 3 + ["cancelled"] * 3


def test_cancel_rest_of_a_single_visit_is_not_found(world, acme_admin):
    assert acme_admin.post(f"/visits/{world.other_future.pk}/cancel-rest/", {"confirm": "yes"}).status_code == 404


def test_a_member_cannot_cancel_the_rest_of_a_series_that_is_not_theirs(acme, world, acme_admin, acme_member):
    acme_admin.post("/visits/new/", {**SERIES, "host": world.other_host.pk})
    days = _days(acme)
    assert acme_member.post(f"/visits/{days[1].pk}/cancel-rest/", {"confirm": "yes"}).status_code == 404
    assert {d.state for d in _days(acme)} == {Visit.State.EXPECTED}


HEADER = "first_name;last_name;email;phone;company;language;host;start;end;purpose;last_day;weekdays"


def test_the_import_reads_last_day_and_weekdays_and_its_preview_shows_the_days(acme, world, acme_admin):
    rows = [HEADER, "Sam;Series;sam@example.org;;;en;;2031-03-03 09:00;2031-03-03 17:00;Audit;07/03/2031;12345",
            "Una;Once;una@example.org;;;en;;2031-03-04 09:00;2031-03-04 10:00;;;"]  # fmt: skip
    preview = acme_admin.post("/visits/import/", {"text": "\n".join(rows)})
    page = preview.content.decode()
    assert "5 days" in page and "Monday 3 March 2031" in page and "Friday 7 March 2031" in page
    assert import_confirmed(acme_admin, {"text": "\n".join(rows)}).status_code == 302
    assert len(_days(acme)) == 5 and len({d.series_id for d in _days(acme)}) == 1
    with tenant_context(acme):
        assert Visit.objects.get(visitor__email="una@example.org").series_id is None


def test_the_import_explains_bad_weekdays_and_a_series_too_long(acme, world, acme_admin):
    rows = [HEADER, "Sam;Series;sam@example.org;;;en;;2031-03-03 09:00;2031-03-03 17:00;;07/03/2031;mon-fri",
            "Lea;Long;lea@example.org;;;en;;2031-03-03 09:00;2031-03-03 17:00;;2031-12-31;12345"]  # fmt: skip
    page = acme_admin.post("/visits/import/", {"text": "\n".join(rows)}).content.decode()
    assert "is not a list of weekdays" in page and "90 days at most" in page
    assert _days(acme) == []
