"""In headless Chromium: the board picks up a check-in made elsewhere, by itself, without a reload, and its row's
buttons act on that visit."""

import uuid

import pytest

from tests.browser import Site, sign_in_at_the_desk


@pytest.fixture
def live_desk(db: None, dev_site: Site) -> str:
    """The tower's desk on the session's dev server (it sees only committed rows: the session's demo)."""
    return dev_site.url("tower.localhost")


def test_the_board_shows_a_check_in_made_elsewhere_without_a_reload(live_desk, browser):
    from playwright.sync_api import expect

    surname = f"Kiosk{uuid.uuid4().hex[:8]}"
    board = browser.new_context().new_page()
    sign_in_at_the_desk(board, live_desk)
    board.goto(f"{live_desk}/desk/?company=globex")
    board.fill("input[name=q]", surname[:6])  # a search the refresh must keep
    board.evaluate("window.deskMarker = 'not reloaded'")
    expect(board.locator("#board-live")).not_to_contain_text(surname)

    # Another client checks someone in: a walk-in goes through visit_register and visit_check_in.
    other = browser.new_context().new_page()
    sign_in_at_the_desk(other, live_desk)  # another desk person
    other.goto(f"{live_desk}/desk/walk-in/")
    other.select_option("select[name=company]", "globex")
    other.fill("input[name=first_name]", "Ulrike")
    other.fill("input[name=last_name]", surname)
    other.fill("input[name=expected_end]", "23:59")
    other.check("input[name=notice_accepted]")
    other.click("main button[type=submit]")
    expect(other.locator(".badge-label")).to_contain_text(surname)

    expect(board.locator("#board-live")).to_contain_text(surname, timeout=15000)
    assert board.evaluate("window.deskMarker") == "not reloaded"
    assert board.input_value("input[name=q]") == surname[:6]
    assert board.input_value("select[name=company]") == "globex"

    # The row's "Check out" posts through the board's one shared form, and comes back to the same board.
    row = board.locator("tr[data-visit]", has_text=surname)
    row.get_by_role("button", name="Check out").click()
    expect(board.locator("tr[data-visit]", has_text=surname)).to_have_attribute("data-state", "left")
    assert board.url.endswith("/desk/?company=globex")
