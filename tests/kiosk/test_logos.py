"""Company tiles show the company's logo, served only to a paired kiosk of the company's building."""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from shared_apps.tenancy.models import Tenant
from tests.kiosk.conftest import choose_language


def _png() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="logo.png")


@pytest.fixture
def globex_with_logo(globex: Tenant):
    globex.logo.save("logo.png", _png(), save=True)
    yield globex
    globex.logo.delete(save=False)


def test_a_paired_kiosk_shows_the_logo_on_the_company_tile(kiosk_tower, globex_with_logo, acme):
    choose_language(kiosk_tower, "en")
    page = kiosk_tower.get("/kiosk/walk-in/").content.decode()
    assert f'src="/kiosk/logos/{globex_with_logo.pk}/"' in page
    response = kiosk_tower.get(f"/kiosk/logos/{globex_with_logo.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    assert kiosk_tower.get(f"/kiosk/logos/{acme.pk}/").status_code == 404  # no logo


def test_nobody_else_gets_the_logo(kiosk_harbour, globex_with_logo, client_for, tower_desk):
    path = f"/kiosk/logos/{globex_with_logo.pk}/"
    assert kiosk_harbour.get(path).status_code == 404  # another building's kiosk
    assert client_for("tower.localhost").get(path).status_code == 302  # unpaired: to the pairing screen
    assert b"PNG" not in client_for("tower.localhost").get(path).content
    assert client_for("acme.localhost").get(path).status_code == 404  # not a route on company hosts
