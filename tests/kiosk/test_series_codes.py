"""A visit over several days: its one code checks in and out on each day of the series, at the kiosk and the desk,
and on no other day; cancelled days and the rest of a series."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.tenancy.models import Tenant
from tenant_apps.visits.models import Visit, Visitor, VisitSeries
from tenant_apps.visits.selectors import series_visits
from tenant_apps.visits.series import visit_series_cancel_rest, visit_series_register
from tenant_apps.visits.services import Actor, SeriesPattern, VisitStateError, visit_cancel
from tests.kiosk.conftest import check_out, invited_check_in, pair_device, rate_counters_clear

STAFF = Actor(label="admin@acme.example", channel=Visit.Channel.INVITATION)
MONDAY = dt.date(2027, 3, 1)  # a Monday, well ahead


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def make_series(company: Tenant, *, first: dt.date = MONDAY, last: dt.date | None = None, weekdays: str = "12345"):
    """A series 9:00-17:00 from `first` to `last` (Friday of that week by default); its code in clear."""
    with tenant_context(company):
        visitor = Visitor.objects.create(first_name="Serena", last_name="Series", email="serena@example.org")
        first_day = visit_series_register(
            visitor=visitor, host=None, expected_start=_local(first, 9), expected_end=_local(first, 17),
            pattern=SeriesPattern(last_day=last or first + dt.timedelta(days=4), weekdays=weekdays),
            purpose="Audit", actor=STAFF,
        )  # fmt: skip
        series = first_day.series
        assert series is not None
        days = series_visits(series.pk)
    return series, days


def _code_of(company: Tenant, series: VisitSeries) -> str:
    """The series' code in clear: drawn again as the invitation does (every day shares the new one)."""
    from tenant_apps.visits.services import CodeReason, visit_code_reissue

    with tenant_context(company):
        return visit_code_reissue(visit=series_visits(series.pk)[0], actor="test", reason=CodeReason.INVITATION)


def _states(company: Tenant, series: VisitSeries) -> list[str]:
    with tenant_context(company):
        return [visit.state for visit in series_visits(series.pk)]


def test_a_series_is_one_visit_per_chosen_day_sharing_one_code(acme):
    series, days = make_series(acme, first=MONDAY, last=MONDAY + dt.timedelta(days=11), weekdays="135")
    assert [timezone.localtime(v.expected_start).date().isoweekday() for v in days] == [1, 3, 5, 1, 3, 5]
    assert all(timezone.localtime(v.expected_start).time() == dt.time(9) for v in days)
    assert len({v.code_digest for v in days}) == 1
    assert (series.first_day, series.last_day) == (MONDAY, MONDAY + dt.timedelta(days=11))


def test_one_code_checks_in_and_out_at_the_kiosk_on_each_day_and_on_no_other(client_for, tower, acme):
    series, _days = make_series(acme)  # Monday to Friday
    code = _code_of(acme, series)
    outside = [MONDAY - dt.timedelta(days=1), MONDAY + dt.timedelta(days=5)]  # the Sunday before, the Saturday after
    for day in outside:
        rate_counters_clear()
        with time_machine.travel(_local(day, 10), tick=False):
            kiosk = client_for(f"{tower.slug}.localhost")
            kiosk.cookies["checkin_kiosk"] = pair_device(tower)[1]
            answer = invited_check_in(kiosk, code)[1].content.decode()
            assert "not valid today" in answer
    for index, day in enumerate([MONDAY + dt.timedelta(days=n) for n in range(5)]):
        rate_counters_clear()
        with time_machine.travel(_local(day, 8, 30), tick=False):
            kiosk = client_for(f"{tower.slug}.localhost")
            kiosk.cookies["checkin_kiosk"] = pair_device(tower)[1]
            done = invited_check_in(kiosk, code)[2]
            assert done.redirect_chain[-1][0] == "/kiosk/done/", day
            assert _states(acme, series)[index] == Visit.State.ON_SITE
            assert check_out(kiosk, code)[1].status_code == 200
        expected = [Visit.State.LEFT] * (index + 1) + [Visit.State.EXPECTED] * (4 - index)
        assert _states(acme, series) == expected
    assert _states(acme, series) == [Visit.State.LEFT] * 5


def test_the_desk_finds_the_days_visit_by_the_series_code_and_checks_it_in(client_for, tower, acme):
    series, days = make_series(acme)
    code = _code_of(acme, series)
    wednesday = MONDAY + dt.timedelta(days=2)
    with time_machine.travel(_local(wednesday, 9, 5), tick=False):
        desk = client_for("tower.localhost").sign_in("desk@tower.example")
        found = desk.post("/desk/", {"q": code}).context["visits"]
        assert [(v.company_slug, v.visit_id) for v in found] == [("acme", days[2].pk)]
        desk.post(f"/desk/visits/acme/{days[2].pk}/check-in/", {"notice_accepted": "on"})
        assert _states(acme, series)[2] == Visit.State.ON_SITE
    with time_machine.travel(_local(wednesday + dt.timedelta(days=7), 9, 5), tick=False):
        desk = client_for("tower.localhost").sign_in("desk@tower.example")
        assert desk.post("/desk/", {"q": code}).context["visits"] == []  # a week later: not on the board


def test_a_cancelled_day_is_unknown_at_the_kiosk_and_the_other_days_still_work(client_for, tower, acme):
    series, days = make_series(acme)
    code = _code_of(acme, series)
    with tenant_context(acme):
        visit_cancel(visit=days[1], actor=STAFF)
    assert _states(acme, series) == ["expected", "cancelled", "expected", "expected", "expected"]
    for day, works in ((MONDAY + dt.timedelta(days=1), False), (MONDAY + dt.timedelta(days=2), True)):
        rate_counters_clear()
        with time_machine.travel(_local(day, 9), tick=False):
            kiosk = client_for(f"{tower.slug}.localhost")
            kiosk.cookies["checkin_kiosk"] = pair_device(tower)[1]
            responses = invited_check_in(kiosk, code)
            assert (responses[2].redirect_chain[-1][0] == "/kiosk/done/") is works


def test_cancelling_the_rest_cancels_this_day_and_every_later_one_still_expected(acme):
    series, days = make_series(acme)
    with tenant_context(acme):
        Visit.objects.filter(pk=days[0].pk).update(state=Visit.State.LEFT)
        cancelled = visit_series_cancel_rest(visit=days[2], actor=STAFF)
        assert [v.pk for v in cancelled] == [v.pk for v in days[2:]]
    assert _states(acme, series) == ["left", "expected", "cancelled", "cancelled", "cancelled"]
    with tenant_context(acme), pytest.raises(VisitStateError):
        visit_series_cancel_rest(visit=days[3], actor=STAFF)


def test_a_series_is_bounded(acme):
    with tenant_context(acme):
        visitor = Visitor.objects.create(first_name="Long", last_name="Stay")
        series_before = VisitSeries.objects.count()
        for last, weekdays, message in (
            (MONDAY + dt.timedelta(days=90), "12345", "90 days at most"),
            (MONDAY - dt.timedelta(days=1), "12345", "on or after the day of arrival"),
            (MONDAY + dt.timedelta(days=1), "67", "No day between"),
            (MONDAY + dt.timedelta(days=4), "", "at least one weekday"),
        ):
            with pytest.raises(VisitStateError, match=message):
                visit_series_register(
                    visitor=visitor, host=None, expected_start=_local(MONDAY, 9), expected_end=_local(MONDAY, 17),
                    pattern=SeriesPattern(last_day=last, weekdays=weekdays), purpose="", actor=STAFF,
                )  # fmt: skip
        assert VisitSeries.objects.count() == series_before and not Visit.objects.filter(visitor=visitor).exists()


def test_a_series_over_89_days_every_day_holds_too_many_visits(acme):
    with tenant_context(acme):
        visitor = Visitor.objects.create(first_name="Every", last_name="Day")
        with pytest.raises(VisitStateError, match="60 visits at most"):
            visit_series_register(
                visitor=visitor, host=None, expected_start=_local(MONDAY, 9), expected_end=_local(MONDAY, 17),
                pattern=SeriesPattern(last_day=MONDAY + dt.timedelta(days=70), weekdays="1234567"),
                purpose="", actor=STAFF,
            )  # fmt: skip


def test_a_badge_code_is_the_days_alone_and_the_series_code_still_opens_the_other_days(acme):
    from tenant_apps.visits.services import CodeReason, visit_code_reissue

    series, days = make_series(acme)
    with tenant_context(acme):
        visit_code_reissue(visit=days[0], actor="test", reason=CodeReason.BADGE)
        digests = [v.code_digest for v in series_visits(series.pk)]
    assert digests[0] != digests[1] and len(set(digests[1:])) == 1
