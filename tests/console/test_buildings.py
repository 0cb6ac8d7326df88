"""Editing, archiving and the versioned visitor documents of a building."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from shared_apps.audit.models import AuditEntry
from shared_apps.provisioning.buildings import (
    building_archive,
    building_create,
    building_document_publish,
    building_update,
)
from shared_apps.provisioning.companies import company_create, company_remove
from shared_apps.tenancy.models import BuildingDocument

pytestmark = pytest.mark.django_db


def _settings(**changes):
    values = dict(name="Tower", address="Rue 1", timezone_name="Europe/Brussels", kiosk_languages=["en", "fr"],
                  default_retention_days=180, auto_checkout_time=datetime.time(19, 30), kiosk_requires_email=False,
                  kiosk_requires_phone=True)  # fmt: skip
    values.update(changes)
    return values


def test_it_updates_a_building_and_audits_the_fields_changed(tower):
    building_update(building=tower, actor="test", **_settings())
    tower.refresh_from_db()
    assert tower.kiosk_languages == ["fr", "en"] and tower.default_retention_days == 180
    entry = AuditEntry.objects.filter(action="building.update").latest("id")
    assert "default_retention_days" in entry.details["changed"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"timezone_name": "Mars/Olympus"}, "timezone"), ({"kiosk_languages": ["xx"]}, "kiosk_languages"),
     ({"kiosk_languages": []}, "kiosk_languages"), ({"default_retention_days": 0}, "default_retention_days"),
     ({"name": " "}, "name")],
)  # fmt: skip
def test_it_refuses_bad_settings(tower, changes, field):
    with pytest.raises(ValidationError) as error:
        building_update(building=tower, actor="test", **_settings(**changes))
    assert field in error.value.message_dict


def test_a_new_version_is_a_new_row(tower):
    first = building_document_publish(building=tower, kind="visitor_rules", language="nl", text="Badge dragen.",
                                      actor="test")  # fmt: skip
    second = building_document_publish(building=tower, kind="visitor_rules", language="nl", text="Badge zichtbaar.",
                                       actor="test")  # fmt: skip
    assert (first.version, second.version) == ("1", "2")
    assert BuildingDocument.objects.filter(building=tower, kind="visitor_rules", language="nl").count() == 2


def test_a_building_with_companies_cannot_be_archived(tower):
    with pytest.raises(ValidationError):
        building_archive(building=tower, actor="test")


def test_an_empty_building_is_archived_and_its_desk_stops(client_for):
    dock = building_create(slug="dock", name="Dock")
    pier = company_create(building=dock, slug="pier-co", name="Pier")
    company_remove(company=pier, actor="test")
    building_archive(building=dock, actor="test")
    assert dock.archived_at is not None
    assert client_for("dock.localhost").get("/accounts/login/").status_code == 503
