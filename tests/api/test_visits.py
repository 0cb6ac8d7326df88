"""The visits API: list with filters and pages, register, change, and the transitions as actions."""

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from tenant_apps.notifications.models import Delivery
from tenant_apps.visits.models import Visit, VisitEvent


def _visit(acme, pk: int) -> Visit:
    with tenant_context(acme):
        return Visit.objects.get(pk=pk)


def test_it_registers_a_visit_with_a_token_and_invites_the_visitor(
    acme, acme_api, acme_objects, django_capture_on_commit_callbacks
):
    payload = {
        "visitor": acme_objects.visitor.pk,
        "host": acme_objects.host.pk,
        "expected_start": "2027-06-01T09:00:00+02:00",
        "expected_end": "2027-06-01T10:30:00+02:00",
        "purpose": "Workshop",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = acme_api.post("/api/v1/visits/", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "expected" and body["channel"] == "api" and len(body["code"]) == 8
    assert body["visitor"]["first_name"] == "Nora"
    visit = _visit(acme, body["id"])
    assert visit.created_by is not None and visit.created_by.email == "admin@acme.example"
    with tenant_context(acme):
        assert VisitEvent.objects.get(visit=visit, kind="registered").actor == f"api-token:{acme_objects.token.pk}"
        assert Delivery.objects.get(visit=visit).kind == "invitation"
    assert mail.outbox[-1].to == ["nora@example.org"]


TIMES = {"expected_start": "2027-06-01T09:00:00Z", "expected_end": "2027-06-01T10:00:00Z"}


def test_a_visit_without_a_host_is_registered_with_none(acme_api, acme_objects):
    """`host` is optional: leaving it out is a visit with no host, not a 500 (found by the fuzz run)."""
    response = acme_api.post("/api/v1/visits/", {**TIMES, "visitor": acme_objects.visitor.pk},
                             content_type="application/json")  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["host"] is None and response.json()["purpose"] == ""


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**TIMES, "host": None}, "visitor"),
        ({**TIMES, "visitor": 999_999}, "visitor"),
        ({**TIMES, "visitor": "{visitor}", "expected_start": "tomorrow"}, "expected_start"),
        ({**TIMES, "visitor": "{visitor}", "expected_start": "2027-06-01T11:00:00Z"}, "expected_end"),
        ({**TIMES, "visitor": "{visitor}", "host": 999_999}, "host"),
        ({**TIMES, "visitor": "{visitor}", "purpose": "x" * 201}, "purpose"),
    ],
)
def test_bad_input_is_400_with_field_messages_and_stores_nothing(acme, acme_api, acme_objects, payload, field):
    payload = {k: (acme_objects.visitor.pk if v == "{visitor}" else v) for k, v in payload.items()}
    with tenant_context(acme):
        before = Visit.objects.count()
    response = acme_api.post("/api/v1/visits/", payload, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == [field] and response.json()[field][0]
    with tenant_context(acme):
        assert Visit.objects.count() == before


@pytest.mark.parametrize("moment", ["1850-06-01T09:00:00Z", "1999-12-31T23:59:59Z", "2100-01-01T00:00:00Z"])
def test_a_visit_time_outside_2000_to_2099_is_refused_on_its_field(acme_api, acme_objects, moment):
    """Before 1892 Brussels' offset has seconds, which the RFC 3339 answer cannot carry (found by the fuzz run)."""
    payload = {**TIMES, "visitor": acme_objects.visitor.pk, "expected_start": moment}
    response = acme_api.post("/api/v1/visits/", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"expected_start": ["Enter a time in the years 2000 to 2099."]}
    response = acme_api.patch(f"/api/v1/visits/{acme_objects.visit.pk}/", {"expected_end": moment},
                              content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and list(response.json()) == ["expected_end"]


def test_a_globex_visitor_id_cannot_be_used_to_register_at_acme(acme_api, acme_objects, globex_objects):
    fresh = globex_objects.visitor.pk + 10_000
    response = acme_api.post(
        "/api/v1/visits/",
        {"visitor": fresh, "expected_start": "2027-06-01T09:00:00Z", "expected_end": "2027-06-01T10:00:00Z"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "visitor" in response.json()


def test_the_list_filters_by_date_state_and_host_and_pages(acme, acme_api, acme_objects):
    visit = acme_objects.visit
    found = acme_api.get(f"/api/v1/visits/?date_from=2027-05-04&date_to=2027-05-04&host={acme_objects.host.pk}").json()
    assert [v["id"] for v in found["results"]] == [visit.pk]
    assert acme_api.get("/api/v1/visits/?date_from=2027-05-05").json()["count"] == 0 or visit.pk not in [
        v["id"] for v in acme_api.get("/api/v1/visits/?date_from=2027-05-05&page_size=200").json()["results"]
    ]
    cancelled = acme_api.get(f"/api/v1/visits/?state=cancelled&host={acme_objects.host.pk}").json()
    assert cancelled["count"] == 0
    page = acme_api.get("/api/v1/visits/?page_size=1").json()
    assert len(page["results"]) == 1 and page["count"] >= 5 and page["next"]


def test_the_date_filter_takes_the_first_and_the_last_day_of_the_calendar(acme_api, acme_objects):
    """9999-12-31 has no next day to compare with: the list answers instead of a 500 (found by the fuzz run)."""
    ids = [v["id"] for v in acme_api.get("/api/v1/visits/?date_from=0001-01-01&date_to=9999-12-31&page_size=200")
           .json()["results"]]  # fmt: skip
    assert acme_objects.visit.pk in ids
    late = acme_api.post("/api/v1/visits/", {"visitor": acme_objects.visitor.pk, "expected_start":
                         "2027-05-04T23:59:59+02:00", "expected_end": "2027-05-05T00:30:00+02:00"},
                         content_type="application/json").json()["id"]  # fmt: skip
    on_the_day = acme_api.get("/api/v1/visits/?date_from=2027-05-04&date_to=2027-05-04").json()["results"]
    assert [v["id"] for v in on_the_day] == [late, acme_objects.visit.pk]  # the day ends at its own midnight
    assert late not in [v["id"] for v in acme_api.get("/api/v1/visits/?date_to=2027-05-03").json()["results"]]


def test_an_empty_filter_or_page_is_read_as_not_given(acme_api, acme_objects):
    """As DRF reads HTML forms, and as the schema says with `allowEmptyValue`."""
    everything = acme_api.get("/api/v1/visits/").json()
    assert acme_api.get("/api/v1/visits/?date_from=&date_to=&state=&host=&page=&page_size=").json() == everything
    assert acme_api.get("/api/v1/visits/?page_size=500").json() == everything  # more than 200 is pages of 200


def test_bodies_are_json_only(acme, acme_api, acme_objects):
    """A cross-site HTML form cannot post to the API, even with a session; a form body is a 415."""
    response = acme_api.post("/api/v1/visits/", {**TIMES, "visitor": acme_objects.visitor.pk})  # multipart
    assert response.status_code == 415
    form = acme_api.patch(f"/api/v1/visitors/{acme_objects.visitor.pk}/", "first_name=Eve",
                          content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert form.status_code == 415


@pytest.mark.parametrize(
    ("query", "field"),
    [("date_from=yesterday", "date_from"), ("state=gone", "state"), ("host=abc", "host"),
     ("date_from=2027-05-05&date_to=2027-05-04", "date_to"), ("page_size=abc", "page_size"),
     ("page_size=0", "page_size"), ("page_size=1.5", "page_size")],
)  # fmt: skip
def test_a_bad_filter_is_400_with_the_field(acme_api, acme_objects, query, field):
    response = acme_api.get(f"/api/v1/visits/?{query}")
    assert response.status_code == 400 and field in response.json()


def test_the_transitions_call_the_services_and_refuse_illegal_ones(acme, acme_api, acme_objects):
    url = f"/api/v1/visits/{acme_objects.visit.pk}"
    refused = acme_api.post(f"{url}/check-out/")
    assert refused.status_code == 409  # a conflict with the visit's state, not a malformed request
    assert refused.json()["detail"] == "This visitor never checked in, so cannot check out."
    checked_in = acme_api.post(f"{url}/check-in/")
    assert checked_in.status_code == 200 and checked_in.json()["state"] == "on_site"
    assert checked_in.json()["checked_in_at"]
    assert acme_api.post(f"{url}/check-in/").json()["detail"] == "This visitor is already checked in."
    assert acme_api.post(f"{url}/cancel/").status_code == 409
    assert acme_api.post(f"{url}/check-out/").json()["state"] == "left"
    with tenant_context(acme):
        kinds = list(VisitEvent.objects.filter(visit_id=acme_objects.visit.pk).values_list("kind", flat=True))
    assert kinds == ["registered", "checked_in", "checked_out"]


def test_cancel_and_no_show(acme_api, acme_objects):
    url = f"/api/v1/visits/{acme_objects.visit.pk}"
    assert acme_api.post(f"{url}/cancel/").json()["state"] == "cancelled"
    assert acme_api.post(f"{url}/no-show/").json()["detail"] == "Only an expected visit can be marked as a no-show."


def test_it_changes_purpose_and_host_and_reschedules(acme, acme_api, acme_objects):
    url = f"/api/v1/visits/{acme_objects.visit.pk}/"
    response = acme_api.patch(
        url,
        {
            "purpose": "Second interview",
            "host": None,
            "expected_start": "2027-05-04T13:00:00Z",
            "expected_end": "2027-05-04T14:00:00Z",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["purpose"] == "Second interview" and body["host"] is None
    assert body["expected_start"].startswith("2027-05-04T15:00:00")  # shown in Brussels time
    refused = acme_api.patch(url, {"expected_end": "2027-05-04T12:00:00Z"}, content_type="application/json")  # < start
    assert refused.status_code == 400 and "expected_end" in refused.json()


def test_a_visit_that_has_started_cannot_be_rescheduled(acme_api, acme_objects):
    url = f"/api/v1/visits/{acme_objects.visit.pk}/"
    acme_api.post(f"{url}check-in/")
    response = acme_api.patch(url, {"expected_start": "2027-05-04T09:00:00Z"}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["detail"] == "Only an expected visit can be rescheduled."


def test_the_portal_session_works_too_with_csrf(acme_admin, acme_objects):
    assert acme_admin.get(f"/api/v1/visits/{acme_objects.visit.pk}/").json()["code"] == ""  # only its digest is kept
