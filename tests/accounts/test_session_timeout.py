"""Sessions end after inactivity (30 minutes at the desk) and after their absolute lifetime."""

import datetime as dt

import time_machine


def _signed_in(response) -> bool:
    return response.status_code == 200


def test_a_desk_session_ends_after_30_idle_minutes(tower_desk):
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as clock:
        assert _signed_in(tower_desk.get("/desk/"))
        clock.shift(dt.timedelta(minutes=29))
        assert _signed_in(tower_desk.get("/desk/"))
        clock.shift(dt.timedelta(minutes=31))
        response = tower_desk.get("/desk/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        assert tower_desk.get("/desk/").status_code == 302  # the session is gone, not just refused once


def test_a_company_session_lasts_longer_idle_but_not_forever(acme_admin):
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as clock:
        assert _signed_in(acme_admin.get("/"))
        clock.shift(dt.timedelta(minutes=45))
        assert _signed_in(acme_admin.get("/"))
        elapsed = dt.timedelta(minutes=45)
        while _signed_in(acme_admin.get("/")):  # active every 59 minutes: never idle too long
            clock.shift(dt.timedelta(minutes=59))
            elapsed += dt.timedelta(minutes=59)
            assert elapsed <= dt.timedelta(hours=13), "the session outlived its absolute lifetime"
        assert elapsed > dt.timedelta(hours=12)
