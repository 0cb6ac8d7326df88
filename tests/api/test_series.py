"""A visit over several days through the API: registered with `last_day` and `weekdays`, its days listed by
`?series=`, the rest cancelled by `cancel-rest`, field-level 400s, and nothing of another company's."""

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.visits.models import Visit, VisitSeries

SERIES = {
    "expected_start": "2027-06-07T09:00:00+02:00",  # a Monday
    "expected_end": "2027-06-07T17:00:00+02:00",
    "last_day": "2027-06-18",
    "weekdays": [1, 2, 4],
}


def _register(api, objects, **changes):
    payload = {"visitor": objects.visitor.pk, "host": objects.host.pk, **SERIES, **changes}
    return api.post("/api/v1/visits/", payload, content_type="application/json")


def test_it_registers_the_series_and_answers_its_first_day_with_the_code(acme, acme_api, acme_objects):
    response = _register(acme_api, acme_objects)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["expected_start"].startswith("2027-06-07T09:00") and len(body["code"]) == 8
    assert body["series"]["first_day"] == "2027-06-07" and body["series"]["last_day"] == "2027-06-17"
    assert body["series"]["weekdays"] == [1, 2, 4]
    days = acme_api.get(f"/api/v1/visits/?series={body['series']['id']}").json()["results"]
    assert sorted(day["expected_start"][:10] for day in days) == [
        "2027-06-07", "2027-06-08", "2027-06-10", "2027-06-14", "2027-06-15", "2027-06-17",
    ]  # fmt: skip


def test_weekdays_default_to_monday_to_friday(acme, acme_api, acme_objects):
    payload = {k: v for k, v in SERIES.items() if k != "weekdays"}
    body = acme_api.post("/api/v1/visits/", {"visitor": acme_objects.visitor.pk, **payload, "last_day": "2027-06-13"},
                         content_type="application/json").json()  # fmt: skip
    assert body["series"]["weekdays"] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"last_day": "2027-06-01"}, "last_day", "on or after the day of arrival"),
        ({"last_day": "2027-09-30"}, "last_day", "90 days at most"),
        ({"weekdays": [6, 7], "last_day": "2027-06-11"}, "weekdays", "No day between"),
        ({"weekdays": [0]}, "weekdays", "greater than or equal to 1"),
        ({"weekdays": []}, "weekdays", "at least 1"),
        ({"last_day": "18/06/2027"}, "last_day", "Date has wrong format"),
        ({"expected_end": "2027-06-08T10:00:00+02:00"}, "expected_end", "on the day of arrival"),
        ({"last_day": None}, "weekdays", "need a last day"),
    ],
)
def test_a_bad_series_is_a_400_on_its_field_and_stores_nothing(acme, acme_api, acme_objects, changes, field, message):
    with tenant_context(acme):
        series_before = VisitSeries.objects.count()  # the test database may hold the demo's
    response = _register(acme_api, acme_objects, **changes)
    assert response.status_code == 400, response.content
    assert any(message in error for error in str(response.json()[field]).split("', '")), response.json()
    with tenant_context(acme):
        assert VisitSeries.objects.count() == series_before
        assert not Visit.objects.filter(expected_start__date__gte="2027-06-01").exists()


def test_cancel_rest_cancels_this_day_and_the_later_ones(acme, acme_api, acme_objects):
    first = _register(acme_api, acme_objects).json()
    with tenant_context(acme):
        days = list(Visit.objects.filter(series_id=first["series"]["id"]).order_by("expected_start"))
    response = acme_api.post(f"/api/v1/visits/{days[4].pk}/cancel-rest/")
    assert response.status_code == 200
    assert [day["id"] for day in response.json()] == [days[4].pk, days[5].pk]
    assert acme_api.post(f"/api/v1/visits/{days[5].pk}/cancel-rest/").status_code == 409
    single = acme_api.post("/api/v1/visits/", {"visitor": acme_objects.visitor.pk, **{
        k: SERIES[k] for k in ("expected_start", "expected_end")}}, content_type="application/json").json()  # fmt: skip
    assert single["series"] is None
    assert acme_api.post(f"/api/v1/visits/{single['id']}/cancel-rest/").status_code == 404


def test_another_company_cannot_see_or_cancel_the_series(acme, acme_api, acme_objects, globex_api):
    first = _register(acme_api, acme_objects).json()
    assert globex_api.post(f"/api/v1/visits/{first['id']}/cancel-rest/").status_code == 404
    assert globex_api.get(f"/api/v1/visits/?series={first['series']['id']}").json()["results"] == []
    with tenant_context(acme):
        assert not Visit.objects.filter(series_id=first["series"]["id"], state="cancelled").exists()
