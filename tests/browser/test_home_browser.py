"""The home page in a real browser at phone size."""

import pytest

from tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_phone_visitor_finds_the_crisis_bar_and_follows_it(live_server, phone_page):
    page = phone_page
    page.goto(live_server.url + "/")

    bar = page.get_by_role("complementary", name="Crisis help")
    assert bar.is_visible()
    assert bar.get_by_role("link", name="Call 988").get_attribute("href") == "tel:988"
    assert bar.get_by_role("link", name="Text 988").get_attribute("href") == "sms:988"
    # Nothing overflows sideways on a 360 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    bar.get_by_role("link", name="More crisis resources").click()
    page.wait_for_url("**/crisis/")
    assert page.get_by_role("heading", name="Veterans Crisis Line").is_visible()
    assert page.get_by_role("heading", name="SAMHSA National Helpline").is_visible()


@pytest.mark.parametrize("path", ["/", "/crisis/", "/privacy/", "/intake/", "/no-such-page/"])
def test_public_pages_pass_the_accessibility_audit(live_server, phone_page, path):
    phone_page.goto(live_server.url + path)
    assert_accessible(phone_page)


def test_menu_opens_with_the_keyboard_on_a_phone(live_server, phone_page):
    page = phone_page
    page.goto(live_server.url + "/")
    toggle = page.get_by_role("button", name="Show menu")
    toggle.focus()
    page.keyboard.press("Enter")
    start = page.get_by_role("navigation", name="Main").get_by_role("link", name="Start an intake")
    start.wait_for(state="visible")
    assert start.is_visible()
