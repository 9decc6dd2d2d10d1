"""No double-booking under real concurrency: ten coordinators (threads, each with its own
database connection) book at the same instant on PostgreSQL, and exactly one booking stands.

Run with DATABASE_URL=postgres://... ; on SQLite these are skipped, because SQLite lets one
writer in at a time and would only prove its own file lock."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from appointments import booking
from appointments.models import Appointment, AppointmentRequest, Slot
from tests.factories import make_appointment_request, make_slot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: concurrent connections and row locks (set DATABASE_URL)",
    ),
]

THREADS = 10


def race(jobs):
    """Run every job at the same moment, each in its own thread and connection; return what
    each returned or raised."""
    start = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            start.wait()
            results[index] = job()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def booker(request_pk, slot_pk):
    def job():
        return booking.book(
            AppointmentRequest.objects.get(pk=request_pk), Slot.objects.get(pk=slot_pk), by=None
        )

    return job


def outcome(results):
    booked = [r for r in results if isinstance(r, Appointment)]
    refused = [r for r in results if isinstance(r, booking.BookingError)]
    other = [r for r in results if r not in booked and r not in refused]
    return booked, refused, other


@pytest.fixture
def casey(clinician):
    # The shared persona recreates the role groups, which transactional tests empty.
    return clinician


@pytest.fixture
def requests():
    return [make_appointment_request() for _ in range(THREADS)]


def test_ten_bookings_of_one_slot_leave_exactly_one(casey, requests):
    slot = make_slot(casey)

    booked, refused, other = outcome(race([booker(r.pk, slot.pk) for r in requests]))

    assert other == []
    assert len(booked) == 1
    assert len(refused) == THREADS - 1
    assert {error.message for error in refused} == {booking.TAKEN}
    assert Appointment.objects.filter(slot=slot).count() == 1
    assert AppointmentRequest.objects.filter(status="booked").count() == 1
    assert AppointmentRequest.objects.filter(status="open").count() == THREADS - 1


def test_two_slots_of_one_clinician_at_the_same_time_cannot_both_be_booked(casey, requests):
    first = make_slot(casey)
    # Overlapping slots can only exist by going around the availability rules.
    twin = Slot.objects.create(clinician=casey, starts_at=first.starts_at, ends_at=first.ends_at)
    later = Slot.objects.create(
        clinician=casey,
        starts_at=first.starts_at + timedelta(minutes=30),
        ends_at=first.ends_at + timedelta(minutes=30),
    )
    slots = [first, twin, later]

    booked, refused, other = outcome(
        race([booker(r.pk, slots[i % 3].pk) for i, r in enumerate(requests)])
    )

    assert other == []
    assert len(booked) == 1
    assert all("already taken" in error.message for error in refused)
    assert Appointment.objects.filter(clinician=casey).count() == 1


def test_the_unique_index_stops_a_second_booking_when_the_code_check_is_skipped(
    casey, requests, monkeypatch
):
    # As if the "is it free?" check had a bug: the conditional unique index still lets only
    # one appointment into the slot, and the refusal still reads "already taken".
    monkeypatch.setattr(booking, "lock_clinicians", lambda *ids: None)
    monkeypatch.setattr(booking, "_check_slot_free", lambda *args, **kwargs: None)
    slot = make_slot(casey)

    booked, refused, other = outcome(race([booker(r.pk, slot.pk) for r in requests]))

    assert other == []
    assert len(booked) == 1
    assert Appointment.objects.filter(slot=slot).count() == 1
    assert {error.message for error in refused} == {booking.TAKEN}
