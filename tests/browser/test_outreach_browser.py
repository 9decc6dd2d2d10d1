"""Issue 12 in a real browser: a clinician signs in (password and code), opens an urgent
submission, reads what is needed to act now, logs a call and closes the urgent episode; the
pages pass the accessibility audit at each step."""

import pytest
from django.contrib.auth.models import Group

from clinic.roles import ROLES
from screening.models import OutreachAttempt, UrgentEpisodeClosure
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


def test_clinician_logs_a_call_and_closes_the_urgent_episode(live_server, page, roles):
    clinician = StaffFactory(username="casey", first_name="Casey", role="clinician")
    urgent = make_outcome_submission("urgent")
    make_outcome_submission("needs_review")

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("casey")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    browser_second_step(page, clinician)
    page.wait_for_url("**/staff/")
    assert page.get_by_text("Urgent episode open · no attempt to reach them yet").is_visible()

    page.get_by_role("link", name=urgent.reference).click()
    page.wait_for_url(f"**/staff/submissions/{urgent.reference}/")
    panel = page.locator("#act-now")
    assert panel.get_by_role("heading", name="Act now: urgent").is_visible()
    assert panel.get_by_role("link", name="+1 910 555 0142").is_visible()
    assert panel.get_by_text("Alex Rivera (spouse)").is_visible()
    assert panel.get_by_role("heading", name="Crisis-call script").is_visible()
    assert_accessible(page)

    # "Something else" needs a note: refused next to the field, nothing lost.
    page.get_by_label("Something else (say what in the note)").first.check()
    page.get_by_role("button", name="Log the attempt").click()
    page.locator("#outreach-errors").wait_for()
    assert "Say what was done." in page.locator("#outreach-errors").inner_text()
    assert_accessible(page)

    page.get_by_label("Called and spoke with them").check()
    page.get_by_label("Note on this attempt").fill("Spoke with her; sister is with her tonight.")
    page.get_by_role("button", name="Log the attempt").click()
    page.get_by_text("Attempt logged: Called and spoke with them.").wait_for()
    assert page.locator(".outreach-log").get_by_text("Called and spoke with them").is_visible()
    assert_accessible(page)

    page.get_by_label("Safe, plan agreed").check()
    page.get_by_label("Note on how it ended").fill("Safety plan agreed; call back tomorrow 10:00.")
    page.get_by_role("button", name="Close the urgent episode").click()
    page.get_by_text("Urgent episode closed: Safe, plan agreed.").wait_for()
    assert panel.get_by_role("heading", name="Urgent episode closed").is_visible()
    assert_accessible(page)

    attempt = OutreachAttempt.objects.get(submission=urgent)
    assert (attempt.kind, attempt.by) == ("spoke", clinician)
    closure = UrgentEpisodeClosure.objects.get(submission=urgent)
    assert (closure.outcome, closure.note) == (
        "safe_plan",
        "Safety plan agreed; call back tomorrow 10:00.",
    )
