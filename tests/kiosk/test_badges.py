"""A badge fits one label: the name's size is chosen so its longest word fits a line and the whole in a few lines."""

from shared_apps.tenancy.models import Building
from tenant_apps.kiosk.badges import LABEL_SIZES, NAME_POINTS, fitting_points
from tests.kiosk.conftest import walk_in

LONG = "Maximiliane-Theodora Vandenbroucke-Uytte"  # 40 characters, two long words


def test_a_short_name_gets_the_largest_size_and_a_long_one_shrinks_without_splitting_a_word():
    for size in LABEL_SIZES.values():
        assert fitting_points("Ann Lee", width_mm=size.text_width_mm, lines=size.name_lines, sizes=NAME_POINTS) == 20
        points = fitting_points(LONG, width_mm=size.text_width_mm, lines=size.name_lines, sizes=NAME_POINTS)
        assert points < 20
        per_line = size.text_width_mm / (points * 25.4 / 72 * 0.62)
        assert max(len(word) for word in LONG.split()) <= per_line  # the longest word fits one line


def test_the_kiosk_badge_uses_the_buildings_label_size(kiosk_tower, tower, globex):
    Building.objects.filter(pk=tower.pk).update(badge_size=Building.BadgeSize.LABEL_54X101)
    first, last = LONG.split()
    walk_in(kiosk_tower, globex, first_name=first, last_name=last)
    page = kiosk_tower.get("/kiosk/badge/").content.decode()
    assert "kiosk/badge-54x101.css" in page and 'class="badge-label badge-54x101"' in page
    assert "badge-fs-20" not in page.split("badge-name")[1][:40]  # the long name got a smaller size
    assert "<h1" in page  # the page has a heading (the label itself is an article)


def test_a_returning_visitor_gets_the_label_in_their_language_and_the_screen_in_the_one_chosen_now(kiosk_tower, globex):
    """The person's record says English (their first visit); today they chose German at the kiosk: the label speaks
    English (the visitor's language, as the desk's badge), the screen around it German (issue #23's screenshots
    showed a whole English page after a German walk-in)."""
    walk_in(kiosk_tower, globex, language="en", email="returning@example.org")
    kiosk_tower.post("/kiosk/reset/")
    walk_in(kiosk_tower, globex, language="de", email="returning@example.org")
    page = kiosk_tower.get("/kiosk/badge/").content.decode()
    screen, label = page.split('class="badge-label', 1)[0], page.split('class="badge-label', 1)[1]
    assert "Ihr Besucherausweis" in screen and "Your badge" not in screen
    assert "Scan at the kiosk when you leave." in label and "Beim Gehen" not in label
