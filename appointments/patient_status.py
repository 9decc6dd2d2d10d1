"""Where a person's consultation stands, as they read it on their private link: exactly the state
staff left, one message per state, in the clinic's time zone.

The intake's "your intake" page (screening.intake, which knows nothing of appointments) shows it
through the `{% patient_appointment %}` tag (appointments.templatetags.appointment_tags), and the
appointment request page shows the same words, so the two pages never disagree.
"""

from dataclasses import dataclass

from django.utils.translation import gettext

from appointments.booking import clearance
from appointments.models import Appointment, AppointmentEvent, AppointmentRequest, local_label

Status = AppointmentRequest.Status


class State:
    NONE = "none"  # never asked
    REVIEWING = "reviewing"  # asked; a clinician reads the intake before anything is booked
    REQUESTED = "requested"  # asked; cleared, a coordinator arranges a time
    BOOKED = "booked"
    MOVED = "moved"  # booked, then moved to another time
    CANCELLED = "cancelled"  # the clinic cancelled it and arranges another time
    CANCELLED_CLOSED = "cancelled_closed"  # the clinic cancelled it, nothing more planned
    CANCELLED_BY_PATIENT = "cancelled_by_patient"
    CLOSED = "closed"  # the clinic closed the request without booking
    ATTENDED = "attended"
    MISSED = "missed"  # marked no-show; the clinic arranges another time


# A request the person can ask again after (no active request left).
CAN_ASK_AGAIN = {
    State.NONE,
    State.CANCELLED_CLOSED,
    State.CANCELLED_BY_PATIENT,
    State.CLOSED,
    State.ATTENDED,
}


@dataclass
class PatientAppointment:
    state: str
    request: AppointmentRequest | None = None
    appointment: Appointment | None = None
    # The time it was booked for before it moved or was cancelled ("Tue 1 Dec 2026, 9:00 AM").
    was: str = ""

    @property
    def can_ask_again(self):
        return self.state in CAN_ASK_AGAIN

    @property
    def contact_by(self):
        preference = self.request.contact_preference if self.request else ""
        words = {"email": gettext("by email"), "text": gettext("by text message")}
        return words.get(preference) or gettext("by phone")


def _was(req, appointment, action):
    event = (
        AppointmentEvent.objects.filter(request=req, appointment=appointment, action=action)
        .order_by("-created_at", "-id")
        .first()
    )
    moment = event.from_starts_at if event is not None else None
    return local_label(moment or appointment.starts_at)


def patient_appointment(submission) -> PatientAppointment:
    """The state of the person's newest consultation request, as staff left it."""
    req = (
        submission.appointment_requests.select_related("slot")
        .order_by("-created_at", "-id")
        .first()
    )
    if req is None:
        return PatientAppointment(State.NONE)
    latest = req.appointments.select_related("slot").order_by("-created_at", "-id").first()
    found = {"request": req, "appointment": latest}
    if req.status == Status.CANCELLED_BY_PATIENT:
        return PatientAppointment(State.CANCELLED_BY_PATIENT, **found)
    if latest is not None and latest.status == Appointment.Status.BOOKED:
        if latest.sequence:
            was = _was(req, latest, AppointmentEvent.Action.RESCHEDULED)
            return PatientAppointment(State.MOVED, was=was, **found)
        return PatientAppointment(State.BOOKED, **found)
    if latest is not None and latest.status == Appointment.Status.ATTENDED:
        return PatientAppointment(State.ATTENDED, was=local_label(latest.starts_at), **found)
    if latest is not None and latest.status == Appointment.Status.NO_SHOW:
        state = State.MISSED if req.status == Status.OPEN else State.CLOSED
        return PatientAppointment(state, was=local_label(latest.starts_at), **found)
    if latest is not None and latest.status == Appointment.Status.CANCELLED:
        was = _was(req, latest, AppointmentEvent.Action.CANCELLED)
        state = State.CANCELLED if req.status == Status.OPEN else State.CANCELLED_CLOSED
        return PatientAppointment(state, was=was, **found)
    if req.status == Status.CLOSED:
        return PatientAppointment(State.CLOSED, **found)
    state = State.REQUESTED if clearance(req).allowed else State.REVIEWING
    return PatientAppointment(state, **found)
