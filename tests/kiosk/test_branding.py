"""IT sets a building's kiosk branding, badge labels and desk address in the console; the kiosk serves them within
the CSP (a stylesheet of its own host, never an inline style)."""

from tests.kiosk.conftest import choose_language


def _building_form(it_staff, tower, **changes: str) -> dict[str, object]:
    form = it_staff.get(f"/console/buildings/{tower.slug}/").context["form"]
    return {**{name: value for name, value in form.initial.items() if value not in (None, False)},
            "kiosk_languages": form.initial["kiosk_languages"], "auto_checkout_time": "20:00", **changes}  # fmt: skip


def test_it_sets_the_branding_and_the_kiosk_shows_it(it_staff, kiosk_tower, tower):
    data = _building_form(it_staff, tower, kiosk_welcome="Welkom in de Toren", kiosk_accent="#1D4ED8",
                          badge_size="54x101", desk_email="desk@tower.example")  # fmt: skip
    assert it_staff.post(f"/console/buildings/{tower.slug}/", data).status_code == 302
    tower.refresh_from_db()
    assert (tower.kiosk_welcome, tower.kiosk_accent, tower.badge_size, tower.desk_email) == (
        "Welkom in de Toren", "#1d4ed8", "54x101", "desk@tower.example"
    )  # fmt: skip
    choose_language(kiosk_tower)
    page = kiosk_tower.get("/kiosk/menu/").content.decode()
    assert "Welkom in de Toren" in page and "/kiosk/brand.css" in page and "style=" not in page
    css = kiosk_tower.get("/kiosk/brand.css")
    assert css["Content-Type"].startswith("text/css") and "--brand: #1d4ed8" in css.content.decode()


def test_a_too_light_or_malformed_colour_is_refused_and_nothing_is_saved(it_staff, tower):
    for colour in ("#ffff00", "yellow"):
        data = _building_form(it_staff, tower, kiosk_accent=colour, kiosk_welcome="Never")
        response = it_staff.post(f"/console/buildings/{tower.slug}/", data)
        assert response.status_code in (200, 400) and "errorlist" in response.content.decode()
    tower.refresh_from_db()
    assert tower.kiosk_accent == "" and tower.kiosk_welcome == ""


def test_without_a_colour_the_kiosk_links_no_brand_stylesheet(kiosk_tower):
    choose_language(kiosk_tower)
    assert "/kiosk/brand.css" not in kiosk_tower.get("/kiosk/menu/").content.decode()
    assert kiosk_tower.get("/kiosk/brand.css").content == b""
