"""The admins' notification pages: webhook settings with a secret shown once, a test call, and the delivery log."""

import hashlib
import hmac
import json
import re

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django_tenants.utils import tenant_context

from shared_apps.audit.models import AuditEntry
from tenant_apps.notifications.models import Delivery, WebhookAttempt
from tenant_apps.notifications.selectors import deliveries_for_visit
from tenant_apps.visits.selectors import company_settings
from tests.notifications.conftest import register

PAGES = [
    ("get", "/notifications/settings/"),
    ("post", "/notifications/settings/"),
    ("post", "/notifications/settings/secret/"),
    ("post", "/notifications/settings/test/"),
    ("get", "/notifications/log/"),
]


def _secret_shown(response) -> str | None:
    found = re.search(r'id="new-secret" type="text" value="([^"]+)"', response.content.decode())
    return found.group(1) if found else None


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_anonymous_is_sent_to_sign_in(client_for, method, path):
    response = getattr(client_for("acme.localhost"), method)(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_a_member_gets_404(acme_member, method, path):
    assert getattr(acme_member, method)(path).status_code == 404


def test_an_admin_sets_the_url_and_sees_the_new_secret_once(acme, acme_admin):
    response = acme_admin.post("/notifications/settings/", {"url": "https://hooks.acme.example/check-in"})
    secret = _secret_shown(response)
    assert secret and secret.startswith("whsec_")
    with tenant_context(acme):
        assert (company_settings().webhook_url, company_settings().webhook_secret) == (
            "https://hooks.acme.example/check-in",
            secret,
        )
    page = acme_admin.get("/notifications/settings/").content.decode()
    assert secret not in page and f"“{secret[-4:]}”" in page
    assert AuditEntry.objects.filter(action="notifications.webhook_updated", tenant_schema="acme").exists()


@pytest.mark.parametrize("url", ["ftp://files.acme.example/", "not a url", "javascript:alert(1)"])
def test_a_bad_url_is_refused_with_a_message_and_nothing_is_saved(acme, acme_admin, url):
    response = acme_admin.post("/notifications/settings/", {"url": url})
    assert response.status_code == 200 and response.content.decode().count("Enter a valid URL.") == 1
    with tenant_context(acme):
        assert company_settings().webhook_url == ""


def test_regenerating_the_secret_replaces_it_and_shows_it_once(acme, acme_admin):
    acme_admin.post("/notifications/settings/", {"url": "https://hooks.acme.example/check-in"})
    with tenant_context(acme):
        old = company_settings().webhook_secret
    new = _secret_shown(acme_admin.post("/notifications/settings/secret/"))
    assert new and new != old
    with tenant_context(acme):
        assert company_settings().webhook_secret == new
    assert AuditEntry.objects.filter(action="notifications.webhook_secret_regenerated").exists()


def test_send_a_test_posts_a_signed_ping_and_logs_it(acme, acme_admin, receiver):
    secret = _secret_shown(acme_admin.post("/notifications/settings/", {"url": receiver.url}))
    assert secret
    response = acme_admin.post("/notifications/settings/test/", follow=True)
    assert "The test reached your webhook (HTTP 200)." in response.content.decode()
    [call] = receiver.calls
    timestamp = call.headers["X-Checkin-Timestamp"]
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + call.body, hashlib.sha256).hexdigest()
    assert call.headers["X-Checkin-Signature"] == f"sha256={digest}"
    assert json.loads(call.body)["event"] == "ping"
    with tenant_context(acme):
        assert WebhookAttempt.objects.get(delivery=None).status_code == 200


def test_a_failing_test_says_why(acme_admin, receiver):
    acme_admin.post("/notifications/settings/", {"url": receiver.url})
    receiver.answers = [500]
    response = acme_admin.post("/notifications/settings/test/", follow=True)
    assert "The test failed: HTTP 500." in response.content.decode()


def test_the_log_shows_acmes_deliveries_and_not_globexs(acme, globex, acme_admin, globex_admin):
    with tenant_context(acme):
        visit = register()
        Delivery.objects.create(
            visit=visit, kind="invitation", status="failed", attempts=6, last_error="SMTPDataError 451"
        )
    with tenant_context(globex):
        other = register()
        Delivery.objects.create(visit=other, kind="cancellation", status="sent", attempts=1)
    acme_log = acme_admin.get("/notifications/log/").content.decode()
    assert "SMTPDataError 451" in acme_log and f"#{visit.pk}" in acme_log
    assert "Cancellation e-mail" not in acme_log
    globex_log = globex_admin.get("/notifications/log/").content.decode()
    assert "SMTPDataError 451" not in globex_log and "Cancellation e-mail" in globex_log


def test_the_visit_include_lists_its_deliveries(in_acme):
    visit = register()
    Delivery.objects.create(visit=visit, kind="invitation", status="pending", attempts=2, last_error="HTTP 503")
    html = render_to_string("notifications/_deliveries.html", {"deliveries": deliveries_for_visit(visit)})
    assert "Invitation e-mail" in html and "pending" in html and "2 tries" in html and "HTTP 503" in html
    tag = Template("{% load notifications %}{% visit_deliveries visit %}").render(Context({"visit": visit}))
    assert "Invitation e-mail" in tag and "2 tries" in tag


def test_a_private_address_is_refused_when_saving(acme, acme_admin, settings):
    settings.CHECKIN_WEBHOOK_ALLOW_PRIVATE = False
    response = acme_admin.post("/notifications/settings/", {"url": "http://10.0.0.5/hook"})
    assert "private and local networks are refused" in response.content.decode()
    with tenant_context(acme):
        assert company_settings().webhook_url == ""
