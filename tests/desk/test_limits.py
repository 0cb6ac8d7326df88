"""Desk staff cannot reach company settings, retention, users or exports: those live on company hosts."""

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

COMPANY_PAGES = ["/", "/settings/", "/retention/", "/users/", "/exports/", "/privacy/", "/visits/", "/api/v1/visits/"]


def test_a_desk_session_is_worthless_on_a_company_host(tower_desk, client_for):
    stolen = tower_desk.cookies[settings.SESSION_COOKIE_NAME].value
    acme = client_for("acme.localhost")
    acme.cookies[settings.SESSION_COOKIE_NAME] = stolen
    for path in COMPANY_PAGES:
        assert acme.get(path).status_code in (302, 401, 403, 404), path
    response = acme.get("/")
    assert response["Location"].startswith("/accounts/login/")


def test_desk_credentials_do_not_sign_in_on_a_company_host(client_for):
    response = client_for("acme.localhost").post(
        "/accounts/login/", {"username": "desk@tower.example", "password": "checkin-demo-2026"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/settings/", "/retention/", "/users/", "/exports/", "/desk/settings/"])
def test_the_desk_host_has_no_company_settings_retention_users_or_exports(path, tower_desk):
    with pytest.raises(Resolver404):
        resolve(path, urlconf="checkin.urls_reception")
    assert tower_desk.get(path).status_code == 404
