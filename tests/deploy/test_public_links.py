"""Links sent by e-mail and shown by the console and the API: scheme and port from settings, never from DEBUG."""

import pytest
from django.core import mail

from shared_apps.console.api.serializers import BuildingSerializer
from shared_apps.provisioning.companies import company_provision
from shared_apps.tenancy.links import tenant_url
from shared_apps.tenancy.public_links import public_origin

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_links(settings):
    settings.CHECKIN_PUBLIC_SCHEME, settings.CHECKIN_PUBLIC_PORT = "https", ""


def test_development_links_are_plain_http_on_port_8000(acme):
    assert tenant_url(acme) == "http://acme.localhost:8000"


def test_production_links_are_https_without_a_port(acme, tower, production_links):
    assert tenant_url(acme) == "https://acme.localhost"
    assert BuildingSerializer(tower).data["url"] == "https://tower.localhost"


def test_a_default_port_is_never_written_and_another_one_always(settings):
    settings.CHECKIN_PUBLIC_SCHEME, settings.CHECKIN_PUBLIC_PORT = "https", "443"
    assert public_origin("acme.example") == "https://acme.example"
    settings.CHECKIN_PUBLIC_PORT = "8443"
    assert public_origin("acme.example") == "https://acme.example:8443"
    settings.CHECKIN_PUBLIC_SCHEME, settings.CHECKIN_PUBLIC_PORT = "http", "80"
    assert public_origin("acme.example") == "http://acme.example"


def test_the_first_admin_invitation_links_to_https(tower, production_links, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        company_provision(building=tower, slug="umbrella", name="Umbrella", admin_email="boss@umbrella.example",
                          actor="test")  # fmt: skip
    invitation = next(message for message in mail.outbox if message.to == ["boss@umbrella.example"])
    assert "https://umbrella.localhost/" in invitation.body
    assert "http://" not in invitation.body and ":8000" not in invitation.body
