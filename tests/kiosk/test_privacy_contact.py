"""The kiosk's privacy notice names whom to ask: the company's contact (and DPO) and the building's (IT console)."""

from django_tenants.utils import tenant_context

from tenant_apps.visits.models import CompanySettings
from tests.kiosk.conftest import choose_language


def test_the_kiosk_notice_names_the_company_and_building_contacts(kiosk_tower, tower, globex, it_staff):
    with tenant_context(globex):
        CompanySettings.objects.update_or_create(pk=1, defaults={
            "privacy_contact_name": "Globex privacy", "privacy_contact_email": "privacy@globex.example",
            "dpo_name": "Gina DPO", "dpo_email": "dpo@globex.example"})  # fmt: skip
    choose_language(kiosk_tower, "fr")
    kiosk_tower.post("/kiosk/walk-in/", {"company": globex.pk})
    page = kiosk_tower.get("/kiosk/walk-in/details/").content.decode()
    assert "privacy@globex.example" in page and "dpo@globex.example" in page
    assert "Globex privacy" in page and "accueil" in page  # the building has no contact of its own: the desk
    form = it_staff.get(f"/console/buildings/{tower.slug}/").context["form"]
    data = {**{name: value for name, value in form.initial.items() if value not in (None, False)},
            "kiosk_languages": form.initial["kiosk_languages"], "auto_checkout_time": "20:00",
            "privacy_contact_name": "Tower reception",
            "privacy_contact_email": "desk-privacy@tower.example"}  # fmt: skip
    assert it_staff.post(f"/console/buildings/{tower.slug}/", data).status_code == 302
    tower.refresh_from_db()
    assert tower.privacy_contact_email == "desk-privacy@tower.example"
    kiosk_tower.post("/kiosk/walk-in/", {"company": globex.pk})
    page = kiosk_tower.get("/kiosk/walk-in/details/").content.decode()
    assert "Tower reception, desk-privacy@tower.example" in page and "privacy@globex.example" in page
