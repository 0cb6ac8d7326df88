"""A host told in the company's Teams or Slack channel: the message in the host's language, through the outbox
(claimed, sent once with its idempotency key, retried with back-off, failed and audited at the last try), received
by a local HTTP receiver that stands in for Teams and Slack; and the admins' settings for the two addresses."""

import json
import zoneinfo

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.audit.models import AuditEntry
from tenant_apps.notifications.models import Delivery, WebhookAttempt
from tenant_apps.notifications.sending import MAX_ATTEMPTS
from tenant_apps.visits.models import CompanySettings, Host, Visit
from tenant_apps.visits.selectors import company_settings
from tenant_apps.visits.services import Actor, visit_check_in
from tests.notifications.conftest import register
from tests.notifications.receiver import Receiver

pytestmark = pytest.mark.usefixtures("eager")
DESK = Actor(label="desk:tower:desk@tower.example", channel=Visit.Channel.DESK)
KIOSK = Actor(label="kiosk:tower:1", channel=Visit.Channel.KIOSK)

ARRIVED = {
    "en": "Sophie Dubois: your visitor Marie Lambert has arrived at reception ({time}).",
    "fr": "Sophie Dubois : votre visiteur Marie Lambert est arrivé à l\u2019accueil ({time}).",
    "nl": "Sophie Dubois: uw bezoeker Marie Lambert is aangekomen aan de receptie ({time}).",
    "de": "Sophie Dubois: Ihr Besuch Marie Lambert ist am Empfang angekommen ({time}).",
}
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def host_chooses(channel: str, url: str, *, language: str = "en") -> Host:
    """Sophie Dubois hears by `channel`, whose company address is `url`; her staff account reads `language`."""
    CompanySettings.objects.filter(pk=company_settings().pk).update(
        teams_webhook_url="", slack_webhook_url="", reception_email=""
    )
    company = company_settings()
    company.teams_webhook_url = url if channel == Host.Notify.TEAMS else ""
    company.slack_webhook_url = url if channel == Host.Notify.SLACK else ""
    company.save()
    user = User.objects.get(email="member@acme.example")
    User.objects.filter(pk=user.pk).update(language=language)
    Host.objects.filter(user=user).exclude(name="Sophie Dubois").update(user=None)
    host = Host.objects.get(name="Sophie Dubois")
    host.notify_by, host.user, host.is_active = channel, user, True
    host.save()
    return host


def arrive(capture, *, actor: Actor = DESK, channel: str = Visit.Channel.INVITATION) -> Visit:
    with capture(execute=True):
        visit = register(channel=channel)
    mail.outbox.clear()
    with capture(execute=True):
        visit_check_in(visit=visit, actor=actor)
    visit.refresh_from_db()
    return visit


def _text(channel: str, body: bytes) -> str:
    payload = json.loads(body)
    if channel == Host.Notify.SLACK:
        return str(payload["text"])
    [attachment] = payload["attachments"]
    assert payload["type"] == "message" and attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    [block] = attachment["content"]["body"]
    return str(block["text"])


@pytest.mark.parametrize("language", ["en", "fr", "nl", "de"])
@pytest.mark.parametrize(("channel", "kind"), [("teams", "host_teams"), ("slack", "host_slack")])
def test_the_host_hears_in_their_channel_in_their_language_with_the_idempotency_key(
    in_acme, receiver: Receiver, django_capture_on_commit_callbacks, channel, kind, language
):
    host_chooses(channel, receiver.url, language=language)
    visit = arrive(django_capture_on_commit_callbacks)
    [call] = receiver.calls
    assert call.path == "/hooks/check-in" and call.headers["Content-Type"] == "application/json"
    assert visit.checked_in_at is not None
    arrived = visit.checked_in_at.astimezone(BRUSSELS).strftime("%H:%M")  # the building's time zone
    assert _text(channel, call.body) == ARRIVED[language].format(time=arrived)
    [delivery] = Delivery.objects.filter(visit=visit, kind=kind)
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert call.headers["Idempotency-Key"] == str(delivery.idempotency_key)
    assert mail.outbox == []  # the host chose the channel instead of e-mail
    assert WebhookAttempt.objects.get(delivery=delivery).status_code == 200


@pytest.mark.parametrize(("channel", "kind"), [("teams", "host_teams"), ("slack", "host_slack")])
def test_a_receiver_that_fails_once_gets_exactly_one_accepted_message_after_the_retry(
    in_acme, receiver: Receiver, django_capture_on_commit_callbacks, channel, kind
):
    host_chooses(channel, receiver.url)
    receiver.answers = [500]
    visit = arrive(django_capture_on_commit_callbacks)
    assert len(receiver.calls) == 2  # refused once, accepted once: one message in the channel
    [delivery] = Delivery.objects.filter(visit=visit, kind=kind)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")
    assert {call.headers["Idempotency-Key"] for call in receiver.calls} == {str(delivery.idempotency_key)}
    assert [a.status_code for a in WebhookAttempt.objects.filter(delivery=delivery).order_by("at", "id")] == [500, 200]
    [failure] = AuditEntry.objects.filter(action="notifications.delivery_failed", tenant_schema="acme")
    assert failure.details == {"kind": kind, "error": "HTTP 500", "attempt": 1, "final": False}


def test_a_channel_that_keeps_failing_is_marked_failed_audited_and_the_walk_in_marked_unannounced(
    in_acme, receiver: Receiver, django_capture_on_commit_callbacks
):
    host_chooses(Host.Notify.SLACK, receiver.url)
    receiver.answers = [500] * MAX_ATTEMPTS
    visit = arrive(django_capture_on_commit_callbacks, actor=KIOSK, channel=Visit.Channel.KIOSK)
    assert len(receiver.calls) == MAX_ATTEMPTS
    [delivery] = Delivery.objects.filter(visit=visit, kind="host_slack")
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", MAX_ATTEMPTS, "HTTP 500")
    finals = AuditEntry.objects.filter(action="notifications.delivery_failed", tenant_schema="acme")
    assert [entry.details["final"] for entry in finals.order_by("pk")] == [False] * (MAX_ATTEMPTS - 1) + [True]
    assert visit.arrival_unannounced  # the desk's board tells the desk nobody heard of this walk-in


def test_a_walk_in_announced_in_the_hosts_channel_is_not_marked(
    in_acme, receiver: Receiver, django_capture_on_commit_callbacks
):
    host_chooses(Host.Notify.TEAMS, receiver.url)
    visit = arrive(django_capture_on_commit_callbacks, actor=KIOSK, channel=Visit.Channel.KIOSK)
    assert len(receiver.calls) == 1
    assert not visit.arrival_unannounced
    assert not Delivery.objects.filter(visit=visit, kind="reception_email").exists()


def test_a_walk_in_whose_hosts_channel_has_no_address_goes_to_the_reception(
    in_acme, receiver: Receiver, django_capture_on_commit_callbacks
):
    host_chooses(Host.Notify.SLACK, receiver.url)
    CompanySettings.objects.update(slack_webhook_url="", reception_email="front@acme.example")
    visit = arrive(django_capture_on_commit_callbacks, actor=KIOSK, channel=Visit.Channel.KIOSK)
    assert receiver.calls == []
    assert list(Delivery.objects.filter(visit=visit).values_list("kind", flat=True)) == ["reception_email"]
    assert [message.to for message in mail.outbox] == [["front@acme.example"]]


# --- the admins' settings ----------------------------------------------------------------------------------------


def test_an_admin_sets_both_addresses_stored_encrypted_and_audited_without_them(acme, acme_admin):
    teams = "https://acme.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/456"
    slack = "https://hooks.slack.com/services/T000/B000/XXXX"
    response = acme_admin.post("/notifications/settings/channels/", {"teams_url": teams, "slack_url": slack})
    assert response.status_code == 302 and response["Location"] == "/notifications/settings/"
    with tenant_context(acme):
        assert (company_settings().teams_webhook_url, company_settings().slack_webhook_url) == (teams, slack)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT teams_webhook_url, slack_webhook_url FROM visits_companysettings")
            stored = cursor.fetchone()
        assert teams not in stored and slack not in stored  # encrypted at rest: each address is a credential
    entry = AuditEntry.objects.get(action="notifications.chat_channels_updated", tenant_schema="acme")
    assert entry.details == {"teams_set": True, "slack_set": True}
    page = acme_admin.get("/notifications/settings/").content.decode()
    assert "Teams and Slack" in page


@pytest.mark.parametrize(
    ("teams_url", "slack_url", "message"),
    [
        ("not a url", "", "Enter a valid URL."),
        ("", "ftp://hooks.slack.com/services/x", "Enter an address that starts with https://."),
        ("http://acme.webhook.office.com/webhookb2/x", "", "Enter an address that starts with https://."),
        ("", "https://127.0.0.1/hooks", "private and local networks are refused"),
        ("https://" + "a" * 1000 + ".example/", "", "at most 1000 characters"),
    ],
)
def test_a_bad_address_is_refused_with_a_form_error_and_nothing_is_saved(
    acme, acme_admin, settings, teams_url, slack_url, message
):
    settings.CHECKIN_WEBHOOK_ALLOW_PRIVATE = False
    response = acme_admin.post("/notifications/settings/channels/", {"teams_url": teams_url, "slack_url": slack_url})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count(message) == 1 and 'class="errorlist"' in page
    with tenant_context(acme):
        assert (company_settings().teams_webhook_url, company_settings().slack_webhook_url) == ("", "")
    assert not AuditEntry.objects.filter(action="notifications.chat_channels_updated").exists()


def test_the_form_error_is_in_the_admins_language(acme, acme_admin):
    acme_admin.post("/i18n/setlang/", {"language": "fr"})
    page = acme_admin.post("/notifications/settings/channels/", {"teams_url": "pas une adresse"}).content.decode()
    assert "Saisissez une URL valide." in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_member_gets_404_and_anonymous_is_sent_to_sign_in(acme_member, client_for, method):
    assert getattr(acme_member, method)("/notifications/settings/channels/").status_code == 404
    anonymous = getattr(client_for("acme.localhost"), method)("/notifications/settings/channels/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_a_host_may_choose_a_channel_only_once_the_company_has_its_address(acme, acme_admin):
    with tenant_context(acme):
        host = Host.objects.get(name="Sophie Dubois")
    data = {"name": "Sophie Dubois", "email": host.email, "phone": "", "notify_by": "teams", "user": ""}
    page = acme_admin.post(f"/hosts/{host.pk}/edit/", data).content.decode()
    assert "Set the company&#x27;s Teams webhook in the notification settings first." in page
    with tenant_context(acme):
        assert Host.objects.get(pk=host.pk).notify_by == "email"
        CompanySettings.objects.update(teams_webhook_url="https://acme.webhook.office.com/webhookb2/x")
    assert acme_admin.post(f"/hosts/{host.pk}/edit/", data).status_code == 302
    with tenant_context(acme):
        assert Host.objects.get(pk=host.pk).notify_by == "teams"
