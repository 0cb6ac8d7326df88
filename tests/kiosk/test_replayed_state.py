"""A copy of the kiosk's state cookie shows nothing once the kiosk was reset or the next visitor started.

The cookie names the kiosk's server-side nonce (tenant_apps/kiosk/state.py); resetting or starting replaces it,
so the server itself forgets the earlier state, not only the browser that got a new cookie.
"""

import pytest

from tenant_apps.kiosk.state import STATE_COOKIE
from tenant_apps.visits.models import Visit
from tests.kiosk.conftest import choose_language, invite, kiosk_client, visit_in, walk_in

SECRET = {"first_name": "Quentin", "last_name": "Quist", "visitor_company": "Quist BV"}


def _replayer(client_for, tower, token: str, state: str):
    """Another browser holding copies of the device's cookie and of an earlier state cookie."""
    copy = kiosk_client(client_for, tower, token)
    copy.cookies[STATE_COOKIE] = state
    return copy


@pytest.mark.parametrize(
    "forget",
    [
        lambda kiosk: kiosk.post("/kiosk/reset/"),
        lambda kiosk: kiosk.get("/kiosk/"),  # the done screen goes back to the start for the next visitor
        lambda kiosk: choose_language(kiosk),  # the next visitor starts
    ],
    ids=["reset", "start screen", "next visitor"],
)
def test_a_replayed_badge_cookie_shows_nothing_after_the_kiosk_moved_on(
    forget, kiosk_tower, tower_device, globex, client_for, tower
):
    walk_in(kiosk_tower, globex, **SECRET)
    copied = kiosk_tower.cookies[STATE_COOKIE].value
    before = _replayer(client_for, tower, tower_device[1], copied)
    assert "Quentin" in before.get("/kiosk/badge/").content.decode()  # the copy works until the kiosk moves on
    forget(kiosk_tower)
    replay = _replayer(client_for, tower, tower_device[1], copied)
    for screen in ("/kiosk/badge/", "/kiosk/done/"):
        response = replay.get(screen, follow=True)
        assert response.redirect_chain[-1][0] == "/kiosk/"
        assert "Quentin" not in response.content.decode() and "Quist" not in response.content.decode()


def test_a_replayed_pending_invitation_neither_shows_nor_checks_in_the_visitor(
    kiosk_tower, tower_device, acme, client_for, tower
):
    visit = invite(acme, first="Ivy", last="Invitee")
    choose_language(kiosk_tower)
    kiosk_tower.post("/kiosk/invitation/", {"code": visit.code})
    copied = kiosk_tower.cookies[STATE_COOKIE].value
    assert "Ivy" in kiosk_tower.get("/kiosk/invitation/confirm/").content.decode()
    kiosk_tower.post("/kiosk/reset/")
    replay = _replayer(client_for, tower, tower_device[1], copied)
    assert "Ivy" not in replay.get("/kiosk/invitation/confirm/", follow=True).content.decode()
    replay = _replayer(client_for, tower, tower_device[1], copied)
    response = replay.post("/kiosk/invitation/confirm/", {"accept_notice": "on"})
    assert response["Location"] == "/kiosk/"
    assert visit_in(acme, visit.pk).state == Visit.State.EXPECTED


def test_the_kiosk_itself_goes_on_through_every_step_with_its_own_cookie(kiosk_tower, globex):
    """The nonce changes at the start only: the steps of one visitor keep their state to the badge."""
    pages = walk_in(kiosk_tower, globex, **SECRET)
    assert pages[-1].redirect_chain[-1][0] == "/kiosk/done/"
    assert "Quentin" in kiosk_tower.get("/kiosk/badge/").content.decode()
