"""Desk staff pair a tablet with a one-time code; unpaired and revoked browsers get the pairing screen only."""

import datetime as dt
import hashlib
import re

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.operations.encryption import code_digest, code_digests
from tenant_apps.kiosk.device import DEVICE_COOKIE
from tenant_apps.kiosk.models import Kiosk, PairingCode
from tenant_apps.kiosk.tokens import device_token_hash
from tests.kiosk.conftest import choose_language, kiosk_client, walk_in

KIOSK_SCREENS = [
    "/kiosk/",
    "/kiosk/menu/",
    "/kiosk/walk-in/",
    "/kiosk/walk-in/host/",
    "/kiosk/walk-in/details/",
    "/kiosk/invitation/",
    "/kiosk/invitation/confirm/",
    "/kiosk/check-out/",
    "/kiosk/done/",
    "/kiosk/badge/",
]


def _new_code(desk, name: str = "Lobby left") -> str:
    response = desk.post("/desk/kiosks/", {"kiosk_name": name}, follow=True)
    assert response.status_code == 200
    return re.findall(r"data-pairing-code>(\w+)<", response.content.decode())[0]


def test_it_pairs_a_tablet_with_a_code_from_the_desk(tower_desk, client_for, tower_reception):
    code = _new_code(tower_desk)
    tablet = client_for("tower.localhost")
    assert tablet.get("/kiosk/")["Location"] == "/kiosk/pair/"
    response = tablet.post("/kiosk/pair/", {"code": code.lower()})
    assert response.status_code == 302 and response["Location"] == "/kiosk/"
    cookie = response.cookies[DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["domain"] == ""
    assert len(cookie.value) >= 40
    with tenant_context(tower_reception):
        kiosk = Kiosk.objects.get(name="Lobby left")
        assert kiosk.token_hash == device_token_hash(cookie.value) and cookie.value not in kiosk.token_hash
        assert PairingCode.objects.get(code_digest__in=code_digests(code)).used_at is not None
    assert tablet.get("/kiosk/").status_code == 200
    assert "Lobby left" in tower_desk.get("/desk/kiosks/").content.decode()


def test_the_pairing_code_is_shown_once_and_stored_only_as_a_keyed_digest(tower_desk, tower_reception):
    code = _new_code(tower_desk, "Lobby right")
    again = tower_desk.get("/desk/kiosks/").content.decode()
    assert "Lobby right" in again and code not in again  # still pending, but no page shows the code again
    with tenant_context(tower_reception):
        stored = PairingCode.objects.get(kiosk_name="Lobby right")
        assert stored.code_digest == code_digest(code) and code not in stored.code_digest
        assert stored.code_digest != hashlib.sha256(code.encode()).hexdigest()  # keyed: a dump tests no guess


def test_a_pairing_code_works_once(tower_desk, client_for):
    code = _new_code(tower_desk)
    assert client_for("tower.localhost").post("/kiosk/pair/", {"code": code}).status_code == 302
    second = client_for("tower.localhost").post("/kiosk/pair/", {"code": code})
    assert second.status_code == 200 and DEVICE_COOKIE not in second.cookies
    assert "wrong, used or expired" in second.content.decode()


def test_an_expired_pairing_code_is_refused(tower_desk, client_for, tower_reception):
    code = _new_code(tower_desk)
    with tenant_context(tower_reception):
        PairingCode.objects.filter(code_digest__in=code_digests(code)).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
    response = client_for("tower.localhost").post("/kiosk/pair/", {"code": code})
    assert response.status_code == 200 and DEVICE_COOKIE not in response.cookies


def test_a_code_of_tower_does_not_pair_a_tablet_in_harbour(tower_desk, client_for):
    code = _new_code(tower_desk)
    response = client_for("harbour.localhost").post("/kiosk/pair/", {"code": code})
    assert response.status_code == 200 and DEVICE_COOKIE not in response.cookies


def test_pairing_attempts_are_throttled(tower_desk, client_for):
    tablet = client_for("tower.localhost")
    for _ in range(10):
        tablet.post("/kiosk/pair/", {"code": "WRONG1"})
    code = _new_code(tower_desk)
    response = tablet.post("/kiosk/pair/", {"code": code})
    assert response.status_code == 200 and "Too many attempts" in response.content.decode()


@pytest.mark.parametrize("url", KIOSK_SCREENS)
def test_an_unpaired_browser_gets_the_pairing_screen_and_nothing_else(client_for, url):
    tablet = client_for("tower.localhost")
    for response in (tablet.get(url), tablet.post(url, {"company": 1, "code": "ABCDEFGH"})):
        assert response.status_code == 302 and response["Location"] == "/kiosk/pair/"
        assert response.content == b""
    page = tablet.get("/kiosk/pair/")
    assert "Pair this kiosk" in page.content.decode() and "Acme" not in page.content.decode()


def test_a_forged_token_gets_nothing(client_for, tower):
    tablet = kiosk_client(client_for, tower, "x" * 43)
    assert tablet.get("/kiosk/menu/")["Location"] == "/kiosk/pair/"


def test_a_revoked_kiosk_gets_the_pairing_screen_on_its_next_request(kiosk_tower, tower_desk, tower_device, globex):
    choose_language(kiosk_tower)
    assert kiosk_tower.get("/kiosk/walk-in/").status_code == 200
    asked = tower_desk.post(f"/desk/kiosks/{tower_device[0].pk}/revoke/")  # the list's button: asks first
    assert asked.status_code == 200 and 'name="confirm" value="yes"' in asked.content.decode()
    assert kiosk_tower.get("/kiosk/walk-in/").status_code == 200  # a single POST revoked nothing
    response = tower_desk.post(f"/desk/kiosks/{tower_device[0].pk}/revoke/", {"confirm": "yes"})
    assert response.status_code == 302
    for url in KIOSK_SCREENS:
        assert kiosk_tower.get(url)["Location"] == "/kiosk/pair/"
    responses = walk_in(kiosk_tower, globex, first_name="Rex", last_name="Revoked")
    assert all("Rex" not in r.content.decode() for r in responses)
    assert "revoked" in tower_desk.get("/desk/kiosks/").content.decode()


def test_a_kiosk_of_harbour_is_worthless_in_tower(client_for, tower, harbour):
    from tests.kiosk.conftest import pair_device

    _, token = pair_device(harbour)
    assert kiosk_client(client_for, harbour, token).get("/kiosk/").status_code == 200
    assert kiosk_client(client_for, tower, token).get("/kiosk/")["Location"] == "/kiosk/pair/"


def test_the_desk_pages_are_for_the_buildings_desk_only(client_for, kiosk_tower, harbour_desk, tower_device):
    anonymous = client_for("tower.localhost")
    assert anonymous.get("/desk/kiosks/")["Location"].startswith("/accounts/login/")
    assert anonymous.post(f"/desk/kiosks/{tower_device[0].pk}/revoke/")["Location"].startswith("/accounts/login/")
    assert kiosk_tower.get("/desk/kiosks/")["Location"].startswith("/accounts/login/")
    # Harbour's desk works in harbour's schema: tower's kiosk does not exist there.
    assert harbour_desk.post(f"/desk/kiosks/{tower_device[0].pk}/revoke/", {"confirm": "yes"}).status_code == 404
    assert client_for("acme.localhost").get("/desk/kiosks/").status_code == 404
    assert client_for("acme.localhost").get("/kiosk/").status_code == 404


def test_a_company_user_cannot_open_the_kiosk_pages(acme_admin):
    assert acme_admin.get("/desk/kiosks/").status_code == 404


def test_revoking_and_pairing_are_audited_without_personal_data(tower_desk, tower_device):
    from shared_apps.audit.models import AuditEntry

    tower_desk.post(f"/desk/kiosks/{tower_device[0].pk}/revoke/", {"confirm": "yes"})
    entry = AuditEntry.objects.filter(action="kiosk.revoke").first()
    assert entry is not None and entry.object_ids == {"kiosk": [tower_device[0].pk]}
    assert AuditEntry.objects.filter(action="kiosk.pair", object_ids__kiosk=[tower_device[0].pk]).exists()


def test_a_desk_session_alone_is_not_a_kiosk(tower_desk):
    assert tower_desk.get("/kiosk/menu/")["Location"] == "/kiosk/pair/"


def test_the_reminder_switch_is_for_the_buildings_desk_only(client_for, harbour_desk, tower_reception):
    from tenant_apps.kiosk.models import KioskSettings

    anonymous = client_for("tower.localhost").post("/desk/kiosks/options/", {})
    assert anonymous["Location"].startswith("/accounts/login/")
    assert harbour_desk.post("/desk/kiosks/options/", {}).status_code == 302
    with tenant_context(tower_reception):
        assert not KioskSettings.objects.filter(remind_hosts_before_auto_checkout=False).exists()
