"""The staff review workspace in a real browser: a clinician on a phone works an urgent
submission from sign-in to decision, and every staff page passes the accessibility audit."""

import pytest
from django.contrib.auth.models import Group

from clinic.roles import ROLES
from screening.models import Acknowledgement, Decision
from tests.a11y import assert_accessible
from tests.factories import StaffFactory
from tests.review.helpers import make_outcome_submission
from tests.signin import browser_second_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def roles():
    # Transactional tests empty the tables between tests, the migration's groups included.
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def sign_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # A first sign-in enrols an authenticator app, and the code comes from it.
    user = StaffFactory._meta.model.objects.get(username=username)
    browser_second_step(page, user, check=assert_accessible)
    page.wait_for_url("**/staff/")


def test_clinician_on_a_phone_acknowledges_and_decides(live_server, phone_page, roles):
    page = phone_page
    clinician = StaffFactory(username="casey", first_name="Casey", role="clinician")
    urgent = make_outcome_submission("urgent")
    make_outcome_submission("eligible_for_consultation")

    sign_in(page, live_server, "casey")
    assert page.get_by_text("Not acknowledged · waiting").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)

    page.get_by_role("link", name=urgent.reference).click()
    page.wait_for_url(f"**/staff/submissions/{urgent.reference}/")
    # The answers are folded by step; a flag's evidence link opens the step and goes there.
    evidence = page.locator("#answer-questionnaires-phq9-8.evidence")
    assert not evidence.is_visible()
    page.locator('#flags a[href="#answer-questionnaires-phq9-8"]').click()
    evidence.wait_for(state="visible")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)

    page.get_by_label("Called the person and spoke with them").check()
    page.get_by_label("Note", exact=True).fill("Spoke with them; safety plan reviewed.")
    page.get_by_role("button", name="Record acknowledgement").click()
    page.get_by_text("Acknowledged: called the person and spoke with them.").wait_for()

    # A decision without a note is refused next to the field, with nothing lost.
    page.get_by_label("Need more information").check()
    page.get_by_label("Information needed").fill("Their psychiatrist's letter.")
    page.get_by_role("button", name="Record decision").click()
    alert = page.locator("#decision-errors")
    alert.wait_for()
    assert "Write a note" in alert.inner_text()
    assert page.get_by_label("Information needed").input_value() == "Their psychiatrist's letter."
    assert_accessible(page)

    page.get_by_label("Note for the record").fill("Safety first; then review the letter.")
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text("Decision recorded: Need more information.").wait_for()

    assert Acknowledgement.objects.get(submission=urgent).acknowledged_by == clinician
    decision = Decision.objects.get(submission=urgent)
    assert (decision.kind, decision.information_needed) == (
        "more_info",
        "Their psychiatrist's letter.",
    )


@pytest.mark.parametrize("path", ["/staff/thresholds/", "/staff/audit/", "/staff/"])
def test_administrator_pages_pass_the_accessibility_audit(live_server, page, roles, path):
    StaffFactory(username="avery", role="administrator")
    make_outcome_submission("needs_review")

    sign_in(page, live_server, "avery")
    page.goto(live_server.url + path)
    if path == "/staff/":
        # A search that finds nobody, posted as the form does (the term stays out of the URL).
        page.get_by_text("Search and filters").click()
        page.get_by_role("textbox", name="Search").fill("nobody@example.org")
        page.get_by_role("button", name="Show").click()
        page.get_by_text("No submissions match").wait_for()
        assert "nobody" not in page.url
        assert page.get_by_role("button", name="Clear search").is_visible()

    assert_accessible(page)


def box_bottom(page, selector):
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box["y"] + box["height"]


def test_a_clinician_decides_from_the_first_screen_at_1280_by_800(live_server, page, roles):
    """The common case, a flagged submission: who, how to reach them, the flags with their
    evidence and the scores are on the first screen; the decision form beside them."""
    page.set_viewport_size({"width": 1280, "height": 800})
    StaffFactory(username="casey", first_name="Casey", role="clinician")
    flagged = make_outcome_submission("needs_review")
    sign_in(page, live_server, "casey")

    page.goto(live_server.url + f"/staff/submissions/{flagged.reference}/")

    for selector in ("#contact", "#flags", "#scores"):
        assert box_bottom(page, selector) <= 800, selector
    assert page.locator("#decide").bounding_box()["y"] < 800
    assert page.get_by_text("RV_SEIZURES").first.is_visible()
    assert_accessible(page)

    # Folded by step; "Open all answers" opens every one (and folds them again), by keyboard.
    steps = page.locator("#answers details")
    assert steps.count() >= 8
    assert page.locator("#answers details[open]").count() == 0
    button = page.get_by_role("button", name="Open all answers")
    button.focus()
    page.keyboard.press("Enter")
    assert page.locator("#answers details:not([open])").count() == 0
    assert page.locator("#answer-medical-seizures").is_visible()
    assert page.get_by_role("button", name="Fold all answers").get_attribute("aria-expanded") == (
        "true"
    )
    assert_accessible(page)
    page.keyboard.press("Space")
    assert page.locator("#answers details[open]").count() == 0

    # One step opens from its summary with the keyboard.
    page.locator("#step-medical > summary").focus()
    page.keyboard.press("Enter")
    assert page.locator("#step-medical[open]").count() == 1

    # Printing shows every answer: staff.js opens the folded steps before the print.
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details:not([open])").count() == 0
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("#answers details[open]").count() == 1
