"""Each host keeps its own users and sessions: a session from one host is worthless on another."""

from django.conf import settings


def test_a_session_cookie_from_acme_does_not_authenticate_on_globex(acme_admin, client_for):
    assert acme_admin.get("/").status_code == 200
    stolen = acme_admin.cookies[settings.SESSION_COOKIE_NAME].value

    globex = client_for("globex.localhost")
    globex.cookies[settings.SESSION_COOKIE_NAME] = stolen
    response = globex.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_session_cookie_from_acme_does_not_authenticate_on_the_desk_or_the_console(acme_admin, client_for):
    stolen = acme_admin.cookies[settings.SESSION_COOKIE_NAME].value
    for host in ["tower.localhost", "localhost"]:
        other = client_for(host)
        other.cookies[settings.SESSION_COOKIE_NAME] = stolen
        assert other.get("/").status_code == 302


def test_acme_credentials_do_not_sign_in_on_globex(client_for):
    response = client_for("globex.localhost").post(
        "/accounts/login/", {"username": "admin@acme.example", "password": "checkin-demo-2026"}
    )
    assert response.status_code == 200
    assert "do not match an active account" in response.content.decode()


def test_cookies_are_host_only(acme_admin):
    cookie = acme_admin.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["domain"] == ""
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_a_desk_account_cannot_sign_in_on_a_company_host(client_for):
    response = client_for("acme.localhost").post(
        "/accounts/login/", {"username": "desk@tower.example", "password": "checkin-demo-2026"}
    )
    assert response.status_code == 200
