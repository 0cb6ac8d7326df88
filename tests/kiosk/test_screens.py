"""Kiosk screens keep nothing: no-store, no personal data in URLs or titles, reset means reset, badge print view."""

import datetime as dt
import re
from pathlib import Path

import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import signing
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.tenancy.models import Tenant
from tenant_apps.kiosk.state import STATE_COOKIE, STATE_MAX_SECONDS
from tests.kiosk.conftest import invite, invited_check_in, kiosk_client, pair_device, walk_in

SECRET_DETAILS = {
    "first_name": "Quentin",
    "last_name": "Quarantaine",
    "visitor_company": "Qwerty Corp",
    "email": "quentin@qwerty.example",
    "phone": "",
}


def _all_responses(client, acme, globex):
    responses = [client.get("/kiosk/pair/"), client.get("/kiosk/"), client.get("/kiosk/menu/")]
    responses += walk_in(client, globex, **SECRET_DETAILS)
    responses.append(client.get("/kiosk/badge/"))
    visit = invite(acme, first="Ivy", last="Invitee")
    responses += invited_check_in(client, visit.code)
    responses += [client.post("/kiosk/check-out/", {"code": visit.code}, follow=True)]
    responses += [
        client.post("/kiosk/reset/", follow=True),
        client.get("/kiosk/walk-in/"),
        client.get("/kiosk/invitation/"),
        client.get("/kiosk/check-out/"),
    ]
    return responses


def test_every_kiosk_response_says_no_store(kiosk_tower, acme, globex, client_for):
    responses = [*_all_responses(kiosk_tower, acme, globex), client_for("tower.localhost").get("/kiosk/badge/")]
    for response in responses:
        assert "no-store" in response["Cache-Control"], response.request["PATH_INFO"]
    redirect = kiosk_tower.post("/kiosk/language/", {"language": "en"})
    assert redirect.status_code == 302 and "no-store" in redirect["Cache-Control"]


def test_no_personal_data_in_urls_or_titles(kiosk_tower, acme, globex):
    for response in _all_responses(kiosk_tower, acme, globex):
        urls = [url for url, _ in getattr(response, "redirect_chain", [])] + [response.request["PATH_INFO"]]
        query = response.request.get("QUERY_STRING", "")
        title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
        for value in [*SECRET_DETAILS.values(), "Ivy", "Invitee"]:
            if value:
                assert all(value not in url for url in urls) and value not in query
                assert title is None or value not in title.group(1)


def test_every_kiosk_input_is_without_autocomplete(kiosk_tower, globex):
    pages = [kiosk_tower.get("/kiosk/pair/")]
    pages += walk_in(kiosk_tower, globex, first_name="", last_name="")  # the details form again, with errors
    pages += [kiosk_tower.get("/kiosk/invitation/"), kiosk_tower.get("/kiosk/check-out/")]
    for page in pages:
        html = page.content.decode()
        for field in re.findall(r"<input[^>]*type=\"(?:text|email)\"[^>]*>", html):
            assert 'autocomplete="off"' in field, field
    assert "datalist" not in "".join(page.content.decode() for page in pages)


def test_after_a_reset_the_previous_visitors_screens_show_the_start(kiosk_tower, globex):
    walk_in(kiosk_tower, globex, **SECRET_DETAILS)
    assert "Quentin" in kiosk_tower.get("/kiosk/done/").content.decode()
    assert "Quarantaine" in kiosk_tower.get("/kiosk/badge/").content.decode()
    kiosk_tower.post("/kiosk/reset/")
    for url in ["/kiosk/done/", "/kiosk/badge/", "/kiosk/walk-in/details/", "/kiosk/invitation/confirm/"]:
        response = kiosk_tower.get(url, follow=True)
        assert response.redirect_chain[-1][0] == "/kiosk/"
        assert "Quentin" not in response.content.decode()


def test_opening_the_start_screen_forgets_the_previous_visitor(kiosk_tower, globex):
    walk_in(kiosk_tower, globex, **SECRET_DETAILS)
    kiosk_tower.get("/kiosk/")
    assert kiosk_tower.get("/kiosk/badge/")["Location"] == "/kiosk/"


def test_the_state_of_one_device_is_not_readable_by_another(kiosk_tower, globex, client_for, tower):
    walk_in(kiosk_tower, globex, **SECRET_DETAILS)
    other = kiosk_client(client_for, tower, pair_device(tower, "Other")[1])
    other.cookies[STATE_COOKIE] = kiosk_tower.cookies[STATE_COOKIE].value
    response = other.get("/kiosk/badge/", follow=True)
    assert "Quentin" not in response.content.decode() and response.redirect_chain[-1][0] == "/kiosk/"


def test_a_changed_or_expired_state_cookie_counts_for_nothing(kiosk_tower, globex):
    walk_in(kiosk_tower, globex, **SECRET_DETAILS)
    assert kiosk_tower.get("/kiosk/badge/").status_code == 200
    signed = kiosk_tower.cookies[STATE_COOKIE].value
    kiosk_tower.cookies[STATE_COOKIE] = signed[:-2] + ("AA" if not signed.endswith("AA") else "BB")
    assert kiosk_tower.get("/kiosk/badge/")["Location"] == "/kiosk/"
    kiosk_tower.cookies[STATE_COOKIE] = signed
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=STATE_MAX_SECONDS + 1)):
        assert kiosk_tower.get("/kiosk/badge/")["Location"] == "/kiosk/"


def test_the_kiosk_keeps_no_session_in_the_database(kiosk_tower, globex, tower):
    """Its screen-to-screen state rides in a signed cookie: a check-in costs no session reads or writes."""
    reception = Tenant.objects.get(building=tower, type=Tenant.Type.RECEPTION)
    with tenant_context(reception):
        sessions = set(Session.objects.values_list("session_key", flat=True))
    walk_in(kiosk_tower, globex, **SECRET_DETAILS)
    assert settings.SESSION_COOKIE_NAME not in kiosk_tower.cookies
    state = kiosk_tower.cookies[STATE_COOKIE]
    assert state["httponly"] and state["samesite"] == "Strict"
    assert "Quentin" not in str(signing.loads(state.value, salt="tenant_apps.kiosk.state"))  # ids only
    with tenant_context(reception):
        assert set(Session.objects.values_list("session_key", flat=True)) == sessions


def test_the_badge_has_name_companies_date_and_a_check_out_qr_sized_for_a_label(kiosk_tower, globex):
    walk_in(kiosk_tower, globex, **SECRET_DETAILS)
    page = kiosk_tower.get("/kiosk/badge/").content.decode()
    assert '>Quentin</span> <span class="badge-word">Quarantaine<' in page  # words never split
    assert "Qwerty Corp" in page and "Globex Consulting" in page
    assert "<svg" in page and "kiosk/badge.css" in page and "kiosk/badge-62x100.css" in page
    from django.contrib.staticfiles import finders

    css = Path(str(finders.find("kiosk/badge-62x100.css"))).read_text()
    assert "@page { size: 62mm 100mm" in css


def test_the_badge_speaks_the_visitors_language(kiosk_tower, globex):
    walk_in(kiosk_tower, globex, language="de", **SECRET_DETAILS)
    page = kiosk_tower.get("/kiosk/badge/").content.decode()
    assert 'lang="de"' in page and "Beim Gehen am Terminal scannen." in page and "Besucherausweis" in page


def test_the_confirmation_resets_itself(kiosk_tower, acme):
    visit = invite(acme, first="Rosa", last="Reset")
    done = invited_check_in(kiosk_tower, visit.code)[-1].content.decode()
    assert 'data-idle-reset="20"' in done and "data-reset-on-touch" in done and "kiosk/kiosk.js" in done
