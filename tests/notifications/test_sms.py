"""A host told by text message through the operator's SMS provider: the generic HTTP adapter (a JSON POST with a
bearer token) received by a local HTTP receiver standing in for the provider, in the host's language, through the
outbox like every delivery; the disabled default; the host's phone number on the host's page."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django_tenants.utils import tenant_context

from shared_apps.audit.models import AuditEntry
from tenant_apps.notifications.models import Delivery
from tenant_apps.notifications.sending import MAX_ATTEMPTS, delivery_attempt
from tenant_apps.notifications.sms import DisabledSms, HttpJsonSms, sms_sender
from tenant_apps.visits.models import CompanySettings, Host, Visit
from tests.notifications.receiver import Receiver
from tests.notifications.test_chat_channels import BRUSSELS, KIOSK, arrive, host_chooses
from tests.portal.conftest import world  # noqa: F401  (a fixture)

pytestmark = pytest.mark.usefixtures("eager")
PHONE = "+32470123456"
TEXT = {
    "en": "Your visitor Marie Lambert has arrived at reception ({time}).",
    "fr": "Votre visiteur Marie Lambert est arriv\u00e9 \u00e0 l\u2019accueil ({time}).",
    "nl": "Uw bezoeker Marie Lambert is aangekomen aan de receptie ({time}).",
    "de": "Ihr Besuch Marie Lambert ist am Empfang angekommen ({time}).",
}


@pytest.fixture
def gateway(receiver: Receiver, settings) -> Receiver:
    """The operator's SMS provider, set up as `http` with its URL, token and sender name."""
    settings.CHECKIN_SMS_PROVIDER = "http"
    settings.CHECKIN_SMS_URL = receiver.url
    settings.CHECKIN_SMS_TOKEN = "sms-token"
    settings.CHECKIN_SMS_SENDER = "Tower"
    return receiver


def _by_sms(language: str = "en") -> Host:
    host = host_chooses(Host.Notify.EMAIL, "", language=language)
    host.notify_by, host.phone = Host.Notify.SMS, PHONE
    host.save()
    return host


@pytest.mark.parametrize("language", ["en", "fr", "nl", "de"])
def test_the_host_gets_a_text_in_their_language_with_the_token_and_the_idempotency_key(
    in_acme, gateway: Receiver, django_capture_on_commit_callbacks, language
):
    _by_sms(language)
    visit = arrive(django_capture_on_commit_callbacks)
    [call] = gateway.calls
    assert call.headers["Authorization"] == "Bearer sms-token"
    assert visit.checked_in_at is not None
    arrived = visit.checked_in_at.astimezone(BRUSSELS).strftime("%H:%M")
    assert json.loads(call.body) == {"to": PHONE, "from": "Tower", "text": TEXT[language].format(time=arrived)}
    [delivery] = Delivery.objects.filter(visit=visit, kind="host_sms")
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert call.headers["Idempotency-Key"] == str(delivery.idempotency_key)
    assert not Delivery.objects.filter(visit=visit, kind="host_email").exists()


def test_a_provider_that_fails_once_gets_exactly_one_accepted_message_after_the_retry(
    in_acme, gateway: Receiver, django_capture_on_commit_callbacks
):
    _by_sms()
    gateway.answers = [500]
    visit = arrive(django_capture_on_commit_callbacks)
    assert len(gateway.calls) == 2
    [delivery] = Delivery.objects.filter(visit=visit, kind="host_sms")
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert {call.headers["Idempotency-Key"] for call in gateway.calls} == {str(delivery.idempotency_key)}
    [failure] = AuditEntry.objects.filter(action="notifications.delivery_failed", tenant_schema="acme")
    assert failure.details == {"kind": "host_sms", "error": "HTTP 500", "attempt": 1, "final": False}


def test_a_provider_that_keeps_failing_marks_it_failed_and_the_walk_in_unannounced(
    in_acme, gateway: Receiver, django_capture_on_commit_callbacks
):
    _by_sms()
    gateway.answers = [503] * MAX_ATTEMPTS
    visit = arrive(django_capture_on_commit_callbacks, actor=KIOSK, channel=Visit.Channel.KIOSK)
    [delivery] = Delivery.objects.filter(visit=visit, kind="host_sms")
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", MAX_ATTEMPTS, "HTTP 503")
    assert AuditEntry.objects.filter(action="notifications.delivery_failed", details__final=True).count() == 1
    assert visit.arrival_unannounced


def test_without_a_provider_no_text_is_queued_and_the_walk_in_goes_to_the_reception(
    in_acme, receiver: Receiver, django_capture_on_commit_callbacks
):
    _by_sms()
    CompanySettings.objects.update(reception_email="front@acme.example")
    visit = arrive(django_capture_on_commit_callbacks, actor=KIOSK, channel=Visit.Channel.KIOSK)
    assert receiver.calls == []
    assert list(Delivery.objects.filter(visit=visit).values_list("kind", flat=True)) == ["reception_email"]


def test_a_text_left_queued_when_the_provider_is_switched_off_fails_with_its_reason(
    in_acme, gateway: Receiver, django_capture_on_commit_callbacks, settings
):
    _by_sms()
    visit = arrive(django_capture_on_commit_callbacks)
    delivery = Delivery.objects.create(visit=visit, kind=Delivery.Kind.HOST_SMS)
    settings.CHECKIN_SMS_PROVIDER = "disabled"
    assert delivery_attempt(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("pending", "SMS is not set up by the operator")
    assert len(gateway.calls) == 1  # the check-in's own text only


def test_the_adapter_follows_the_settings(settings):
    settings.CHECKIN_SMS_PROVIDER = "disabled"
    assert isinstance(sms_sender(), DisabledSms)
    settings.CHECKIN_SMS_PROVIDER, settings.CHECKIN_SMS_URL, settings.CHECKIN_SMS_TOKEN = (
        "http",
        "https://sms.eu/v1",
        "t",
    )
    assert sms_sender() == HttpJsonSms(url="https://sms.eu/v1", token="t", sender=settings.CHECKIN_SMS_SENDER)
    settings.CHECKIN_SMS_TOKEN = ""
    with pytest.raises(ImproperlyConfigured):
        sms_sender()
    settings.CHECKIN_SMS_TOKEN, settings.CHECKIN_WEBHOOK_ALLOW_PRIVATE = "t", False
    settings.CHECKIN_SMS_URL = "http://sms.eu/v1"  # the token would travel in clear
    with pytest.raises(ImproperlyConfigured):
        sms_sender()
    settings.CHECKIN_SMS_PROVIDER = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured):
        sms_sender()


# --- the host's page ------------------------------------------------------------------------------------------------


def _edit(acme, acme_admin, **fields: str) -> str:
    with tenant_context(acme):
        host = Host.objects.get(name="Sophie Dubois")
    data = {"name": "Sophie Dubois", "email": host.email, "phone": "", "notify_by": "sms", "user": "", **fields}
    response = acme_admin.post(f"/hosts/{host.pk}/edit/", data)
    return "saved" if response.status_code == 302 else response.content.decode()


def test_a_host_may_choose_text_messages_only_when_the_operator_set_up_sms(acme, acme_admin, settings):
    settings.CHECKIN_SMS_PROVIDER = "disabled"
    page = _edit(acme, acme_admin, phone="0470 12 34 56")
    assert "Text messages are not available: the operator has not set up SMS." in page


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("", "Enter the mobile number the text messages go to."),
        ("12", "Enter a valid phone number, in international format such as +32 470 12 34 56."),
        ("+32 470 12 34 56 78 90", "Enter a valid phone number, in international format such as +32 470 12 34 56."),
    ],
)
def test_text_messages_need_a_valid_phone_number(acme, acme_admin, settings, phone, message):
    settings.CHECKIN_SMS_PROVIDER = "http"
    page = _edit(acme, acme_admin, phone=phone)
    assert message in page
    with tenant_context(acme):
        assert Host.objects.get(name="Sophie Dubois").notify_by == "email"


def test_the_phone_number_is_stored_in_e164(acme, acme_admin, settings):
    settings.CHECKIN_SMS_PROVIDER = "http"
    assert _edit(acme, acme_admin, phone="0470 12 34 56") == "saved"
    with tenant_context(acme):
        host = Host.objects.get(name="Sophie Dubois")
    assert (host.notify_by, host.phone) == ("sms", PHONE)


# --- the host's own page --------------------------------------------------------------------------------------------


def test_a_host_chooses_their_own_channel_among_those_that_reach_them(acme, acme_member, world, settings):  # noqa: F811
    settings.CHECKIN_SMS_PROVIDER = "disabled"
    assert "My notifications" in acme_member.get("/").content.decode()  # the member is a host: the page is in reach
    page = acme_member.get("/hosts/me/").content.decode()
    assert 'value="email"' in page and 'value="teams"' not in page and 'value="sms"' not in page
    refused = acme_member.post("/hosts/me/", {"notify_by": "teams", "phone": ""}).content.decode()
    assert "Select a valid choice." in refused
    with tenant_context(acme):
        CompanySettings.objects.update(teams_webhook_url="https://acme.webhook.office.com/webhookb2/x")
    assert acme_member.post("/hosts/me/", {"notify_by": "teams", "phone": ""})["Location"] == "/hosts/me/"
    with tenant_context(acme):
        assert Host.objects.get(pk=world.member_host.pk).notify_by == "teams"
    entry = AuditEntry.objects.get(action="host.channel_changed", tenant_schema="acme")
    assert entry.details == {"notify_by": "teams"}


def test_a_host_choosing_text_messages_gives_a_valid_mobile_number(acme, acme_member, world, settings):  # noqa: F811
    settings.CHECKIN_SMS_PROVIDER = "http"
    page = acme_member.post("/hosts/me/", {"notify_by": "sms", "phone": ""}).content.decode()
    assert "Enter the mobile number the text messages go to." in page
    page = acme_member.post("/hosts/me/", {"notify_by": "sms", "phone": "+1 555"}).content.decode()
    assert "Enter a valid phone number" in page
    assert acme_member.post("/hosts/me/", {"notify_by": "sms", "phone": "0470/12.34.56"}).status_code == 302
    with tenant_context(acme):
        host = Host.objects.get(pk=world.member_host.pk)
    assert (host.notify_by, host.phone) == ("sms", PHONE)


def test_staff_who_are_no_host_get_404(acme, acme_admin, client_for):
    assert acme_admin.get("/hosts/me/").status_code == 404
    assert "My notifications" not in acme_admin.get("/").content.decode()
    anonymous = client_for("acme.localhost").get("/hosts/me/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
