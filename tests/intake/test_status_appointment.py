"""The "your intake" page at the private link says where the person's consultation stands,
exactly as staff left it (issue 12): one message per state, the booked time in the clinic's
time zone, and the same words on the appointment request page."""

from datetime import timedelta

import pytest
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import strip_tags

from appointments import booking
from appointments.models import AppointmentRequest
from appointments.patient_status import State, patient_appointment
from screening.models import Draft
from tests.factories import (
    REVIEW_CHANGES,
    URGENT_CHANGES,
    intake_document,
    invite,
    make_linked_submission,
    make_slot,
)

pytestmark = pytest.mark.django_db


def status_url(token):
    return "/intake/my/done/"


def request_url(token):
    return "/appointments/my-request/"


def sent(intake=None):
    token, submission = make_linked_submission(intake)
    Draft.objects.filter(submission=submission).update(submitted_at=timezone.now())
    return token, submission


def ask(submission, **kwargs):
    kwargs.setdefault("mode", "either")
    kwargs.setdefault("contact_preference", "phone")
    return booking.request_consultation(submission, **kwargs)


def page(client, token):
    client.get(f"/intake/r/{token}/")  # the private link, as from the email
    response = client.get(status_url(token))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def state_on_page(body):
    start = body.index('data-state="') + len('data-state="')
    return body[start : body.index('"', start)]


@pytest.fixture
def person():
    return sent()


def test_nothing_asked_yet_offers_the_request(client, person):
    token, _ = person

    body = page(client, token)

    assert state_on_page(body) == State.NONE
    assert "You have not asked for a consultation yet." in body
    assert 'href="/appointments/my-request/">Request an appointment</a>' in body


def test_asked_and_cleared_says_a_coordinator_arranges_it(client, person):
    token, submission = person
    ask(submission, contact_preference="text")

    body = page(client, token)

    assert state_on_page(body) == State.REQUESTED
    assert "A coordinator will contact you by text message to arrange a time." in body
    assert "See or cancel your request" in body


def test_asked_before_a_clinician_has_read_it_says_it_is_being_reviewed(client):
    token, submission = sent(intake_document(**REVIEW_CHANGES))
    ask(submission, contact_preference="email")

    body = page(client, token)

    assert state_on_page(body) == State.REVIEWING
    assert "A clinician is reading your intake first; then a coordinator will contact you" in body
    assert "by email" in body
    # Once a clinician invites them, the same page says a coordinator arranges it.
    invite(submission)
    assert state_on_page(page(client, token)) == State.REQUESTED


def test_booked_gives_the_time_in_the_clinic_time_zone(client, person, coordinator, clinician):
    token, submission = person
    appointment = booking.book(ask(submission), make_slot(clinician), by=coordinator)

    body = page(client, token)

    assert state_on_page(body) == State.BOOKED
    assert "Your consultation is booked" in body
    assert appointment.label in body
    zone = timezone.localtime(appointment.starts_at).tzname()
    assert zone in ("EST", "EDT") and f"({zone})" in body
    assert "See or cancel your request" in body


def test_moved_gives_the_new_time_and_the_old_one(client, person, coordinator, clinician):
    token, submission = person
    first = booking.book(ask(submission), make_slot(clinician), by=coordinator)
    old_label = first.label.split(" to ")[0]
    moved = booking.reschedule(
        first, make_slot(clinician, starts_in=timedelta(days=6)), by=coordinator
    )

    body = page(client, token)

    assert state_on_page(body) == State.MOVED
    assert "Your consultation has moved to a new time" in body
    assert moved.label in body
    assert f"It was {old_label}; that time no longer stands." in body


def test_cancelled_by_the_clinic_and_reopened(client, person, coordinator, clinician):
    token, submission = person
    appointment = booking.book(ask(submission), make_slot(clinician), by=coordinator)
    booking.cancel(appointment, by=coordinator, reason="Clinician ill", reopen=True)

    body = page(client, token)

    assert state_on_page(body) == State.CANCELLED
    when = appointment.label.split(" to ")[0]
    assert f"Your consultation on {when} was cancelled." in body
    assert "A coordinator will contact you by phone to arrange another time." in body
    assert "Clinician ill" not in body  # staff reasons stay with staff


def test_cancelled_by_the_clinic_and_closed(client, person, coordinator, clinician):
    token, submission = person
    appointment = booking.book(ask(submission), make_slot(clinician), by=coordinator)
    booking.cancel(appointment, by=coordinator, reason="Referred", reopen=False)

    body = page(client, token)

    assert state_on_page(body) == State.CANCELLED_CLOSED
    assert "was cancelled. If you would like another, ask again below" in body
    assert ">Request an appointment</a>" in body


def test_closed_without_booking(client, person, coordinator):
    token, submission = person
    booking.close_request(ask(submission), by=coordinator, reason="Reached by phone")

    body = page(client, token)

    assert state_on_page(body) == State.CLOSED
    assert "Your request is closed." in body


def test_cancelled_by_the_person(client, person):
    token, submission = person
    booking.cancel_by_patient(ask(submission))

    assert "You cancelled your request." in page(client, token)


def test_attended_and_missed(client, coordinator, clinician):
    token, submission = sent()
    appointment = booking.book(ask(submission), make_slot(clinician), by=coordinator)
    started = appointment.starts_at + timedelta(minutes=5)
    booking.record_outcome(appointment, "attended", by=coordinator, now=started)
    assert state_on_page(page(client, token)) == State.ATTENDED

    other_token, other = sent()
    missed = booking.book(
        ask(other), make_slot(clinician, starts_in=timedelta(days=4)), by=coordinator
    )
    booking.record_outcome(missed, "no_show", by=coordinator, now=missed.starts_at)
    body = page(client, other_token)
    assert state_on_page(body) == State.MISSED
    assert "We missed you at your consultation on" in body


def test_the_request_page_says_the_same(client, person, coordinator, clinician):
    token, submission = person
    first = booking.book(ask(submission), make_slot(clinician), by=coordinator)
    booking.reschedule(first, make_slot(clinician, starts_in=timedelta(days=6)), by=coordinator)

    status = page(client, token)
    request_page = " ".join(client.get(request_url(token)).content.decode().split())

    assert state_on_page(request_page) == state_on_page(status) == State.MOVED

    def words(body):  # the state's words, whatever the heading level of the page
        part = body[body.index('data-state="') :]
        return " ".join(
            strip_tags(part[part.index(">") + 1 :]).split("To change the time")[0].split()
        )

    assert words(status) == words(request_page)
    assert "Your consultation has moved to a new time" in words(status)


def test_an_urgent_person_sees_no_promise_of_days_and_no_outcome(client):
    token, submission = sent(intake_document(**URGENT_CHANGES))
    ask(submission)

    body = page(client, token)

    assert state_on_page(body) == State.REVIEWING
    appointment_part = body[body.index('id="appointment-heading"') :].split("</section>")[0]
    assert "business days" not in appointment_part
    assert "urgent" not in appointment_part.lower()


def test_every_state_has_its_own_message():
    """The template has one branch per state the rules can give."""
    source = get_template("appointments/_patient_state.html").template.source
    states = {
        value for name, value in vars(State).items() if name.isupper() and value != State.NONE
    }
    for value in states:
        assert f'"{value}"' in source, value


def test_the_newest_request_is_the_one_shown(person, coordinator):
    _token, submission = person
    booking.close_request(ask(submission), by=coordinator, reason="Duplicate")
    newer = ask(submission)

    state = patient_appointment(submission)

    assert (state.state, state.request) == (State.REQUESTED, newer)
    assert AppointmentRequest.objects.filter(submission=submission).count() == 2
