"""No consultation is booked before a clinician has read the intake (issue 12).

A request of an intake is booked or moved only when the screening found it eligible or a
clinician's newest word allows it (a decision "invite", or an override with a reason, which is
audited); a clinician's "not a candidate now" refuses it. Call-back requests have no intake and
are not concerned. The rules are tested on any database; the tests marked PostgreSQL run the
refusal and the audited override through the staff pages and against a concurrent booking on
PostgreSQL (CI runs the suite there; `DATABASE_URL=postgres://...` locally).
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from appointments import booking
from appointments.models import Appointment, AppointmentEvent, AppointmentRequest, Slot
from clinic.models import AuditEvent
from screening.models import Decision
from tests.factories import (
    StaffFactory,
    csrf_post,
    invite,
    make_appointment_request,
    make_callback_request,
    make_slot,
)
from tests.review.helpers import make_outcome_submission

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: concurrent connections and row locks (set DATABASE_URL)",
)

REASON = "Seen in clinic this week; needs the consultation before the review meeting."


def request_for(outcome):
    return make_appointment_request(make_outcome_submission(outcome))


def decide(submission, kind, by):
    latest = Decision.objects.latest_for(submission)
    return Decision.record(
        submission,
        kind=kind,
        note="Read it.",
        referral_note="Refer to Dr. Lee" if kind == Decision.Kind.NOT_NOW else "",
        information_needed="Their letter" if kind == Decision.Kind.MORE_INFO else "",
        by=by,
        seen_decision_id=latest.pk if latest else 0,
    )


def detail(req):
    return reverse("appointments_staff:request_detail", args=[req.pk])


def book_url(req):
    return reverse("appointments_staff:book", args=[req.pk])


def nothing_booked(req):
    req.refresh_from_db()
    return (
        req.status == AppointmentRequest.Status.OPEN
        and not Appointment.objects.filter(request=req).exists()
        and not req.events.exclude(action=AppointmentEvent.Action.REQUESTED).exists()
    )


def override_events():
    return AuditEvent.objects.filter(action=AuditEvent.Action.BOOKING_OVERRIDE)


# Which requests are cleared -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "outcome,allowed",
    [
        ("eligible_for_consultation", True),
        ("needs_review", False),
        ("likely_excluded", False),
        ("urgent", False),
    ],
)
def test_without_a_decision_only_eligible_is_cleared(outcome, allowed):
    cleared = booking.clearance(request_for(outcome))

    assert (cleared.allowed, cleared.outcome) == (allowed, outcome)
    assert cleared.grounds == ("eligible" if allowed else "not_reviewed")
    assert bool(cleared.message) is not allowed


@pytest.mark.django_db
@pytest.mark.parametrize(
    "outcome,kind,allowed",
    [
        ("needs_review", "invite", True),
        ("urgent", "invite", True),
        ("needs_review", "more_info", False),
        ("eligible_for_consultation", "more_info", True),
        ("eligible_for_consultation", "not_now", False),
        ("likely_excluded", "not_now", False),
    ],
)
def test_the_newest_decision_rules(clinician, outcome, kind, allowed):
    req = request_for(outcome)
    decide(req.submission, kind, clinician)

    cleared = booking.clearance(req)

    assert (cleared.allowed, cleared.latest_decision) == (allowed, kind)


@pytest.mark.django_db
def test_a_later_decision_replaces_an_earlier_one(clinician):
    req = request_for("needs_review")
    decide(req.submission, "invite", clinician)
    decide(req.submission, "not_now", clinician)

    cleared = booking.clearance(req)

    assert (cleared.allowed, cleared.grounds) == (False, "not_now")
    assert "Not a candidate now" in cleared.message


@pytest.mark.django_db
def test_call_back_requests_have_no_intake_and_are_cleared(coordinator, clinician):
    req = make_callback_request()

    assert booking.clearance(req).grounds == "callback"
    appointment = booking.book(req, make_slot(clinician), by=coordinator)

    assert appointment.request == req
    assert not override_events().exists()


# Booking and moving -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_coordinator_cannot_book_an_undecided_needs_review_intake(coordinator, clinician):
    req = request_for("needs_review")
    slot = make_slot(clinician)

    with pytest.raises(booking.NotCleared) as refused:
        booking.book(req, slot, by=coordinator)

    assert refused.value.message == booking.NOT_REVIEWED
    assert nothing_booked(req)
    assert slot in Slot.objects.bookable()


@pytest.mark.django_db
def test_a_coordinator_cannot_override(coordinator, clinician):
    req = request_for("urgent")

    with pytest.raises(booking.NotCleared) as refused:
        booking.book(req, make_slot(clinician), by=coordinator, override_reason=REASON)

    assert refused.value.message == booking.OVERRIDE_NEEDS_CLINICIAN
    assert nothing_booked(req)
    assert not override_events().exists()


@pytest.mark.django_db
def test_an_invite_clears_the_booking(coordinator, clinician):
    req = request_for("likely_excluded")
    invite(req.submission, by=clinician)

    appointment = booking.book(req, make_slot(clinician), by=coordinator)

    assert appointment.status == Appointment.Status.BOOKED
    assert not override_events().exists()


@pytest.mark.django_db
def test_a_clinician_overrides_with_a_reason_and_it_is_audited(clinician):
    req = request_for("needs_review")

    appointment = booking.book(req, make_slot(clinician), by=clinician, override_reason=REASON)

    assert appointment.status == Appointment.Status.BOOKED
    override, booked = req.events.exclude(action="requested").order_by("created_at", "id")
    assert (override.action, override.actor, override.reason) == ("override", clinician, REASON)
    assert (booked.action, booked.actor) == ("booked", clinician)
    (event,) = override_events()
    assert (event.actor, event.target_reference) == (clinician, req.submission.reference)
    assert event.detail == {
        "booking": "book",
        "request_id": req.pk,
        "event_id": override.pk,
        "outcome": "needs_review",
        "latest_decision": None,
    }
    # The reason is a note: kept encrypted in the history, never in the audit trail.
    assert REASON not in str(event.detail)
    assert booking.clearance(req).grounds == "override"


@pytest.mark.django_db
def test_an_override_that_fails_on_the_slot_leaves_nothing_behind(clinician, coordinator):
    req = request_for("needs_review")
    slot = make_slot(clinician)
    booking.book(make_appointment_request(), slot, by=coordinator)

    with pytest.raises(booking.BookingError):
        booking.book(req, slot, by=clinician, override_reason=REASON)

    assert nothing_booked(req)
    assert not override_events().exists()


@pytest.mark.django_db
def test_a_move_is_refused_once_a_clinician_says_not_now(coordinator, clinician):
    req = request_for("eligible_for_consultation")
    appointment = booking.book(req, make_slot(clinician), by=coordinator)
    decide(req.submission, "not_now", clinician)
    later = make_slot(clinician, starts_in=timedelta(days=5))

    with pytest.raises(booking.NotCleared):
        booking.reschedule(appointment, later, by=coordinator)
    moved = booking.reschedule(appointment, later, by=clinician, override_reason=REASON)

    assert moved.slot == later
    assert override_events().get().detail["booking"] == "move"
    assert override_events().get().detail["latest_decision"] == "not_now"


@pytest.mark.django_db
def test_an_override_covers_moves_until_a_clinician_decides_again(coordinator, clinician):
    req = request_for("needs_review")
    appointment = booking.book(req, make_slot(clinician), by=clinician, override_reason=REASON)

    moved = booking.reschedule(
        appointment, make_slot(clinician, starts_in=timedelta(days=5)), by=coordinator
    )
    decide(req.submission, "more_info", clinician)

    assert moved.status == Appointment.Status.BOOKED
    with pytest.raises(booking.NotCleared):
        booking.reschedule(moved, make_slot(clinician, starts_in=timedelta(days=6)), by=coordinator)
    assert override_events().count() == 1


# The staff pages ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_request_page_says_why_it_cannot_be_booked_yet(client, coordinator, clinician):
    req = request_for("needs_review")
    client.force_login(coordinator)

    body = client.get(detail(req)).content.decode()

    assert "Not cleared for booking." in body
    assert "no clinician has recorded “Invite to a consultation” yet" in body
    assert "book-override_reason" not in body  # coordinators do not override


@pytest.mark.django_db
def test_a_refusal_on_the_page_keeps_what_was_typed(client, coordinator, clinician):
    req = request_for("urgent")
    slot = make_slot(clinician)
    client.force_login(coordinator)

    response = client.post(book_url(req), {"book-slot": slot.pk, "book-mode": "video"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing was booked." in body
    form = response.context["book_form"]
    assert (form["slot"].value(), form["mode"].value()) == (str(slot.pk), "video")
    assert nothing_booked(req)


@pytest.mark.django_db
def test_clinicians_see_the_override_field_only_when_it_is_needed(client, clinician):
    waiting = request_for("needs_review")
    cleared = request_for("eligible_for_consultation")
    client.force_login(clinician)

    assert "book-override_reason" in client.get(detail(waiting)).content.decode()
    assert "book-override_reason" not in client.get(detail(cleared)).content.decode()


@pytest.mark.django_db
def test_a_clinician_without_a_reason_is_told_to_give_one(client, clinician):
    req = request_for("needs_review")
    client.force_login(clinician)

    response = client.post(
        book_url(req), {"book-slot": make_slot(clinician).pk, "book-mode": "in_person"}
    )

    assert response.status_code == 200
    assert "a clinician can also book it now, giving a reason" in response.content.decode()
    assert nothing_booked(req)


@pytest.mark.django_db
def test_a_clinician_books_with_an_override_through_the_page(
    csrf_client, clinician, django_capture_on_commit_callbacks
):
    req = request_for("needs_review")
    slot = make_slot(clinician)
    csrf_client.force_login(clinician)

    with django_capture_on_commit_callbacks(execute=True):
        response = csrf_post(
            csrf_client,
            detail(req),
            book_url(req),
            {"book-slot": slot.pk, "book-mode": "in_person", "book-override_reason": REASON},
        )

    assert response.status_code == 302
    assert Appointment.objects.get(request=req).slot == slot
    event = override_events().get()
    assert (event.actor, event.ip_address) == (clinician, "127.0.0.1")
    page = csrf_client.get(detail(req)).content.decode()
    assert "A clinician allowed booking before the intake was cleared" in page
    assert REASON in page  # in the request's history


@pytest.mark.django_db
def test_clinicians_see_no_coordinator_only_forms(client, clinician, coordinator):
    req = request_for("eligible_for_consultation")
    booking.book(req, make_slot(clinician), by=coordinator)
    client.force_login(clinician)

    body = client.get(detail(req)).content.decode()

    assert "Move the appointment" in body
    assert "Cancel the appointment" not in body
    assert "Close the request" not in body


# On PostgreSQL ------------------------------------------------------------------------------


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_refused_then_overridden_and_audited(roles):
    coordinator = StaffFactory(username="corey-pg", role="coordinator")
    clinician = StaffFactory(username="casey-pg", role="clinician")
    req = request_for("needs_review")
    slot = make_slot(clinician)
    coordinator_client, clinician_client = Client(), Client()
    coordinator_client.force_login(coordinator)
    clinician_client.force_login(clinician)
    data = {"book-slot": slot.pk, "book-mode": "in_person"}

    refused = coordinator_client.post(book_url(req), data)
    assert refused.status_code == 200
    assert "Nothing was booked." in refused.content.decode()
    assert nothing_booked(req)
    assert not override_events().exists()

    allowed = clinician_client.post(book_url(req), {**data, "book-override_reason": REASON})
    assert allowed.status_code == 302
    appointment = Appointment.objects.get(request=req)
    assert (appointment.slot_id, appointment.booked_by) == (slot.pk, clinician)
    event = override_events().get()
    assert event.actor == clinician
    assert event.detail["outcome"] == "needs_review"
    assert event.detail["request_id"] == req.pk


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_an_override_racing_a_booking_leaves_one_appointment(roles):
    """An override and an ordinary booking of one slot at the same instant, each in its own
    connection: one appointment stands, and an override is in the trail only if it won."""
    coordinator = StaffFactory(username="corey-pg", role="coordinator")
    clinician = StaffFactory(username="casey-pg", role="clinician")
    waiting = request_for("needs_review")
    cleared = make_appointment_request()
    slot = make_slot(clinician)
    start = threading.Barrier(2)
    results = {}

    def run(name, job):
        try:
            start.wait()
            results[name] = job()
        except Exception as error:
            results[name] = error
        finally:
            connections.close_all()

    jobs = {
        "override": lambda: booking.book(
            AppointmentRequest.objects.get(pk=waiting.pk),
            Slot.objects.get(pk=slot.pk),
            by=clinician,
            override_reason=REASON,
        ),
        "booking": lambda: booking.book(
            AppointmentRequest.objects.get(pk=cleared.pk),
            Slot.objects.get(pk=slot.pk),
            by=coordinator,
        ),
    }
    threads = [threading.Thread(target=run, args=item) for item in jobs.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    booked = [name for name, result in results.items() if isinstance(result, Appointment)]
    refused = [r for r in results.values() if isinstance(r, booking.BookingError)]
    assert len(booked) == 1 and len(refused) == 1
    assert {error.message for error in refused} == {booking.TAKEN}
    assert Appointment.objects.filter(slot=slot).count() == 1
    assert override_events().count() == (1 if booked == ["override"] else 0)
