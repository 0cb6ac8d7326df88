"""In headless Chromium at 1280x800: the board's sections (expected soonest first, a visitor row in view without
scrolling, left collapsed), the walk-in form's host list following the chosen company, and Cancel asking first."""

from typing import TYPE_CHECKING

import pytest

from tests.browser import sign_in_at_the_desk
from tests.desk.test_browser import live_desk  # noqa: F401 -- the fixture, shared

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

VIEWPORT: "ViewportSize" = {"width": 1280, "height": 800}


@pytest.fixture
def page(live_desk, browser):  # noqa: F811

    page = browser.new_context(viewport=VIEWPORT, locale="en").new_page()
    sign_in_at_the_desk(page, live_desk)
    yield page


def test_the_board_sections_fit_a_1280x800_tablet(page, live_desk):  # noqa: F811
    from playwright.sync_api import expect

    page.goto(f"{live_desk}/desk/")
    sections = page.locator("[data-section]")
    assert [sections.nth(i).get_attribute("data-section") for i in range(sections.count())] == [
        "expected", "on_site", "left"
    ]  # fmt: skip
    expected_rows = page.locator("[data-section=expected] tbody tr")
    assert expected_rows.count() > 0, "the demo has visitors expected today"
    times = [expected_rows.nth(i).locator("td").nth(2).inner_text() for i in range(expected_rows.count())]
    assert times == sorted(times)  # soonest planned time first
    expect(page.locator("[data-section=expected] th").nth(2)).to_have_text("Planned")
    expect(expected_rows.first).to_be_in_viewport()
    box = expected_rows.first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= VIEWPORT["height"]
    expect(page.locator("details[data-section=left]")).not_to_have_attribute("open", "")


def test_cancel_on_the_board_asks_first(page, live_desk):  # noqa: F811
    from playwright.sync_api import expect

    page.goto(f"{live_desk}/desk/")
    row = page.locator("[data-section=expected] tbody tr").first
    key = row.get_attribute("data-visit")
    row.get_by_role("link", name="Cancel").click()
    expect(page.locator("h1")).to_have_text("Cancel the visit?")
    page.get_by_role("link", name="No, back to the board").click()
    expect(page.locator(f'[data-section=expected] tr[data-visit="{key}"]')).to_have_count(1)  # still expected


def test_the_walk_in_host_list_offers_only_the_chosen_companys_hosts(page, live_desk):  # noqa: F811
    page.goto(f"{live_desk}/desk/walk-in/")
    page.select_option("select[name=company]", "globex")
    offered = page.eval_on_selector_all(
        "select[name=host] option", "os => os.filter(o => !o.disabled && o.value).map(o => o.value)"
    )
    assert offered and all(value.startswith("globex:") for value in offered)
    page.select_option("select[name=host]", offered[0])
    page.select_option("select[name=company]", "acme")
    assert page.input_value("select[name=host]") == ""  # the other company's host is no longer chosen
