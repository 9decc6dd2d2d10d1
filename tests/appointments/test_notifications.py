"""Emails to patients when an appointment is booked, moved or cancelled: an .ics attached, no
health information, sent after the booking commits, retried with backoff when sending fails,
and never losing the booking."""

import smtplib
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from appointments import booking, notifications
from appointments.models import Appointment, Notification
from clinic.roles import ROLES
from tests.factories import (
    URGENT_CHANGES,
    StaffFactory,
    intake_document,
    invite,
    make_appointment_request,
    make_slot,
    make_submission,
)

pytestmark = pytest.mark.django_db

BROKEN = "tests.appointments.test_notifications.BrokenBackend"


class BrokenBackend(BaseEmailBackend):
    """A mail server that is down, and says so with the recipient in its message."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({m.to[0]: (550, b"no such user") for m in messages})


@pytest.fixture
def booked(coordinator, django_capture_on_commit_callbacks):
    req = make_appointment_request(make_submission(intake_document(**URGENT_CHANGES)))
    invite(req.submission)  # urgent answers: a clinician has read them before booking
    with django_capture_on_commit_callbacks(execute=True):
        return booking.book(req, make_slot(mode="video"), by=coordinator)


def ics(message):
    ((name, content, mimetype),) = message.attachments
    assert (name, mimetype) == ("consultation.ics", "text/calendar")
    calendar = Calendar.from_ical(content)
    return calendar, calendar.walk("VEVENT")[0]


def test_booking_emails_the_patient_with_a_calendar_request(booked, mailoutbox):
    (message,) = mailoutbox
    assert message.to == ["jordan.rivera@example.org"]
    assert message.subject == "Your consultation at Harbor Ketamine Clinic is booked"
    assert booked.label.split(" to ")[0].split(", ")[1] in message.body  # the time
    assert "By video." in message.body and "+1 910 555 0100" in message.body
    calendar, event = ics(message)
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == booked.uid
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == booked.starts_at
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == booked.ends_at
    assert str(event["ORGANIZER"]) == "mailto:care@clinic.example"
    assert str(event["LOCATION"]) == "Video: link sent separately"
    assert Notification.objects.get().status == "sent"


def test_the_email_carries_no_health_information(booked, mailoutbox):
    (message,) = mailoutbox
    text = (message.subject + message.body + message.attachments[0].content).lower()
    text = text.replace("harbor ketamine clinic", "the clinic")

    for word in (
        "ketamine",
        "esketamine",
        "depress",
        "urgent",
        "screen",
        "eligible",
        "crisis",
        "988",
        "phq",
        "suicid",
        "outcome",
        "intake",
    ):
        assert word not in text, word


def test_moving_sends_the_same_event_with_the_next_sequence(
    booked, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    new_slot = make_slot(starts_in=timedelta(days=9), mode="in_person", location="Room 4")
    with django_capture_on_commit_callbacks(execute=True):
        booking.reschedule(booked, new_slot, by=coordinator, mode="in_person")

    message = mailoutbox[-1]
    assert message.subject.endswith("has a new time")
    assert "Where: Room 4" in message.body
    calendar, event = ics(message)
    assert (calendar["METHOD"], str(event["UID"]), event["SEQUENCE"]) == ("REQUEST", booked.uid, 1)
    assert event.decoded("DTSTART") == new_slot.starts_at


def test_cancelling_sends_a_calendar_cancel(
    booked, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel(booked, by=coordinator, reason="Clinician unavailable")

    message = mailoutbox[-1]
    assert message.subject.endswith("is cancelled")
    assert "Clinician unavailable" not in message.body
    calendar, event = ics(message)
    assert (calendar["METHOD"], str(event["STATUS"]), event["SEQUENCE"]) == (
        "CANCEL",
        "CANCELLED",
        1,
    )
    assert str(event["UID"]) == booked.uid


@override_settings(EMAIL_BACKEND=BROKEN)
def test_a_failed_send_keeps_the_booking_logs_without_the_address_and_schedules_a_retry(
    coordinator, django_capture_on_commit_callbacks, caplog
):
    req = make_appointment_request()
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        appointment = booking.book(req, make_slot(), by=coordinator)

    assert Appointment.objects.filter(pk=appointment.pk, status="booked").exists()
    notification = Notification.objects.get()
    assert (notification.status, notification.attempts) == ("failed", 1)
    assert notification.last_error == "SMTPRecipientsRefused: the mail server refused the address"
    assert before + timedelta(minutes=1) <= notification.next_attempt_at
    assert notification.next_attempt_at <= timezone.now() + timedelta(minutes=1)
    assert "will retry" in caplog.text
    assert "jordan" not in caplog.text.lower() and "@example.org" not in caplog.text


@override_settings(EMAIL_BACKEND=BROKEN)
@pytest.mark.django_db(transaction=True)
def test_the_booking_page_says_the_email_will_be_retried(client):
    # A real commit, so the first attempt happens inside the request as in production. An
    # earlier transactional test may have emptied the role groups: make sure they are there.
    for role in ROLES:
        Group.objects.get_or_create(name=role)
    req = make_appointment_request()
    client.force_login(StaffFactory(role="coordinator"))

    response = client.post(
        reverse("appointments_staff:book", args=[req.pk]),
        {"book-slot": make_slot().pk, "book-mode": "video"},
        follow=True,
    )

    body = response.content.decode()
    assert "could not be sent yet; it will be retried automatically" in body
    assert (
        "1 email to patients could not be sent"
        in client.get(reverse("appointments_staff:requests")).content.decode()
    )


def test_backoff_doubles_then_gives_up_for_a_person_to_retry(booked):
    Notification.objects.update(status="pending", attempts=0)
    notification = Notification.objects.get()
    start = timezone.now()
    waits = []
    with override_settings(EMAIL_BACKEND=BROKEN):
        for _ in range(Notification.MAX_ATTEMPTS):
            notifications.deliver(notification.pk, now=start)
            notification.refresh_from_db()
            waits.append(
                notification.next_attempt_at
                and (notification.next_attempt_at - start).seconds // 60
            )

    assert waits == [1, 2, 4, 8, 16, None]
    assert notification.gave_up
    assert Notification.objects.due(start + timedelta(days=1)).count() == 0


def test_the_command_sends_what_is_due_and_only_that(coordinator, mailoutbox):
    due = booking.book(make_appointment_request(), make_slot(), by=coordinator)
    later = booking.book(
        make_appointment_request(), make_slot(starts_in=timedelta(days=5)), by=coordinator
    )
    Notification.objects.filter(appointment=later).update(
        status="failed", attempts=1, next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    out = StringIO()

    call_command("send_notifications", stdout=out)

    assert out.getvalue().strip() == (
        "Appointment emails: 1 sent, 0 failed (will retry), 0 failed for good (staff can "
        "retry), 0 taken by another run."
    )
    assert [m.to for m in mailoutbox] == [["jordan.rivera@example.org"]]
    assert Notification.objects.get(appointment=due).status == "sent"
    assert Notification.objects.get(appointment=later).status == "failed"
    call_command("send_notifications", stdout=StringIO())
    assert len(mailoutbox) == 1  # nothing is sent twice


def test_the_command_counts_failures(coordinator):
    booking.book(make_appointment_request(), make_slot(), by=coordinator)
    out = StringIO()

    with override_settings(EMAIL_BACKEND=BROKEN):
        call_command("send_notifications", stdout=out)

    assert "0 sent, 1 failed (will retry)" in out.getvalue()


def test_an_unsent_email_is_replaced_by_the_next_change(coordinator, mailoutbox):
    appointment = booking.book(make_appointment_request(), make_slot(), by=coordinator)
    booking.reschedule(appointment, make_slot(starts_in=timedelta(days=6)), by=coordinator)

    kinds = list(Notification.objects.values_list("kind", "status"))
    # The person never heard of the first time, so the new time is their "booked" email.
    assert kinds == [("booked", "superseded"), ("booked", "pending")]
    notifications.send_due()
    assert len(mailoutbox) == 1


def test_staff_retry_now_sends_with_csrf(csrf_client, coordinator, booked, mailoutbox):
    from tests.factories import csrf_post

    Notification.objects.update(status="failed", next_attempt_at=None, attempts=6)
    notification = Notification.objects.get()
    csrf_client.force_login(coordinator)
    page = reverse("appointments_staff:request_detail", args=[booked.request_id])

    response = csrf_post(
        csrf_client,
        page,
        reverse("appointments_staff:retry_email", args=[notification.pk]),
        {"next": page},
    )

    assert response.status_code == 302
    assert response["Location"] == page
    notification.refresh_from_db()
    assert notification.status == "sent"
    assert len(mailoutbox) == 2


def test_retry_refuses_an_outside_next_url(client, coordinator, booked):
    client.force_login(coordinator)
    notification = Notification.objects.get()

    response = client.post(
        reverse("appointments_staff:retry_email", args=[notification.pk]),
        {"next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("appointments_staff:schedule")


def test_clinicians_cannot_retry(client, booked):
    client.force_login(StaffFactory(role="clinician"))
    notification = Notification.objects.get()

    response = client.post(reverse("appointments_staff:retry_email", args=[notification.pk]))

    assert response.status_code == 403
