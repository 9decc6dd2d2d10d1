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
    assert page.locator("#answer-questionnaires-phq9-8.evidence").is_visible()
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


@pytest.mark.parametrize("path", ["/staff/thresholds/", "/staff/audit/", "/staff/?q=nobody"])
def test_administrator_pages_pass_the_accessibility_audit(live_server, page, roles, path):
    StaffFactory(username="avery", role="administrator")
    make_outcome_submission("needs_review")

    sign_in(page, live_server, "avery")
    page.goto(live_server.url + path)

    assert_accessible(page)
