"""Bad input on existing pages is refused with a clear answer, never a 500, and nothing is stored."""

import json

import pytest

FORM = "application/x-www-form-urlencoded"
HOSTS = ["acme.localhost", "tower.localhost", "localhost"]


@pytest.fixture
def anonymous(client_for):
    def make(host: str = "acme.localhost"):
        client = client_for(host)
        client.raise_request_exception = False  # see what a browser would see
        return client

    return make


@pytest.mark.parametrize("host", HOSTS)
def test_an_oversized_body_is_refused_with_413_and_a_translated_page(anonymous, settings, host):
    body = "username=" + "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = anonymous(host).post("/accounts/login/", body, content_type=FORM, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 413
    assert "Requête trop volumineuse" in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_too_many_fields_are_refused_with_400(anonymous, settings):
    body = "&".join(f"f{i}=x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = anonymous().post("/accounts/password-reset/", body, content_type=FORM, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.content.decode()


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/password-reset/", "/i18n/setlang/", "/api/v1/"])
@pytest.mark.parametrize("body", ['{"username": ', "[1, 2", "\x00\x01", json.dumps({"a": "b" * 10})[:-1]])
def test_malformed_json_is_never_a_500(anonymous, path, body):
    response = anonymous().post(path, body, content_type="application/json")
    assert response.status_code in {200, 302, 400, 404}


def test_malformed_json_on_the_login_page_shows_the_form_errors(anonymous):
    response = anonymous().post(
        "/accounts/login/", '{"username": "admin@acme.example"', content_type="application/json"
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert "_auth_user_id" not in anonymous().session


@pytest.mark.parametrize(
    "body", [b"username=\xff\xfe&password=\xc3\x28", b"\xff=\xff", b"username=%FF%FE&password=%C3%28"]
)
def test_invalid_utf8_in_a_form_is_refused_by_the_form(anonymous, body):
    response = anonymous().post("/accounts/login/", body, content_type=FORM)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


@pytest.mark.parametrize("path", ["/accounts/login/?next=%FF%FE", "/accounts/%FF%FE/", "/%C0%AF"])
def test_invalid_utf8_in_urls_is_never_a_500(anonymous, path):
    assert anonymous().get(path).status_code in {200, 400, 404}


@pytest.mark.parametrize(
    "username",
    ["admin@acme.example\x00", "adm\x07in@acme.example", "\x1b[31madmin@acme.example", "a\u202eb@acme.example"],
)
def test_control_characters_in_the_login_form_are_refused(anonymous, username):
    client = anonymous()
    response = client.post("/accounts/login/", {"username": username, "password": "checkin-demo-2026"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "email", ["admin@acme.example\x00", "admin@acme.example\r\nBcc: victim@example.org", "adm\x1bin@acme.example"]
)
def test_control_characters_in_the_password_reset_form_are_refused_and_no_mail_is_sent(anonymous, mailoutbox, email):
    response = anonymous().post("/accounts/password-reset/", {"email": email})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert mailoutbox == []
