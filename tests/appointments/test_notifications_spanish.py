"""Appointment emails and their calendar files in the language of the person's intake (issue
14): a coordinator books from an English staff page, a person who answered in Spanish gets
Spanish; the clinic's time zone is unchanged."""

import re

import pytest
from django.utils import timezone
from icalendar import Calendar

from appointments import booking
from tests.factories import (
    intake_document,
    make_appointment_request,
    make_slot,
    make_submission,
)

pytestmark = pytest.mark.django_db


def book(coordinator, capture, intake, mode="video"):
    req = make_appointment_request(make_submission(intake))
    with capture(execute=True):
        return booking.book(req, make_slot(mode=mode), by=coordinator)


def event_of(message):
    ((_name, content, _mimetype),) = message.attachments
    return Calendar.from_ical(content).walk("VEVENT")[0]


def test_a_spanish_intake_gets_the_booking_email_and_calendar_in_spanish(
    coordinator, django_capture_on_commit_callbacks, mailoutbox
):
    appointment = book(
        coordinator, django_capture_on_commit_callbacks, intake_document(language="es")
    )

    (message,) = mailoutbox
    assert message.subject == "Su consulta en Harbor Ketamine Clinic está reservada"
    assert message.body.startswith("Hola:")
    assert "Su consulta en Harbor Ketamine Clinic está reservada para:" in message.body
    assert "Por video. Le enviaremos aparte el enlace para conectarse." in message.body
    assert "El archivo de calendario adjunto la agrega a su calendario." in message.body
    assert "Por favor, no envíe información sobre su salud por correo electrónico." in message.body
    # "martes 1 de diciembre de 2026, 15:00 a 16:00 (EST)": Spanish words, the clinic's zone.
    start = timezone.localtime(appointment.starts_at)
    assert re.search(
        rf"[a-zé]+ {start.day} de [a-z]+ de {start.year}, {start:%H:%M} a \d\d:\d\d \([A-Z]+\)",
        message.body,
    ), message.body
    for english in ("Your consultation", "calendar file", "Where:", "Hello"):
        assert english not in message.body

    event = event_of(message)
    assert str(event["SUMMARY"]) == "Consulta en Harbor Ketamine Clinic"
    assert event["SUMMARY"].params["LANGUAGE"] == "es"
    assert str(event["LOCATION"]) == "Video: le enviaremos el enlace aparte"
    assert "Para cambiarla o cancelarla: +1 910 555 0100" in str(event["DESCRIPTION"])
    assert event.decoded("DTSTART") == appointment.starts_at


def test_an_in_person_visit_moved_and_cancelled_in_spanish(
    coordinator, django_capture_on_commit_callbacks, mailoutbox
):
    appointment = book(
        coordinator,
        django_capture_on_commit_callbacks,
        intake_document(language="es"),
        mode="in_person",
    )
    with django_capture_on_commit_callbacks(execute=True):
        booking.reschedule(appointment, make_slot(mode="in_person"), by=coordinator)
    appointment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel(appointment, by=coordinator, reason="Clinician ill")

    booked, moved, cancelled = mailoutbox
    assert "Dónde: 100 Harbor Street" in booked.body
    assert moved.subject == "Su consulta en Harbor Ketamine Clinic tiene un nuevo horario"
    assert "cambió de horario. El nuevo horario es:" in moved.body
    assert cancelled.subject == "Su consulta en Harbor Ketamine Clinic está cancelada"
    assert "El archivo de calendario adjunto la quita de su calendario." in cancelled.body
    # The clinic's reason for staff is never in the patient's email.
    assert "ill" not in cancelled.body


def test_an_english_intake_stays_in_english(
    coordinator, django_capture_on_commit_callbacks, mailoutbox
):
    book(coordinator, django_capture_on_commit_callbacks, intake_document())

    (message,) = mailoutbox
    assert message.subject == "Your consultation at Harbor Ketamine Clinic is booked"
    assert event_of(message)["SUMMARY"].params["LANGUAGE"] in ("en", "en-us")
