"""Two-factor authentication: TOTP codes (RFC 6238) and recovery codes; required for IT and desk staff, optional in
a company unless its admins require it."""

import datetime as dt
import io
import logging
import re

import pytest
import time_machine
from django.core.management import call_command
from django_tenants.utils import schema_context, tenant_context

from checkin.demo import DEMO_TOTP_SECRET
from shared_apps.accounts import totp
from shared_apps.accounts.models import RecoveryCode, TwoFactorDevice, User
from shared_apps.accounts.two_factor import device_set
from shared_apps.audit.models import AuditEntry
from tenant_apps.visits.selectors import company_settings
from tests.conftest import PASSWORD
from tests.two_factor import code_for

RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of "12345678901234567890", RFC 6238 appendix B


@pytest.mark.parametrize(
    ("timestamp", "code"),
    [(59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"), (1234567890, "89005924"),
     (2000000000, "69279037"), (20000000000, "65353130")],
)  # fmt: skip
def test_codes_match_the_rfc_6238_test_vectors(timestamp, code):
    assert totp.code_at(RFC_SECRET, totp.step_at(timestamp), digits=8) == code


def test_a_code_is_accepted_one_step_either_side_of_now_and_no_further():
    now = 1_800_000_000.0
    step = totp.step_at(now)
    for offset in (-1, 0, 1):
        assert totp.matching_step(RFC_SECRET, totp.code_at(RFC_SECRET, step + offset), now) == step + offset
    for offset in (-2, 2):
        assert totp.matching_step(RFC_SECRET, totp.code_at(RFC_SECRET, step + offset), now) is None


def _password(client, email: str):
    return client.post("/accounts/login/", {"username": email, "password": PASSWORD})


def test_it_staff_type_a_code_after_the_password_and_are_not_signed_in_before(client_for):
    client = client_for("localhost")
    assert _password(client, "it@checkin.example")["Location"] == "/accounts/two-factor/"
    assert client.get("/console/companies/")["Location"].startswith("/accounts/login/")  # the password alone: no
    assert client.get("/admin/").status_code == 302
    response = client.post("/accounts/two-factor/", {"code": code_for("public", "it@checkin.example")})
    assert response["Location"] == "/"
    assert client.get("/console/companies/").status_code == 200


def test_the_code_step_keeps_where_the_user_was_going(client_for):
    client = client_for("localhost")
    client.post("/accounts/login/", {"username": "it@checkin.example", "password": PASSWORD,
                                     "next": "/console/audit/"})  # fmt: skip
    response = client.post("/accounts/two-factor/", {"code": code_for("public", "it@checkin.example")})
    assert response["Location"] == "/console/audit/"


def test_a_code_works_once(client_for):
    first, second = client_for("tower.localhost"), client_for("tower.localhost")
    for client in (first, second):
        assert _password(client, "desk@tower.example")["Location"] == "/accounts/two-factor/"
    code = code_for("tower", "desk@tower.example")
    assert first.post("/accounts/two-factor/", {"code": code}).status_code == 302
    replay = second.post("/accounts/two-factor/", {"code": code})
    assert replay.status_code == 200 and "already used" in replay.content.decode()
    assert second.get("/desk/").status_code == 302


def test_a_session_waiting_for_its_code_expires(client_for):
    client = client_for("localhost")
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as clock:
        _password(client, "it@checkin.example")
        clock.shift(dt.timedelta(minutes=11))
        assert client.get("/accounts/two-factor/")["Location"] == "/accounts/login/"


def _enrol(client, schema: str, email: str) -> list[str]:
    """Set up the app from the page shown (its secret read from the page, as a person would type it)."""
    page = client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200
    html = page.content.decode()
    shown = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', html)
    assert "<svg" in html and shown is not None
    secret = shown.group(1).replace(" ", "")
    with schema_context(schema):
        assert TwoFactorDevice.objects.get(user__email=email).secret == secret
    response = client.post("/accounts/two-factor/setup/", {"code": totp.code_at(secret, totp.step_at())})
    assert response.status_code == 200 and response["Cache-Control"].startswith("no-store")
    return response.context["codes"]


def test_a_new_it_account_sets_up_its_app_before_any_page(client_for):
    User.objects.create_user("new.it@checkin.example", PASSWORD, full_name="New IT", role=User.Role.IT)
    client = client_for("localhost")
    assert _password(client, "new.it@checkin.example")["Location"] == "/accounts/two-factor/setup/"
    assert client.get("/")["Location"].startswith("/accounts/login/")
    codes = _enrol(client, "public", "new.it@checkin.example")
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/").status_code == 200
    stored = list(RecoveryCode.objects.filter(user__email="new.it@checkin.example").values_list("code_hash", flat=True))
    assert len(stored) == 10 and not any(code.replace("-", "") in h for code in codes for h in stored)
    assert AuditEntry.objects.filter(action="two_factor.enabled", actor="new.it@checkin.example").exists()


def test_a_new_desk_account_must_set_up_its_app_too(client_for, tower_reception):
    with tenant_context(tower_reception):
        User.objects.create_user("new.desk@tower.example", PASSWORD, full_name="New Desk", role=User.Role.DESK)
    client = client_for("tower.localhost")
    assert _password(client, "new.desk@tower.example")["Location"] == "/accounts/two-factor/setup/"
    wrong = client.post("/accounts/two-factor/setup/", {"code": "123456"})
    assert "not right" in wrong.content.decode()
    _enrol(client, "tower", "new.desk@tower.example")
    assert client.get("/desk/").status_code == 200


def test_a_recovery_code_signs_in_once(client_for):
    User.objects.create_user("rescue@checkin.example", PASSWORD, full_name="Rescue", role=User.Role.IT)
    client = client_for("localhost")
    _password(client, "rescue@checkin.example")
    codes = _enrol(client, "public", "rescue@checkin.example")
    again = client_for("localhost")
    _password(again, "rescue@checkin.example")
    response = again.post("/accounts/two-factor/", {"code": codes[3].upper().replace("-", " ")}, follow=True)
    assert response.status_code == 200 and "9 are left" in response.content.decode()
    entry = AuditEntry.objects.get(action="two_factor.recovery_code_used")
    assert entry.details == {"left": 9}
    third = client_for("localhost")
    _password(third, "rescue@checkin.example")
    assert third.post("/accounts/two-factor/", {"code": codes[3]}).status_code == 200  # used up


def test_a_company_account_signs_in_with_its_password_alone_until_it_turns_two_factor_on(acme, acme_member, client_for):
    assert 'href="/accounts/security/"' in acme_member.get("/").content.decode()  # the name in the top bar
    page = acme_member.get("/accounts/security/").content.decode()
    assert "Off" in page and "/accounts/two-factor/setup/" in page
    codes = _enrol(acme_member, "acme", "member@acme.example")
    assert acme_member.get("/").status_code == 200  # the session that turned it on goes on
    later = client_for("acme.localhost")
    assert _password(later, "member@acme.example")["Location"] == "/accounts/two-factor/"
    assert later.post("/accounts/two-factor/", {"code": codes[0]}).status_code == 302

    new_codes = acme_member.post("/accounts/security/recovery-codes/", {"regenerate-code": codes[1]})
    assert new_codes.status_code == 200 and len(new_codes.context["codes"]) == 10
    assert not set(new_codes.context["codes"]) & set(codes)
    refused = acme_member.post("/accounts/security/two-factor/off/", {"disable-code": codes[2]})
    assert refused.status_code == 200 and "not right" in refused.content.decode()  # the old codes are gone
    off = acme_member.post("/accounts/security/two-factor/off/", {"disable-code": new_codes.context["codes"][0]})
    assert off["Location"] == "/accounts/security/"
    with tenant_context(acme):
        assert not TwoFactorDevice.objects.exists() and not RecoveryCode.objects.exists()
    actions = set(AuditEntry.objects.filter(tenant_schema="acme").values_list("action", flat=True))
    assert {"two_factor.enabled", "two_factor.recovery_codes_renewed", "two_factor.disabled"} <= actions
    client_for("acme.localhost").sign_in("member@acme.example")  # the password alone again


def test_it_and_desk_staff_cannot_turn_it_off(it_staff):
    page = it_staff.get("/accounts/security/").content.decode()
    assert "required for your account" in page and "/accounts/security/two-factor/off/" not in page
    code = code_for("public", "it@checkin.example")
    response = it_staff.post("/accounts/security/two-factor/off/", {"disable-code": code}, follow=True)
    assert "required for your account" in response.content.decode()
    assert TwoFactorDevice.objects.filter(user__email="it@checkin.example").exists()


def test_an_admin_requires_it_for_the_company_and_every_session_sets_it_up_first(acme, acme_admin, acme_member):
    refused = acme_admin.post("/settings/", {"require_two_factor": "on"})
    assert refused.status_code == 200 and "for your own account first" in refused.content.decode()
    with tenant_context(acme):
        assert company_settings().require_two_factor is False
    _enrol(acme_admin, "acme", "admin@acme.example")
    assert acme_admin.post("/settings/", {"require_two_factor": "on"}).status_code == 302
    with tenant_context(acme):
        assert company_settings().require_two_factor is True
    assert AuditEntry.objects.filter(action="settings.updated", details__require_two_factor=True).exists()
    assert 'name="require_two_factor"' in acme_admin.get("/settings/").content.decode()

    # The member's session began before: it reaches nothing but the set-up page now.
    assert acme_member.get("/")["Location"] == "/accounts/two-factor/setup/"
    assert acme_member.get("/api/v1/visits/")["Location"] == "/accounts/two-factor/setup/"
    page = acme_member.get("/accounts/two-factor/setup/").content.decode()
    assert "must use two-factor authentication" in page and 'href="/visits/upcoming/"' not in page  # no menu
    _enrol(acme_member, "acme", "member@acme.example")
    assert acme_member.get("/").status_code == 200
    refused_off = acme_member.post("/accounts/security/two-factor/off/", {"disable-code": "123456"}, follow=True)
    assert "required for your account" in refused_off.content.decode()


def test_a_session_without_the_code_is_signed_out_once_the_company_requires_it(acme, acme_member, client_for):
    with tenant_context(acme):
        device_set(user=User.objects.get(email="member@acme.example"), secret=DEMO_TOTP_SECRET)  # set up elsewhere
        settings = company_settings()
        settings.require_two_factor = True
        settings.save()
    assert acme_member.get("/")["Location"].startswith("/accounts/login/")
    assert acme_member.get("/")["Location"].startswith("/accounts/login/")  # signed out, not just sent away


def test_the_secret_and_codes_stay_out_of_the_logs(client_for, caplog):
    User.objects.create_user("quiet@checkin.example", PASSWORD, full_name="Quiet", role=User.Role.IT)
    client = client_for("localhost")
    with caplog.at_level(logging.DEBUG):
        _password(client, "quiet@checkin.example")
        codes = _enrol(client, "public", "quiet@checkin.example")
        again = client_for("localhost")
        _password(again, "quiet@checkin.example")
        again.post("/accounts/two-factor/", {"code": codes[0]})
    secret = TwoFactorDevice.objects.get(user__email="quiet@checkin.example").secret
    logged = caplog.text + repr(TwoFactorDevice.objects.get(user__email="quiet@checkin.example"))
    audited = str(list(AuditEntry.objects.values_list("details", "object_ids")))
    for text in (logged, audited):
        assert secret not in text and not any(code in text for code in codes)


def test_the_demo_gives_it_and_desk_a_published_secret_and_prints_its_code(client_for):
    with schema_context("public"):
        assert TwoFactorDevice.objects.get(user__email="it@checkin.example").secret == DEMO_TOTP_SECRET
    with schema_context("tower"):
        assert TwoFactorDevice.objects.get(user__email="desk@tower.example").secret == DEMO_TOTP_SECRET
    out = io.StringIO()
    call_command("demo_code", stdout=out)
    code = out.getvalue().split()[0]
    client = client_for("tower.localhost")
    _password(client, "desk@tower.example")
    assert client.post("/accounts/two-factor/", {"code": code})["Location"] == "/"


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "Configurer l\u2019authentification à deux facteurs"), ("nl", "Tweestapsverificatie instellen"),
     ("de", "Zwei-Faktor-Authentifizierung einrichten"), ("en", "Set up two-factor authentication")],
)  # fmt: skip
def test_the_pages_speak_the_users_language(acme_admin, language, words):
    acme_admin.post("/i18n/setlang/", {"language": language})
    assert words in acme_admin.get("/accounts/security/").content.decode()
    assert words in acme_admin.get("/accounts/two-factor/setup/").content.decode()
