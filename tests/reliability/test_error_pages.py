"""Error pages: a lost database is a translated 503, other errors say nothing of the internals."""

import importlib

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from shared_apps.operations.errors import bad_request, server_error


def _raised(exception: Exception):
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="nl")
    try:
        raise exception
    except Exception:
        return server_error(request)


def test_a_lost_database_is_a_translated_503_with_retry_after():
    for exception in (OperationalError("server closed the connection"), InterfaceError("connection already closed")):
        response = _raised(exception)
        assert response.status_code == 503
        assert response["Retry-After"] == "15"
        assert "Tijdelijk niet beschikbaar" in response.content.decode()
        assert "server closed" not in response.content.decode()  # no internals shown


def test_any_other_error_stays_a_500_without_details():
    response = _raised(ValueError("secret detail"))
    assert response.status_code == 500
    assert "secret detail" not in response.content.decode()


def test_the_400_page_never_shows_the_exception():
    response = bad_request(RequestFactory().get("/"), ValueError("internal detail"))
    assert response.status_code == 400
    assert "internal detail" not in response.content.decode()


def test_static_files_are_served_before_tenant_routing(client_for, django_assert_num_queries):
    """The error pages' stylesheet must load while the database is down: no tenant lookup for it."""
    with django_assert_num_queries(0):
        response = client_for("unknown.localhost").get("/static/checkin/app.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")


@pytest.mark.parametrize("urlconf", ["checkin.urls_public", "checkin.urls_company", "checkin.urls_reception"])
def test_every_host_type_uses_these_pages(urlconf):
    module = importlib.import_module(urlconf)
    assert module.handler400 == "shared_apps.operations.errors.bad_request"
    assert module.handler500 == "shared_apps.operations.errors.server_error"
