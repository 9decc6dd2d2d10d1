"""A whole intake in a real browser at phone size, with the accessibility audit on every page;
with risky answers, the whole urgent path: the support page, the send, the alert e-mail to the
clinician on call, who signs in, logs a call and closes the urgent episode."""

import os
import re
from datetime import time, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from screening.models import Draft, OnCallShift, OutreachAttempt, Submission, UrgentEpisodeClosure
from tests.a11y import assert_accessible
from tests.alerts.conftest import run_worker
from tests.factories import StaffFactory
from tests.signin import browser_second_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("INTAKE_SCREENSHOTS")  # a folder, to look at the pages while developing


def check_page(page, name):
    assert_accessible(page)
    # Nothing may overflow sideways on a 360 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def save_and_continue(page, next_path):
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
    problems = page.locator("#error-summary").all_inner_texts()
    assert page.url.endswith(f"/{next_path}/"), problems


def group(page, name):
    return page.get_by_role("group", name=name)


def answer(page, question, choice):
    group(page, question).get_by_label(choice, exact=True).check()


def test_phone_user_completes_an_intake(live_server, phone_page, browser, roles):
    page = phone_page
    clinician = StaffFactory(username="casey", first_name="Casey", role="clinician")
    for weekday in range(7):  # on call around the clock, so the test passes at any hour
        OnCallShift.objects.create(
            weekday=weekday, starts=time(0), ends=time(0), clinician=clinician
        )
    page.goto(live_server.url + "/intake/")
    check_page(page, "0-welcome")
    page.get_by_role("button", name="Start my intake").click()

    # 1. About you: a first try with mistakes shows a summary linked to the fields.
    page.wait_for_url(re.compile(r".*/about/$"))
    check_page(page, "1-about")
    page.get_by_label("Full legal name").fill("Sam Q. Patient")
    # US order, the month chosen by name.
    page.get_by_label("Month").select_option(label="February")
    page.get_by_label("Day").fill("30")
    page.get_by_label("Year").fill("1990")
    page.get_by_role("button", name="Save and continue").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("February 1990 has 28 days: check the day")
    expect(page.get_by_label("Month")).to_have_value("2")
    expect(page.get_by_label("Day")).to_have_value("30")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Full legal name")).to_have_value("Sam Q. Patient")
    check_page(page, "1-about-errors")
    summary.get_by_role("link", name=re.compile("February 1990 has 28 days")).click()
    expect(page.get_by_label("Month")).to_be_focused()

    page.get_by_label("Day").fill("28")
    answer(page, "Sex assigned at birth", "Male")
    answer(page, "Preferred language", "English")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Mobile phone number").fill("(910) 555-0142")
    page.get_by_label("ZIP code").fill("28401")
    page.get_by_label("State").select_option("NC")
    group(page, "How may we contact you?").get_by_label("Text message").check()
    expect(page.get_by_label("Where did you hear about us?")).to_be_hidden()
    page.get_by_label("How did you hear about us?").select_option("other")
    expect(page.get_by_label("Where did you hear about us?")).to_be_visible()
    page.get_by_label("Where did you hear about us?").fill("A poster at the library")
    save_and_continue(page, "care-team")

    # 2. Care team: the private link is offered right after the first page is saved.
    expect(page.get_by_role("heading", name="Your answers so far are saved")).to_be_visible()
    private_link = page.get_by_label("Your private link").input_value()
    assert re.search(r"/intake/r/[\w-]{40,}/$", private_link)
    check_page(page, "2-care-team")
    page.get_by_label("Their name").fill("Alex Patient")
    page.get_by_label("How they are related to you").fill("brother")
    page.get_by_label("Their phone number").fill("910 555 0199")
    answer(page, "Is there someone who could take you home", "Yes")
    save_and_continue(page, "mental-health")

    # 3. Mental-health history, with a second antidepressant row added in the page.
    check_page(page, "3-mental-health")
    group(page, "Which of these have you been told").get_by_label("Depression").check()
    page.get_by_label("How many times have you stayed in a hospital").fill("0")
    for question in (
        "Right now, do you hear",
        "in the past?",
        "Has a parent",
        "Right now, are you",
    ):
        answer(page, question, "No")
    first = group(page, "Antidepressant 1")
    first.get_by_label("Medicine name").fill("sertraline")
    first.get_by_label("How many weeks").fill("12")
    first.get_by_label("Was it during this current period").select_option("yes")
    first.get_by_label("How much did it help?").select_option("none")
    page.get_by_role("button", name="Add another antidepressant").click()
    second = group(page, "Antidepressant 2")
    expect(second.get_by_label("Medicine name")).to_be_focused()
    second.get_by_label("Medicine name").fill("escitalopram")
    second.get_by_label("How many weeks").fill("8")
    second.get_by_label("Was it during this current period").select_option("yes")
    second.get_by_label("How much did it help?").select_option("a_little")
    save_and_continue(page, "questionnaires")

    # 4. Questionnaires: C-SSRS 3-5 appear only after "yes" to question 2.
    check_page(page, "4-questionnaires")
    for item in range(1, 10):
        page.locator(f"#id_phq9_{item}_{1 if item == 9 else 2}").check()
    answer(page, "Mood questionnaire: If you checked off any problems", "Very difficult")
    for item in range(1, 8):
        page.locator(f"#id_gad7_{item}_1").check()
    reveal = page.locator("#reveal-cssrs-thoughts")
    expect(reveal).to_be_hidden()
    page.locator("#id_cssrs_q2_0").check()
    expect(reveal).to_be_visible()
    page.locator("#id_cssrs_q2_1").check()
    expect(reveal).to_be_hidden()
    page.locator("#id_cssrs_q1_1").check()
    page.locator("#id_cssrs_q6_1").check()
    # PHQ-9 item 9 above "not at all": the support page comes next.
    save_and_continue(page, "support")
    expect(page.get_by_role("link", name="Call 988").first).to_be_visible()
    expect(page.get_by_role("link", name="Text 988").first).to_be_visible()
    check_page(page, "4b-support")
    page.get_by_role("button", name="Continue my form").click()

    # 5. Medical history: no pregnancy questions for someone male at birth.
    page.wait_for_url(re.compile(r".*/medical/$"))
    check_page(page, "5-medical")
    expect(page.get_by_text("Are you pregnant?")).to_have_count(0)
    answer(page, "high blood pressure", "No")
    answer(page, "Have you ever had a heart problem", "No")
    answer(page, "Have you ever had a stroke", "No")
    answer(page, "glaucoma", "No")
    for question in (
        "injury to your eye",
        "seizures",
        "sleep apnea",
        "lung disease",
        "bladder",
        "dementia",
        "ketamine or esketamine",
        "bad reaction",
    ):
        answer(page, question, "No")
    answer(page, "liver disease", "No")
    answer(page, "thyroid condition", "No")
    answer(page, "Height in", "Feet and inches")
    page.get_by_label("Feet", exact=True).fill("5")
    page.get_by_label("Inches (optional)").fill("10")
    page.get_by_label("Weight").fill("180")
    answer(page, "Weight in", "Pounds (lb)")
    answer(page, "Do you have any allergies", "No")
    save_and_continue(page, "substances")

    # 6. Substances.
    check_page(page, "6-substances")
    answer(page, "How often do you drink alcohol?", "Weekly")
    for substance in ("Cannabis", "Stimulants", "Opioids", "Sedatives", "Ketamine, PCP"):
        answer(page, substance, "Never")
    answer(page, "In the past 3 months", "No")
    answer(page, "Have you ever had treatment", "No")
    save_and_continue(page, "medications")

    # 7. Medications.
    check_page(page, "7-medications")
    group(page, "Medicine 1").get_by_label("Medicine name").fill("sertraline")
    group(page, "Medicine 1").get_by_label("Dose").fill("100 mg")
    for drug in ("Benzodiazepines", "Lamotrigine", "MAO inhibitors", "Stimulants", "Opioids",
                 "Memantine", "Other sedatives"):  # fmt: skip
        answer(page, drug, "No")
    save_and_continue(page, "review")

    # 8. Review and consent, then send.
    check_page(page, "8-review")
    expect(page.get_by_text("5 ft 10 in (177.8 cm)")).to_be_visible()
    expect(page.get_by_text("escitalopram, 8 weeks")).to_be_visible()
    page.get_by_label("not an emergency service").check()
    page.get_by_label("how the clinic uses and protects").check()
    page.get_by_label("contact me by text message").check()
    page.get_by_label("Type your full name to sign").fill("Sam Q. Patient")
    page.get_by_role("button", name="Send my intake").click()
    page.wait_for_url(re.compile(r".*/done/$"))
    check_page(page, "9-done")

    submission = Submission.objects.get()
    expect(page.get_by_text(submission.reference)).to_be_visible()
    expect(
        page.get_by_text("someone from our care team will reach out to you first")
    ).to_be_visible()
    assert submission.outcome == "urgent"
    assert submission.intake["medical"]["pregnant"] == "not_applicable"
    assert submission.intake["about"]["heard_about_other"] == "A poster at the library"
    assert Draft.objects.get().answers == {}

    # The worker alerts the clinician on call: no name, no answer, a link behind the sign-in.
    run_worker()
    (alert,) = [m for m in mail.outbox if m.subject == "An urgent intake is waiting"]
    assert alert.to == [clinician.email]
    assert "Sam" not in alert.body and "Patient" not in alert.body
    path = re.search(r"https?://[^/\s]+(/staff/submissions/[\w-]+/)", alert.body).group(1)

    # The clinician signs in on a phone, opens the link, logs a call and closes the episode.
    staff = browser.new_context(viewport={"width": 360, "height": 800})
    desk = staff.new_page()
    desk.goto(live_server.url + path)
    desk.get_by_label("Username").fill("casey")
    desk.get_by_label("Password").fill("correct-horse-battery-staple")
    desk.get_by_role("button", name="Sign in").click()
    browser_second_step(desk, clinician)
    # A first sign-in enrols through the invitation's own link, which starts at the queue.
    desk.goto(live_server.url + path)
    expect(desk.locator("#act-now")).to_contain_text("(910) 555-0142")
    assert_accessible(desk)
    desk.get_by_label("Called and spoke with them").check()
    desk.get_by_label("Note on this attempt").fill("Spoke with Sam; brother is with him.")
    desk.get_by_role("button", name="Log the attempt").click()
    desk.get_by_text("Attempt logged: Called and spoke with them.").wait_for()
    desk.get_by_label("Safe, plan agreed").check()
    desk.get_by_role("button", name="Close the urgent episode").click()
    desk.get_by_text("Urgent episode closed: Safe, plan agreed.").wait_for()
    assert_accessible(desk)
    assert OutreachAttempt.objects.get(submission=submission).kind == "spoke"
    assert UrgentEpisodeClosure.objects.get(submission=submission).outcome == "safe_plan"
    staff.close()


def test_resume_link_opens_the_intake_in_a_fresh_browser(live_server, browser):
    """Someone saves on one device and opens the private link on another."""
    from screening.models import Draft as DraftModel
    from tests.intake.helpers import step_url

    draft, token = DraftModel.start()
    draft.answers = {"about": {"legal_name": "Sam", "email": "sam@example.org"}}
    draft.completed_steps = ["about"]
    draft.current_step = "care-team"
    draft.expires_at = timezone.now() + timedelta(days=3)
    draft.save()

    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/intake/r/{token}/")
    page.wait_for_url(re.compile(r".*/care-team/$"))
    assert page.url.endswith(step_url(token, "care-team"))
    # Steps not reached yet stay closed.
    page.goto(live_server.url + step_url(token, "medical"))
    page.wait_for_url(re.compile(r".*/care-team/$"))
    context.close()
