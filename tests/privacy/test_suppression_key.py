"""Objections are keyed by CHECKIN_SUPPRESSION_KEY: rotating SECRET_KEY forgets none, rotating the key itself
keeps the old ones through CHECKIN_SUPPRESSION_KEY_FALLBACKS."""

import pytest
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from tenant_apps.privacy.subjects import person_object
from tenant_apps.visits.objections import objection_lift as suppression_lift
from tenant_apps.visits.objections import visitor_objected as visitor_is_suppressed
from tests.privacy.conftest import person

pytestmark = pytest.mark.django_db
MAIL = "objector@example.org"
FIRST_KEY, SECOND_KEY = "suppression-key-one-" + "1" * 40, "suppression-key-two-" + "2" * 40


@pytest.fixture
def objected(acme, settings):
    settings.CHECKIN_SUPPRESSION_KEY, settings.CHECKIN_SUPPRESSION_KEY_FALLBACKS = FIRST_KEY, []
    with tenant_context(acme):
        person_object(visitor=person(email=MAIL), user=User.objects.get(email="admin@acme.example"))
        assert visitor_is_suppressed(MAIL)
    return acme


def test_rotating_secret_key_forgets_no_objection(objected, settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-brand-new-secret-key-" + "n" * 40, []
    with tenant_context(objected):
        assert visitor_is_suppressed(MAIL)


def test_a_rotated_suppression_key_finds_old_objections_through_its_fallbacks(objected, settings):
    settings.CHECKIN_SUPPRESSION_KEY = SECOND_KEY
    with tenant_context(objected):
        assert not visitor_is_suppressed(MAIL)  # without the previous key the old hash is not found...
        settings.CHECKIN_SUPPRESSION_KEY_FALLBACKS = [FIRST_KEY]
        assert visitor_is_suppressed(MAIL)  # ...with it, it is
        assert suppression_lift(email=MAIL, actor="kiosk:tower:1")  # and consent given again lifts it
        assert not visitor_is_suppressed(MAIL)
