"""JSON log lines: each one parses and names its own request's id, tenant and user, and no personal data."""

import logging
import sys
import uuid

import pytest
from django.test import RequestFactory
from django_tenants.utils import schema_context

from shared_apps.accounts.models import User
from shared_apps.database.connection import tenant_connection
from shared_apps.operations.log_format import TextFormatter
from shared_apps.operations.request_context import RequestContextMiddleware
from tests.observability.conftest import LogLines

pytestmark = pytest.mark.django_db


def _access(lines: list[dict], request_id: str) -> dict:
    [line] = [line for line in lines if line["logger"] == "checkin.access" and line["request_id"] == request_id]
    return line


def test_it_writes_each_requests_own_tenant_and_none_outside_a_request(client_for, log_lines: LogLines):
    client_for("nowhere.localhost").get("/accounts/login/", HTTP_X_REQUEST_ID="unknown-host-0001")
    client_for("acme.localhost").get("/accounts/login/", HTTP_X_REQUEST_ID="acme-request-0001")
    client_for("globex.localhost").get("/accounts/login/", HTTP_X_REQUEST_ID="globex-request-01")
    assert tenant_connection().schema_name == "globex"  # the connection still names the last tenant served...
    logging.getLogger("checkin.test").warning("after the requests")

    lines = log_lines()
    assert _access(lines, "acme-request-0001")["tenant"] == "acme"
    assert _access(lines, "globex-request-01")["tenant"] == "globex"
    assert _access(lines, "unknown-host-0001")["tenant"] is None  # no tenant serves that host
    [after] = [line for line in lines if line["message"] == "after the requests"]
    assert (after["tenant"], after["request_id"]) == (None, None)  # ...the log line does not
    assert {"time", "level", "logger", "message", "user_id"} <= after.keys()
    assert after["level"] == "WARNING" and after["time"].endswith("+00:00")


def test_it_names_the_signed_in_user_by_id_never_by_address(acme_admin, log_lines: LogLines):
    acme_admin.get("/", HTTP_X_REQUEST_ID="signed-in-00001")

    line = _access(log_lines(), "signed-in-00001")
    with schema_context("acme"):
        assert line["user_id"] == User.objects.get(email="admin@acme.example").pk
    assert "@" not in str(log_lines())


def test_an_exception_is_logged_by_class_and_traceback_without_its_message(log_lines: LogLines):
    email = "ann" + "@example.com"  # not in the source: the traceback quotes source lines
    try:
        raise ValueError(f"duplicate key (email)=({email})")
    except ValueError:
        logging.getLogger("checkin.test").exception("could not save")

    [line] = [line for line in log_lines() if line["message"] == "could not save"]
    assert line["exception"]["type"] == "ValueError"
    assert "test_logs.py" in line["exception"]["traceback"]
    assert "ann@example.com" not in str(line)

    record = logging.LogRecord("checkin.test", logging.ERROR, __file__, 1, "could not save", None, None)
    try:
        raise ValueError(email)
    except ValueError:
        record.exc_info = sys.exc_info()
    text = TextFormatter().format(record)
    assert "ValueError" in text and "ann@example.com" not in text


def test_the_request_id_is_the_callers_when_well_formed_else_a_new_one(client_for):
    client = client_for("acme.localhost")
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID="lb-3f2a9c1e-77")["X-Request-ID"] == "lb-3f2a9c1e-77"
    for bad in ("short", "x" * 129, "two words here", 'quote"d-request-id', "line\nbreak-0001"):
        made = client.get("/accounts/login/", HTTP_X_REQUEST_ID=bad)["X-Request-ID"]
        assert made != bad and uuid.UUID(hex=made)
    first, second = (client.get("/accounts/login/")["X-Request-ID"] for _ in range(2))
    assert first != second and uuid.UUID(hex=first)


def test_the_access_log_has_client_method_path_status_duration_and_id(client_for, log_lines: LogLines, settings):
    settings.CHECKIN_TRUSTED_PROXIES = ["10.0.0.0/8"]
    client = client_for("acme.localhost")
    client.get("/accounts/login/?next=/visits/&q=ann", HTTP_X_REQUEST_ID="direct-request-1", REMOTE_ADDR="192.0.2.7")
    client.get("/no-such-page/", HTTP_X_REQUEST_ID="proxied-request-1", REMOTE_ADDR="10.1.2.3",
               HTTP_X_FORWARDED_FOR="198.51.100.9")  # fmt: skip
    client.get("/accounts/login/", HTTP_X_REQUEST_ID="spoofing-request", REMOTE_ADDR="192.0.2.8",
               HTTP_X_FORWARDED_FOR="198.51.100.10")  # fmt: skip
    client.get("/healthz", HTTP_X_REQUEST_ID="health-probe-0001")

    lines = log_lines()
    direct = _access(lines, "direct-request-1")
    assert {key: direct[key] for key in ("client", "method", "path", "status")} == {
        "client": "192.0.2.7", "method": "GET", "path": "/accounts/login/", "status": 200,
    }  # fmt: skip
    assert isinstance(direct["duration_ms"], float) and direct["duration_ms"] > 0
    assert "ann" not in str(direct)  # the query string stays out
    proxied = _access(lines, "proxied-request-1")
    assert (proxied["client"], proxied["status"]) == ("198.51.100.9", 404)
    assert _access(lines, "spoofing-request")["client"] == "192.0.2.8"  # not a trusted proxy: its header is ignored
    assert not [line for line in lines if line["request_id"] == "health-probe-0001"]


def test_a_request_id_is_made_even_when_the_request_fails_before_any_view(log_lines: LogLines):
    def failing_view(request):
        raise RuntimeError("boom")

    middleware = RequestContextMiddleware(failing_view)
    with pytest.raises(RuntimeError):
        middleware(RequestFactory().get("/x", HTTP_X_REQUEST_ID="failing-request-1"))
    logging.getLogger("checkin.test").info("after the failure")
    [after] = [line for line in log_lines() if line["message"] == "after the failure"]
    assert after["request_id"] is None  # the failed request's context did not stay behind


def test_a_password_link_s_token_stays_out_of_the_access_log(client_for, log_lines: LogLines):
    client_for("acme.localhost").get("/accounts/set-password/MTIz/abc-0123456789abcdef/",
                                     HTTP_X_REQUEST_ID="password-link-1")  # fmt: skip
    line = _access(log_lines(), "password-link-1")
    assert line["path"] == "/accounts/set-password/[secret]/[secret]/"
    assert "abc-0123456789abcdef" not in str(line)
