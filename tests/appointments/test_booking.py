"""Coordinators book a request into a slot, move it, cancel it with a reason, and mark it
attended or no-show; every change is kept with who made it, and nobody double-books."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from appointments import booking
from appointments.models import Appointment, AppointmentEvent, AppointmentRequest, Slot
from tests.factories import (
    StaffFactory,
    csrf_post,
    make_appointment_request,
    make_callback_request,
    make_slot,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def casey(clinician):
    return clinician


@pytest.fixture
def req():
    return make_appointment_request()


def detail(req):
    return reverse("appointments_staff:request_detail", args=[req.pk])


def last_message(response):
    return str(list(get_messages(response.wsgi_request))[-1])


# The rules --------------------------------------------------------------------------------


def test_booking_makes_the_appointment_and_records_who(req, casey, coordinator):
    slot = make_slot(casey, mode="video")

    appointment = booking.book(req, slot, by=coordinator)

    req.refresh_from_db()
    assert req.status == "booked"
    assert (appointment.slot, appointment.clinician, appointment.mode) == (slot, casey, "video")
    assert (appointment.starts_at, appointment.ends_at) == (slot.starts_at, slot.ends_at)
    event = AppointmentEvent.objects.get(action="booked")
    assert (event.actor, event.appointment, event.to_starts_at) == (
        coordinator,
        appointment,
        slot.starts_at,
    )
    assert slot not in Slot.objects.bookable()


def test_a_slot_holds_one_appointment(casey, coordinator):
    slot = make_slot(casey)
    booking.book(make_appointment_request(), slot, by=coordinator)
    second = make_appointment_request()

    with pytest.raises(booking.BookingError, match="already taken") as refused:
        booking.book(second, slot, by=coordinator)

    assert refused.value.field == "slot"
    second.refresh_from_db()
    assert second.status == "open"
    assert Appointment.objects.count() == 1


def test_a_clinician_cannot_be_in_two_overlapping_appointments(casey, coordinator):
    first = make_slot(casey, starts_in=timedelta(days=3))
    # An overlapping slot can only exist if someone bypasses the availability rules.
    overlapping = Slot.objects.create(
        clinician=casey,
        starts_at=first.starts_at + timedelta(minutes=30),
        ends_at=first.ends_at + timedelta(minutes=30),
    )
    booking.book(make_appointment_request(), first, by=coordinator)

    with pytest.raises(booking.BookingError, match="Casey Clinician has another appointment"):
        booking.book(make_appointment_request(), overlapping, by=coordinator)

    assert Appointment.objects.count() == 1


def test_the_database_refuses_a_second_active_appointment_in_a_slot(casey, coordinator):
    slot = make_slot(casey)
    appointment = booking.book(make_appointment_request(), slot, by=coordinator)

    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            request=make_appointment_request(),
            slot=slot,
            clinician=casey,
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            mode="video",
        )


def test_the_database_refuses_a_clinician_twice_at_the_same_start(casey, coordinator):
    slot = make_slot(casey)
    twin = Slot.objects.create(clinician=casey, starts_at=slot.starts_at, ends_at=slot.ends_at)
    booking.book(make_appointment_request(), slot, by=coordinator)

    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            request=make_appointment_request(),
            slot=twin,
            clinician=casey,
            starts_at=twin.starts_at,
            ends_at=twin.ends_at,
            mode="video",
        )


def test_the_database_refuses_a_slot_that_ends_before_it_starts(casey):
    now = timezone.now()

    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.create(clinician=casey, starts_at=now, ends_at=now - timedelta(minutes=1))


def test_nobody_books_into_the_past(req, casey, coordinator):
    slot = make_slot(casey, starts_in=-timedelta(hours=2))

    with pytest.raises(booking.BookingError, match="already passed"):
        booking.book(req, slot, by=coordinator)

    assert not Appointment.objects.exists()


def test_a_video_request_cannot_go_into_an_in_person_slot(casey, coordinator):
    req = make_appointment_request(mode="video")
    slot = make_slot(casey, mode="in_person")

    with pytest.raises(booking.BookingError, match="in-person visits only"):
        booking.book(req, slot, by=coordinator)


def test_a_request_that_is_not_open_is_not_booked(req, casey, coordinator):
    booking.close_request(req, by=coordinator, reason="Reached by phone; not now.")

    with pytest.raises(booking.BookingError, match="closed, not open"):
        booking.book(req, make_slot(casey), by=coordinator)


def test_a_cancelled_appointment_frees_its_slot_for_someone_else(casey, coordinator):
    slot = make_slot(casey)
    first = booking.book(make_appointment_request(), slot, by=coordinator)
    booking.cancel(first, by=coordinator, reason="Asked to cancel by phone")

    second = booking.book(make_appointment_request(), slot, by=coordinator)

    assert second.slot == slot
    assert list(slot.appointments.values_list("status", flat=True).order_by("pk")) == [
        "cancelled",
        "booked",
    ]


def test_moving_keeps_the_appointment_and_counts_the_sequence(req, casey, coordinator):
    dana = StaffFactory(username="dana", first_name="Dana", last_name="Doctor", role="clinician")
    old, new = make_slot(casey), make_slot(dana, starts_in=timedelta(days=5))
    appointment = booking.book(req, old, by=coordinator)

    moved = booking.reschedule(appointment, new, by=coordinator)

    assert moved.pk == appointment.pk
    assert (moved.slot, moved.clinician, moved.starts_at, moved.sequence) == (
        new,
        dana,
        new.starts_at,
        1,
    )
    assert old in Slot.objects.bookable()
    event = AppointmentEvent.objects.get(action="rescheduled")
    assert (event.from_starts_at, event.from_clinician, event.to_starts_at, event.to_clinician) == (
        old.starts_at,
        casey,
        new.starts_at,
        dana,
    )


def test_moving_into_a_taken_or_past_slot_is_refused(req, casey, coordinator):
    appointment = booking.book(req, make_slot(casey), by=coordinator)
    taken = make_slot(casey, starts_in=timedelta(days=6))
    booking.book(make_appointment_request(), taken, by=coordinator)
    past = make_slot(casey, starts_in=-timedelta(days=1))

    with pytest.raises(booking.BookingError, match="already taken"):
        booking.reschedule(appointment, taken, by=coordinator)
    with pytest.raises(booking.BookingError, match="already passed"):
        booking.reschedule(appointment, past, by=coordinator)

    appointment.refresh_from_db()
    assert appointment.sequence == 0


def test_moving_within_the_same_clinician_to_an_overlapping_slot_is_allowed(casey, coordinator):
    first = make_slot(casey)
    later = Slot.objects.create(
        clinician=casey,
        starts_at=first.starts_at + timedelta(minutes=30),
        ends_at=first.ends_at + timedelta(minutes=30),
    )
    appointment = booking.book(make_appointment_request(), first, by=coordinator)

    # The appointment doesn't clash with itself.
    assert booking.reschedule(appointment, later, by=coordinator).slot == later


def test_cancelling_needs_a_reason_and_reopens_or_closes_the_request(casey, coordinator):
    reopened = booking.book(make_appointment_request(), make_slot(casey), by=coordinator)
    closed = booking.book(
        make_appointment_request(), make_slot(casey, starts_in=timedelta(days=4)), by=coordinator
    )

    with pytest.raises(booking.BookingError, match="Say why"):
        booking.cancel(reopened, by=coordinator, reason="  ")
    booking.cancel(reopened, by=coordinator, reason="Clinician ill")
    booking.cancel(closed, by=coordinator, reason="Going elsewhere", reopen=False)

    reopened.refresh_from_db()
    assert (reopened.status, reopened.cancel_reason, reopened.request.status) == (
        "cancelled",
        "Clinician ill",
        "open",
    )
    closed.refresh_from_db()
    assert closed.request.status == "closed"
    event = AppointmentEvent.objects.filter(action="cancelled").first()
    assert (event.actor, event.reason) == (coordinator, "Clinician ill")


def test_attended_and_no_show_only_once_it_has_started(casey, coordinator):
    slot = make_slot(casey)
    appointment = booking.book(make_appointment_request(), slot, by=coordinator)

    with pytest.raises(booking.BookingError, match="once it has started"):
        booking.record_outcome(appointment, "attended", by=coordinator)
    booking.record_outcome(
        appointment, "no_show", by=coordinator, now=slot.starts_at + timedelta(minutes=20)
    )
    with pytest.raises(booking.BookingError, match="already no-show"):
        booking.record_outcome(
            appointment, "attended", by=coordinator, now=slot.ends_at + timedelta(hours=1)
        )

    appointment.refresh_from_db()
    assert appointment.status == "no_show"
    # A no-show goes back to the open list for a follow-up; the slot stays used.
    assert appointment.request.status == "open"
    assert slot not in Slot.objects.free()


def test_attended_closes_the_request(casey, coordinator):
    slot = make_slot(casey)
    appointment = booking.book(make_appointment_request(), slot, by=coordinator)

    booking.record_outcome(appointment, "attended", by=coordinator, now=slot.ends_at)

    appointment.refresh_from_db()
    assert (appointment.status, appointment.request.status) == ("attended", "closed")
    assert AppointmentEvent.objects.filter(action="attended", actor=coordinator).exists()


def test_a_call_back_request_can_be_booked_and_nobody_is_emailed(
    casey, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = booking.book(make_callback_request(), make_slot(casey), by=coordinator)

    assert appointment.mode == "in_person"
    assert not appointment.notifications.exists()
    assert mailoutbox == []


# The pages --------------------------------------------------------------------------------


def test_request_page_offers_the_picked_slot_first(client, coordinator, casey):
    picked = make_slot(casey, starts_in=timedelta(days=6))
    make_slot(casey, starts_in=timedelta(days=2))
    req = make_appointment_request(slot=picked, mode="video")
    client.force_login(coordinator)

    response = client.get(detail(req))

    form = response.context["book_form"]
    assert form.initial == {"mode": "video", "slot": picked.pk}
    assert picked.label in response.content.decode()


def test_the_booking_form_lists_three_weeks_of_one_clinician_or_everyone(
    client, coordinator, casey
):
    dana = StaffFactory(username="dana", first_name="Dana", last_name="Doctor", role="clinician")
    soon = make_slot(casey, starts_in=timedelta(days=2))
    dana_soon = make_slot(dana, starts_in=timedelta(days=2))
    far = make_slot(casey, starts_in=timedelta(days=30))
    picked_far = make_slot(dana, starts_in=timedelta(days=40))
    req = make_appointment_request(slot=picked_far)
    client.force_login(coordinator)

    def listed(**query):
        response = client.get(detail(req), query)
        return set(response.context["book_form"].fields["slot"].queryset)

    assert listed() == {soon, dana_soon, picked_far}
    assert listed(clinician=casey.pk) == {soon, picked_far}
    later = (timezone.localdate() + timedelta(days=25)).isoformat()
    assert listed(**{"from": later}) == {far, picked_far}
    assert listed(**{"from": "nonsense"}) == {soon, dana_soon, picked_far}


def test_a_refused_booking_keeps_the_chosen_slot_selected(client, coordinator, casey):
    far = make_slot(casey, starts_in=timedelta(days=50), mode="in_person")
    req = make_appointment_request(mode="video")
    client.force_login(coordinator)

    response = client.post(
        reverse("appointments_staff:book", args=[req.pk]),
        {"book-slot": far.pk, "book-mode": "video"},
    )

    assert "in-person visits only" in " ".join(response.context["book_form"].errors["slot"])
    assert f'<option value="{far.pk}" selected>' in response.content.decode()


def test_booking_through_the_page_with_csrf(
    csrf_client, coordinator, casey, req, mailoutbox, django_capture_on_commit_callbacks
):
    slot = make_slot(casey)
    csrf_client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = csrf_post(
            csrf_client,
            detail(req),
            reverse("appointments_staff:book", args=[req.pk]),
            {"book-slot": slot.pk, "book-mode": "in_person"},
        )

    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.request, appointment.slot, appointment.booked_by) == (
        req,
        slot,
        coordinator,
    )
    assert last_message(response).startswith("Booked: ")
    assert len(mailoutbox) == 1
    page = csrf_client.get(detail(req)).content.decode()
    assert "Booked" in page and "Move the appointment" in page and "Corey Coordinator" in page


def test_a_slot_taken_meanwhile_is_explained_on_the_form(client, coordinator, casey, req):
    slot = make_slot(casey)
    booking.book(make_appointment_request(), slot, by=coordinator)
    client.force_login(coordinator)

    response = client.post(
        reverse("appointments_staff:book", args=[req.pk]),
        {"book-slot": slot.pk, "book-mode": "in_person"},
    )

    assert response.status_code == 200
    assert "no longer free" in " ".join(response.context["book_form"].errors["slot"])
    assert 'role="alert"' in response.content.decode()
    assert req.appointments.count() == 0


def test_a_rule_refusal_is_shown_on_the_form(client, coordinator, casey):
    req = make_appointment_request(mode="video")
    slot = make_slot(casey, mode="in_person")
    client.force_login(coordinator)

    response = client.post(
        reverse("appointments_staff:book", args=[req.pk]),
        {"book-slot": slot.pk, "book-mode": "video"},
    )

    assert "in-person visits only" in " ".join(response.context["book_form"].errors["slot"])
    assert not Appointment.objects.exists()


def test_move_cancel_and_mark_through_the_pages(client, coordinator, casey, req):
    client.force_login(coordinator)
    first, second = make_slot(casey), make_slot(casey, starts_in=timedelta(days=8))
    appointment = booking.book(req, first, by=coordinator)

    moved = client.post(
        reverse("appointments_staff:reschedule", args=[appointment.pk]),
        {"move-slot": second.pk, "move-mode": "video"},
    )
    early = client.post(
        reverse("appointments_staff:record_outcome", args=[appointment.pk]),
        {"status": "attended"},
    )
    no_reason = client.post(
        reverse("appointments_staff:cancel", args=[appointment.pk]),
        {"cancel-reason": "", "cancel-reopen": "on"},
    )
    cancelled = client.post(
        reverse("appointments_staff:cancel", args=[appointment.pk]),
        {"cancel-reason": "They asked by phone", "cancel-reopen": "on"},
    )

    assert moved.status_code == 302
    assert last_message(early) == "An appointment can be marked only once it has started."
    assert no_reason.status_code == 200
    assert no_reason.context["cancel_form"].errors["reason"] == [
        "Enter the reason: it is kept in the history."
    ]
    assert cancelled.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.slot, appointment.mode, appointment.status) == (
        second,
        "video",
        "cancelled",
    )
    history = client.get(detail(req)).content.decode()
    assert "Rescheduled" in history and "They asked by phone" in history


def test_closing_a_request_through_the_page(client, coordinator, req):
    client.force_login(coordinator)

    response = client.post(
        reverse("appointments_staff:close_request", args=[req.pk]),
        {"close-reason": "Duplicate of an earlier request"},
    )

    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == AppointmentRequest.Status.CLOSED


def test_staff_without_a_role_do_not_book(client, req, casey):
    slot = make_slot(casey)
    client.force_login(StaffFactory(role=None))

    page = client.get(detail(req))
    post = client.post(
        reverse("appointments_staff:book", args=[req.pk]),
        {"book-slot": slot.pk, "book-mode": "in_person"},
    )

    assert (page.status_code, post.status_code) == (403, 403)
    assert not Appointment.objects.exists()


def test_administrators_may_book(client, req, casey):
    client.force_login(StaffFactory(role="administrator"))

    response = client.post(
        reverse("appointments_staff:book", args=[req.pk]),
        {"book-slot": make_slot(casey).pk, "book-mode": "in_person"},
    )

    assert response.status_code == 302
    assert Appointment.objects.count() == 1
