"""Sign-in records (shared_apps/accounts/signin_records.py): every sign-in, failure, lockout, wrong second-factor
code and password change is written in the schema of the host it happened on, with time, account (or the address
typed), client address and browser, and never a password or a code."""

import re

import pytest
from django.core import mail
from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from shared_apps.accounts.models import SignInRecord, User
from tests.conftest import PASSWORD
from tests.two_factor import code_for

Event = SignInRecord.Event
WRONG = "not-the-password-9"
NEW_PASSWORD = "a-fresh-passphrase-2027"
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux) TestBrowser/1.0", "REMOTE_ADDR": "198.51.100.23"}


def _records(schema: str) -> list[SignInRecord]:
    with schema_context(schema):
        return list(SignInRecord.objects.order_by("id"))


def _events(schema: str) -> list[tuple[str, str, bool]]:
    return [(r.event, r.identifier, r.user_id is not None) for r in _records(schema)]


def _no_secret_in_any_column(schema: str, *secrets: str) -> None:
    """Every column of every row, as text: none holds a password or a code typed."""
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute("SELECT t::text FROM accounts_signinrecord t")
        rows = [row[0] for row in cursor.fetchall()]
    assert rows
    for secret in secrets:
        assert not any(secret in row for row in rows), secret


def _login(client, email: str, password: str):
    return client.post("/accounts/login/", {"username": email, "password": password}, **BROWSER)


def test_a_sign_in_is_recorded_in_the_company_schema_with_address_and_browser(acme, client_for):
    client = client_for("acme.localhost")
    assert _login(client, "member@acme.example", PASSWORD).status_code == 302  # no second factor at acme
    (record,) = _records("acme")
    assert (record.event, record.identifier, record.ip) == (Event.SIGNED_IN, "member@acme.example", "198.51.100.23")
    assert record.user is not None and record.user.email == "member@acme.example" and "TestBrowser" in record.user_agent
    assert _records("public") == [] and _records("globex") == []  # only where the account lives
    _no_secret_in_any_column("acme", PASSWORD)


def test_failures_of_a_known_and_an_unknown_account_are_recorded_and_answered_alike(acme, client_for):
    known = _login(client_for("acme.localhost"), "member@acme.example", WRONG)
    unknown = _login(client_for("acme.localhost"), "Nobody@Acme.example", WRONG)
    assert known.status_code == unknown.status_code == 200
    assert _events("acme") == [
        (Event.FAILED, "member@acme.example", True),
        (Event.FAILED, "nobody@acme.example", False),
    ]
    _no_secret_in_any_column("acme", WRONG)


def test_the_failure_that_locks_and_the_attempts_refused_after_it_are_recorded(acme, client_for):
    client = client_for("acme.localhost")
    for _ in range(5):
        _login(client, "member@acme.example", WRONG)
    assert _login(client, "member@acme.example", PASSWORD).status_code == 429
    events = [event for event, _identifier, _known in _events("acme")]
    assert events == [Event.FAILED] * 5 + [Event.LOCKED_OUT, Event.REFUSED_LOCKED]
    _no_secret_in_any_column("acme", WRONG, PASSWORD)


def test_a_wrong_second_factor_code_is_recorded_in_the_reception_schema_then_the_sign_in(tower_reception, client_for):
    client = client_for("tower.localhost")
    assert _login(client, "desk@tower.example", PASSWORD)["Location"] == "/accounts/two-factor/"
    assert client.post("/accounts/two-factor/", {"code": "000000"}, **BROWSER).status_code == 200
    code = code_for("tower", "desk@tower.example")
    assert client.post("/accounts/two-factor/", {"code": code}, **BROWSER).status_code == 302
    assert _events("tower") == [
        (Event.TWO_FACTOR_FAILED, "desk@tower.example", True),
        (Event.SIGNED_IN, "desk@tower.example", True),
    ]
    _no_secret_in_any_column("tower", PASSWORD, "000000", code)


def test_it_sign_ins_are_recorded_in_public(client_for):
    client_for("localhost").sign_in("it@checkin.example")
    assert [event for event, _i, _k in _events("public")] == [Event.SIGNED_IN]


def test_a_password_change_and_a_reset_by_link_are_recorded(acme, acme_member, client_for):
    response = acme_member.post("/accounts/security/password/", {"old_password": PASSWORD,
                                "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, **BROWSER)  # fmt: skip
    assert response.status_code == 302
    client_for("acme.localhost").post("/accounts/password-reset/", {"email": "member@acme.example"})
    found = re.search(r"http://acme\.localhost(\S+)", str(mail.outbox[-1].body))
    assert found is not None
    link = found.group(1)
    browser = client_for("acme.localhost")
    form = browser.get(link, follow=True)
    browser.post(form.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    events = [event for event, _i, _k in _events("acme")]
    assert events == [Event.SIGNED_IN, Event.PASSWORD_CHANGED, Event.PASSWORD_RESET]
    _no_secret_in_any_column("acme", PASSWORD, NEW_PASSWORD)


@pytest.mark.parametrize("forwarded, expected", [("203.0.113.9", "203.0.113.9"), ("", "127.0.0.1")])
def test_the_address_is_the_one_the_audit_log_derives_behind_the_proxy(acme, client_for, forwarded, expected):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    client_for("acme.localhost").post(
        "/accounts/login/", {"username": "member@acme.example", "password": WRONG}, REMOTE_ADDR="127.0.0.1", **extra
    )
    assert [r.ip for r in _records("acme")] == [expected]


def test_an_account_of_another_schema_is_not_linked(acme, client_for):
    # admin@globex.example exists in globex, not in acme: on acme's host it is an unknown address.
    _login(client_for("acme.localhost"), "admin@globex.example", WRONG)
    ((event, identifier, known),) = _events("acme")
    assert (event, identifier, known) == (Event.FAILED, "admin@globex.example", False)
    with tenant_context(acme):
        assert not User.objects.filter(email="admin@globex.example").exists()


# --- who sees which records ------------------------------------------------------------------------------------------


def _shown(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_each_account_sees_its_own_records_only(acme, client_for):
    _login(client_for("acme.localhost"), "admin@acme.example", WRONG)
    member = client_for("acme.localhost").sign_in("member@acme.example")
    page = _shown(member.get("/accounts/security/sign-ins/"))
    assert "Signed in" in page and "198.51.100.23" not in page  # its own sign-in (from the test client's address)
    assert "Wrong e-mail address or password" not in page  # the admin's failure is not the member's
    assert "/accounts/security/sign-ins/" in _shown(member.get("/accounts/security/"))


def test_a_company_admin_sees_every_record_of_the_company_and_nothing_of_another(acme, client_for):
    _login(client_for("acme.localhost"), "ghost@acme.example", WRONG)
    _login(client_for("globex.localhost"), "admin@globex.example", WRONG)
    client_for("acme.localhost").sign_in("member@acme.example")
    admin = client_for("acme.localhost").sign_in("admin@acme.example")
    page = _shown(admin.get("/users/sign-ins/"))
    assert "ghost@acme.example" in page and "no account here" in page
    assert "member@acme.example" in page and "admin@globex.example" not in page
    assert "/users/sign-ins/" in _shown(admin.get("/users/"))
    globex = client_for("globex.localhost").sign_in("admin@globex.example")
    assert "ghost@acme.example" not in _shown(globex.get("/users/sign-ins/"))
    # A member manages no one: the list is not theirs (404), as the Users page is not.
    assert client_for("acme.localhost").sign_in("member@acme.example").get("/users/sign-ins/").status_code == 404


def test_the_desk_sees_its_buildings_desk_accounts(tower_reception, client_for):
    _login(client_for("harbour.localhost"), "desk@harbour.example", WRONG)
    desk = client_for("tower.localhost").sign_in("desk@tower.example")
    page = _shown(desk.get("/desk/staff/sign-ins/"))
    assert "desk@tower.example" in page and "desk@harbour.example" not in page


def test_it_sees_its_own_and_any_tenants_records_and_each_look_is_audited(acme, client_for):
    from shared_apps.audit.models import AuditEntry

    _login(client_for("acme.localhost"), "ghost@acme.example", WRONG)
    it = client_for("localhost").sign_in("it@checkin.example")
    own = _shown(it.get("/console/sign-ins/"))
    assert "it@checkin.example" in own and "ghost@acme.example" not in own
    assert "ghost@acme.example" in _shown(it.get("/console/sign-ins/?tenant=acme"))
    assert "desk@tower.example" not in _shown(it.get("/console/sign-ins/?tenant=tower"))  # none signed in there yet
    looks = AuditEntry.objects.filter(action="signins.view", actor="it:it@checkin.example")
    assert sorted(looks.values_list("tenant_schema", flat=True)) == ["acme", "public", "tower"]
    assert it.get("/console/sign-ins/?tenant=nowhere").status_code == 404
    assert it.get("/console/sign-ins/?tenant=_template_company").status_code == 404


@pytest.mark.parametrize("language, date", [("fr", "-"), ("nl", "-"), ("de", "-"), ("en", "-")])
def test_the_pages_speak_the_accounts_language_with_belgian_dates(acme, client_for, language, date):
    from django.utils import timezone

    member = client_for("acme.localhost").sign_in("member@acme.example")
    member.cookies["django_language"] = language
    page = _shown(member.get("/accounts/security/sign-ins/", HTTP_ACCEPT_LANGUAGE=language))
    today = timezone.localtime().strftime("%d-%m-%Y")
    assert today in page
    titles = {"fr": "Vos connexions", "nl": "Uw aanmeldingen", "de": "Ihre Anmeldungen", "en": "Your sign-ins"}
    assert titles[language] in page


@pytest.mark.parametrize(
    "header, summary",
    [
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
         "Chrome · Linux"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile Safari/604.1",
         "Safari · iOS"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0", "Edge · Windows"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:121.0) Gecko/20100101 Firefox/121.0", "Firefox · macOS"),
        ("curl/8.5.0", "curl/8.5.0"),
    ],
)  # fmt: skip
def test_the_pages_name_the_browser_in_a_few_words(header, summary):
    assert SignInRecord(user_agent=header).browser == summary


def test_the_persona_endpoint_matrix_covers_every_sign_in_page():
    """tests/security/test_access_matrix.py tries every persona on these routes against their rules (own: any
    account; Users: the host's managers; console: IT); this checks it finds them."""
    from tests.security.test_access_matrix import ENDPOINTS

    routes = {(endpoint.kind, endpoint.route) for endpoint in ENDPOINTS}
    assert {
        ("company", "accounts/security/sign-ins/"),
        ("company", "users/sign-ins/"),
        ("reception", "accounts/security/sign-ins/"),
        ("reception", "desk/staff/sign-ins/"),
        ("public", "accounts/security/sign-ins/"),
        ("public", "console/sign-ins/"),
    } <= routes
