"""The demo schedule for `manage.py setup_demo`: three weeks of the demo clinician's weekday
mornings, a few requests waiting to be booked, one booked appointment and one call-back request.
Run after the demo submissions (screening/demo.py), whose intakes the requests come from.
"""

from datetime import date, time, timedelta

from django.utils import timezone

from appointments.availability import add_weekly_slots
from appointments.booking import book, request_callback, request_consultation
from appointments.models import AppointmentRequest, DayPart, Mode, Slot
from screening.models import Outcome, Submission


def create_demo_schedule(*, clinician, coordinator, now=None):
    """Three weeks of the demo clinician's weekday mornings, a few requests waiting to be
    booked and one booked appointment, so the scheduling pages mean something on a first run.
    Returns how many slots were created (none on a second run)."""
    now = now or timezone.now()
    if Slot.objects.filter(clinician=clinician, starts_at__gt=now).exists():
        return 0
    today = timezone.localdate(now)
    result = add_weekly_slots(
        clinician=clinician,
        weekdays=[0, 1, 2, 3, 4],
        start=time(9, 0),
        end=time(12, 0),
        minutes=60,
        first=today + timedelta(days=1),
        last=today + timedelta(days=21),
        by=coordinator,
        now=now,
        mode=Mode.EITHER,
    )
    slots = sorted(result.created, key=lambda slot: slot.starts_at)
    waiting = Submission.objects.filter(outcome__in=["eligible_for_consultation", "urgent"])
    waiting = waiting.exclude(appointment_requests__isnull=False).order_by("submitted_at")[:3]
    booked = False
    for index, submission in enumerate(waiting):
        windows = [(date.fromordinal(today.toordinal() + 2 + index), DayPart.MORNING)]
        req = request_consultation(
            submission,
            mode=Mode.EITHER,
            contact_preference=AppointmentRequest.ContactPreference.PHONE,
            windows=windows,
        )
        # Only an intake cleared for booking is booked (appointments.booking.clearance): the
        # urgent ones wait for a clinician, as they would in the clinic.
        if not booked and slots and submission.outcome == Outcome.ELIGIBLE:
            book(req, slots[0], by=coordinator, now=now)
            booked = True
    if not AppointmentRequest.objects.filter(submission__isnull=True).exists():
        request_callback(name="Morgan Demo", phone="+1 910 555 0177", best_time=DayPart.AFTERNOON)
    return len(slots)
