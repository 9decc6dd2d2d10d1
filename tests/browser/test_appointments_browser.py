"""Appointments in a real browser: a patient on a phone picks an open time through their private
link, a coordinator books it, the patient sees it booked; every page on the way passes the
accessibility audit."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from appointments.models import Appointment
from clinic.roles import ROLES
from tests.a11y import assert_accessible
from tests.factories import StaffFactory, make_linked_submission, make_slot
from tests.signin import browser_second_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def roles():
    # Transactional tests empty the tables between tests, the migration's groups included.
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def fits_a_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_patient_picks_a_time_and_a_coordinator_books_it(live_server, phone_page, roles):
    page = phone_page
    casey = StaffFactory(
        username="casey", first_name="Casey", last_name="Clinician", role="clinician"
    )
    coordinator = StaffFactory(
        username="corey", first_name="Corey", last_name="Coordinator", role="coordinator"
    )
    slot = make_slot(casey, starts_in=timedelta(days=3), mode="video")
    token, submission = make_linked_submission()
    link = f"{live_server.url}/appointments/request/{token}/"

    # Someone without an intake finds the call-back form from the menu.
    page.goto(live_server.url + "/appointments/request/")
    assert page.get_by_role("heading", name="Or ask us to call you back").is_visible()
    assert fits_a_phone(page)
    assert_accessible(page)

    # The patient asks by video without choosing a time: refused next to the field, focus on
    # the summary, nothing lost.
    page.goto(link)
    page.get_by_label("By video").check()
    page.get_by_role("button", name="Send my request").click()
    summary = page.get_by_role("alert")
    summary.wait_for()
    assert "Pick one of the open times" in summary.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert page.get_by_label("By video").is_checked()
    assert fits_a_phone(page)
    assert_accessible(page)

    page.get_by_label("Pick an open time").select_option(str(slot.pk))
    page.get_by_label("Email").check()
    page.get_by_role("button", name="Send my request").click()
    page.get_by_role("heading", name="What you asked for").wait_for()
    assert page.get_by_text(slot.label).is_visible()
    assert fits_a_phone(page)
    assert_accessible(page)

    # The coordinator signs in, finds the request and books the picked slot.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/accounts/login/?next=/staff/appointments/requests/")
    page.get_by_label("Username").fill("corey")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    browser_second_step(page, coordinator)
    # A first sign-in enrols through the invitation's own link, which starts at the queue.
    page.goto(live_server.url + "/staff/appointments/requests/")
    assert_accessible(page)

    page.get_by_role("link", name="Jordan").click()
    page.get_by_role("heading", name="Book a slot").wait_for()
    assert_accessible(page)
    assert page.locator("#id_book-slot").input_value() == str(slot.pk)  # their pick
    page.get_by_role("button", name="Book", exact=True).click()
    page.get_by_text("Booked: ").first.wait_for()
    assert page.get_by_role("heading", name="Move to another slot").is_visible()
    assert_accessible(page)

    appointment = Appointment.objects.get()
    assert (appointment.slot_id, appointment.mode, appointment.status) == (
        slot.pk,
        "video",
        "booked",
    )
    assert [m.to for m in mail.outbox] == [["jordan.rivera@example.org"]]

    page.goto(
        f"{live_server.url}/staff/appointments/schedule/?date="
        f"{appointment.starts_at.date():%Y-%m-%d}"
    )
    assert page.get_by_role("link", name="Jordan").is_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/staff/appointments/availability/")
    assert_accessible(page)

    # Back on the phone, the patient sees the booking.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(link)
    assert page.get_by_role("heading", name="Your consultation is booked").is_visible()
    assert fits_a_phone(page)
    assert_accessible(page)
