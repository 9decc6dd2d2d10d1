"""At 360 x 800: the medical notice after a reading in the crisis range, the page for younger
people, and the support page (its big 988 buttons in the first screen, focus on its heading),
each with the accessibility audit."""

import re

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from screening.models import CallMeRequest, Draft, UrgentAlert
from tests.a11y import assert_accessible
from tests.intake.helpers import draft_at, step_data, step_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTICE_WORDS = (
    "If you have chest pain, shortness of breath, back pain, numbness or weakness, a change in "
    "vision or difficulty speaking, call 911 now; otherwise contact your doctor today"
)


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 360, "height": 800})
    return page


def check_page(page):
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def save_and_continue(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()


def test_a_crisis_reading_brings_the_notice_and_continue_goes_on(live_server, phone):
    _draft, token = draft_at("substances", Client())
    page = phone
    # A deep private link: exchanged for this browser's cookie, then the page itself.
    page.goto(f"{live_server.url}/intake/r/{token}/medical/")

    page.get_by_label("Top number").fill("250")
    page.get_by_label("Bottom number").fill("150")
    save_and_continue(page)

    assert page.url.endswith("/intake/my/medical-notice/")
    heading = page.get_by_role("heading", name="About your blood-pressure reading")
    expect(heading).to_be_focused()
    expect(page.get_by_text(NOTICE_WORDS)).to_be_visible()
    expect(page.get_by_role("link", name="Call 911")).to_have_attribute("href", "tel:911")
    bar = page.get_by_role("complementary", name="Crisis help")
    expect(bar.get_by_role("link", name="Call 988")).to_be_visible()
    check_page(page)
    assert Draft.objects.get().medical_notice_shown_at is not None

    page.get_by_role("link", name="Continue with my intake").click()
    page.wait_for_url(re.compile(r".*/substances/$"))
    check_page(page)


def test_a_date_of_birth_under_18_brings_the_kind_page_and_can_be_corrected(live_server, phone):
    _draft, token = draft_at("care-team", Client())
    page = phone
    page.goto(f"{live_server.url}/intake/r/{token}/about/")

    page.get_by_label("Year").fill(str(timezone.localdate().year - 15))
    save_and_continue(page)

    assert page.url.endswith("/intake/my/for-adults/")
    expect(page.get_by_role("heading", name="Our treatment is for adults")).to_be_focused()
    expect(page.get_by_role("link", name="Call 988").last).to_have_attribute("href", "tel:988")
    expect(page.get_by_role("link", name="Text HOME to 741741")).to_have_attribute(
        "href", "sms:741741?body=HOME"
    )
    expect(page.get_by_text("parent, a guardian or your own doctor")).to_be_visible()
    expect(page.locator("main form")).to_have_count(0)
    check_page(page)

    # The health questions lead back here.
    page.goto(live_server.url + step_url(token, "medical"))
    page.wait_for_url(re.compile(r".*/for-adults/$"))

    page.get_by_role("link", name="check your date of birth").click()
    page.wait_for_url(re.compile(r".*/about/$"))
    page.get_by_label("Year").fill("1987")
    save_and_continue(page)
    assert page.url.endswith(step_url(token, "care-team"))
    assert not Draft.objects.get().under_min_age


def support_page_draft():
    client = Client()
    _draft, token = draft_at("questionnaires", client)
    client.post(step_url(token, "questionnaires"), step_data("questionnaires", phq9_9="2"))
    return token


def test_the_support_pages_988_buttons_are_in_the_first_screen(live_server, phone):
    token = support_page_draft()
    page = phone
    page.goto(live_server.url + f"/intake/r/{token}/support/")

    expect(page.get_by_role("heading", name="Thank you for telling us")).to_be_focused()
    panel = page.locator(".crisis-panel")
    for name in ("Call 988", "Text 988", "Chat at 988lifeline.org"):
        box = panel.get_by_role("link", name=name).bounding_box()
        assert box is not None, name
        assert box["y"] >= 0 and box["y"] + box["height"] <= 800, (name, box)
        # Big enough to hit with a thumb.
        assert box["height"] >= 44, (name, box)
    assert page.evaluate("window.scrollY") == 0
    check_page(page)


def test_stop_for_now_and_please_call_me(live_server, phone):
    token = support_page_draft()
    page = phone
    page.goto(live_server.url + f"/intake/r/{token}/support/")

    page.get_by_role("link", name="Stop for now").click()
    page.wait_for_url(re.compile(r".*/support/stop/$"))
    expect(page.get_by_role("heading", name="Stopping for now")).to_be_focused()
    expect(page.get_by_text("Our clinic cannot see answers that are not sent.")).to_be_visible()
    check_page(page)

    # A first try with a problem: the summary takes the focus and links to the field.
    page.get_by_label("Your name").fill("Sam Patient")
    page.get_by_role("button", name="Please call me").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the phone number we should call")
    check_page(page)

    page.get_by_label("Phone number").fill("910 555 0142")
    page.get_by_label("Evening (5 pm to 8 pm)").check()
    page.get_by_label("Someone from the clinic may call me at this number.").check()
    page.get_by_role("button", name="Please call me").click()
    page.wait_for_url(re.compile(r".*/support/call-me/$"))
    expect(page.get_by_role("heading", name="Thank you, we will call you")).to_be_focused()
    check_page(page)

    call = CallMeRequest.objects.get()
    assert (call.name, call.phone, call.best_time) == ("Sam Patient", "910 555 0142", "evening")
    assert UrgentAlert.objects.get().reason == UrgentAlert.Reason.CALL_REQUEST
