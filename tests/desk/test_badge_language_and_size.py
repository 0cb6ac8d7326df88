"""The desk prints a badge in the visitor's language (the page around it in the desk's), on the building's label."""

from shared_apps.tenancy.models import Building
from tenant_apps.visits.models import Visit


def test_the_desk_badge_speaks_the_visitors_language(tower_desk, acme, make_visit):
    visit = make_visit(acme, first_name="Greta", language="de", state=Visit.State.ON_SITE)
    page = tower_desk.post(f"/desk/visits/acme/{visit.pk}/badge/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Beim Gehen am Terminal scannen." in page and "Besucher" in page
    assert "Print the badge" in page  # the desk's own page stays in the desk's language


def test_the_desk_badge_uses_the_buildings_label_size(tower_desk, tower, acme, make_visit):
    visit = make_visit(acme, first_name="Sizer", state=Visit.State.ON_SITE)
    Building.objects.filter(pk=tower.pk).update(badge_size=Building.BadgeSize.LABEL_54X101)
    page = tower_desk.get(f"/desk/visits/acme/{visit.pk}/badge/").content.decode()
    assert "kiosk/badge-54x101.css" in page and "badge-62x100" not in page
