"""The booking rules, in plain Python: requests, bookings, moves, cancellations, outcomes.

Every function here is one transaction, writes its AppointmentEvent, and queues the patient's
email in the same transaction (appointments.notifications). They raise BookingError with a
sentence a coordinator or patient can act on; views show it, they never see a 500.

How double-booking is kept out (see also appointments.models): a booking or move first locks
the clinician's user row (SELECT ... FOR UPDATE; clinicians in id order when a move changes
clinician, so two moves can't deadlock), then the slot, then checks that the slot is free and
that the clinician has no overlapping appointment. Two coordinators booking the same clinician
at once therefore take turns, and the second one sees the first one's appointment. The
conditional unique indexes are the last line: an IntegrityError becomes "already taken".
SQLite has no row locks, but it lets only one writer in at a time, which serialises the same.

No consultation is booked before a clinician has read the intake (clearance()): a request of an
intake is booked or moved only when the screening found it eligible or a clinician's newest word
on it allows it (a decision "invite", or an override given with a reason when booking). A
clinician's "not a candidate now" refuses it whatever the screening said. Call-back requests,
which have no intake, are not concerned. An override is written to the request's history and to
the audit trail in the booking's transaction.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from appointments import notifications
from appointments.models import (
    Appointment,
    AppointmentEvent,
    AppointmentRequest,
    Mode,
    Slot,
)
from clinic import audit
from clinic.roles import sees_clinical
from screening.models import Decision, Outcome, Submission

Action = AppointmentEvent.Action
RequestStatus = AppointmentRequest.Status

TAKEN = "That time is already taken: please choose another slot."
IN_THE_PAST = "That time has already passed: please choose a time in the future."


class BookingError(Exception):
    """A rule said no. The message is for the person at the screen."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class AlreadyRequested(BookingError):
    pass


class NotCleared(BookingError):
    """The intake has not been cleared for a consultation: nothing was booked."""


# Why a request is not cleared for booking, for the person at the screen.
NOT_REVIEWED = (
    "A clinician has to read this intake before a consultation is booked: the screening did not "
    "find it eligible, and no clinician has recorded “Invite to a consultation” yet. Nothing was "
    "booked. Ask a clinician to review it; a clinician can also book it now, giving a reason."
)
NOT_NOW = (
    "A clinician decided “Not a candidate now” for this person: nothing was booked. A clinician "
    "can record a new decision, or book it anyway, giving a reason."
)
OVERRIDE_NEEDS_CLINICIAN = (
    "Only a clinician can book before a clinician's review: nothing was booked."
)


@dataclass(frozen=True)
class Clearance:
    """Whether a consultation may be booked for a request, and on what grounds: "callback" (no
    intake), "eligible", "invited", "override", or, refused, "not_reviewed" / "not_now"."""

    allowed: bool
    grounds: str
    outcome: str = ""
    latest_decision: str = ""

    @property
    def message(self):
        return "" if self.allowed else NOT_NOW if self.grounds == "not_now" else NOT_REVIEWED


def clearance(req) -> Clearance:
    """May a consultation be booked for this request now? The newest word of a clinician rules
    (a decision "invite" or an override on this request allow it; "not a candidate now"
    refuses it); without one, or after "need more information", the screening outcome does:
    only "eligible for consultation" is booked without a clinician. Read fresh from the
    database (call it inside the booking's transaction)."""
    if req.submission_id is None:
        return Clearance(True, "callback")
    outcome = (
        Submission.objects.filter(pk=req.submission_id).values_list("outcome", flat=True).first()
    )
    decision = (
        Decision.objects.filter(submission_id=req.submission_id)
        .order_by("-decided_at", "-id")
        .values("kind", "decided_at")
        .first()
    )
    override = (
        AppointmentEvent.objects.filter(request_id=req.pk, action=Action.OVERRIDE)
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)
        .first()
    )
    kind = decision["kind"] if decision else ""
    facts = {"outcome": outcome or "", "latest_decision": kind}
    if override is not None and (decision is None or override >= decision["decided_at"]):
        return Clearance(True, "override", **facts)
    if kind == Decision.Kind.INVITE:
        return Clearance(True, "invited", **facts)
    if kind == Decision.Kind.NOT_NOW:
        return Clearance(False, "not_now", **facts)
    if outcome == Outcome.ELIGIBLE:
        return Clearance(True, "eligible", **facts)
    return Clearance(False, "not_reviewed", **facts)


def _clear_or_override(req, *, by, override_reason, request, booking_kind):
    """Inside the booking's transaction: refuse an intake not cleared for booking, unless a
    clinician overrides with a reason, which goes into the request's history and the audit
    trail. Returns the override event or None."""
    cleared = clearance(req)
    if cleared.allowed:
        return None
    reason = (override_reason or "").strip()
    if not reason:
        raise NotCleared(cleared.message)
    if by is None or not sees_clinical(by):
        raise NotCleared(OVERRIDE_NEEDS_CLINICIAN, field="override_reason")
    event = AppointmentEvent.objects.create(
        request=req, action=Action.OVERRIDE, actor=by, reason=reason
    )
    audit.record(
        request,
        audit.Action.BOOKING_OVERRIDE,
        actor=by,
        target=req.submission,
        detail={
            "booking": booking_kind,
            "request_id": req.pk,
            "event_id": event.pk,
            "outcome": cleared.outcome,
            "latest_decision": cleared.latest_decision or None,
        },
    )
    return event


def lock_clinicians(*clinician_ids):
    """Take the row lock that serialises everything touching these clinicians' calendars."""
    ids = sorted({pk for pk in clinician_ids if pk})
    User = get_user_model()
    list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


def _check_slot_free(slot, now, *, moving=None):
    if slot.starts_at <= now:
        raise BookingError(IN_THE_PAST, field="slot")
    taken = Appointment.objects.active().filter(slot=slot)
    clash = Appointment.objects.overlapping(slot.clinician_id, slot.starts_at, slot.ends_at)
    if moving is not None:
        taken = taken.exclude(pk=moving.pk)
        clash = clash.exclude(pk=moving.pk)
    if taken.exists():
        raise BookingError(TAKEN, field="slot")
    if clash.exists():
        who = slot.clinician.get_full_name() or slot.clinician.get_username()
        raise BookingError(
            f"That time is already taken: {who} has another appointment then.", field="slot"
        )


def _meeting_mode(wanted, slot):
    """In person or video: what was asked for, else what the slot offers, else in person."""
    for mode in (wanted, slot.mode):
        if mode in (Mode.IN_PERSON, Mode.VIDEO):
            return mode
    return Mode.IN_PERSON


def _check_mode(slot, mode):
    if not slot.allows(mode):
        raise BookingError(
            f"That slot is for {slot.kind_of_visit} visits only: choose another slot or another "
            "way to meet.",
            field="slot",
        )


# The patient's side ---------------------------------------------------------------------


def request_consultation(submission, *, mode, contact_preference, slot=None, windows=()):
    """A person with an intake asks for a consultation. One open request at a time."""
    if slot is not None:
        _check_mode(slot, mode)
    try:
        with transaction.atomic():
            req = AppointmentRequest.objects.create(
                submission=submission,
                mode=mode,
                slot=slot,
                preferred_windows=[
                    {"date": day.isoformat(), "part": part} for day, part in windows
                ],
                contact_preference=contact_preference,
            )
            AppointmentEvent.objects.create(request=req, action=Action.REQUESTED)
    except IntegrityError:
        raise AlreadyRequested(gettext("You have already asked for a consultation.")) from None
    return req


def request_callback(*, name, phone, best_time, notes=""):
    """Someone without an intake asks to be called back."""
    with transaction.atomic():
        req = AppointmentRequest.objects.create(
            callback_name=name,
            callback_phone=phone,
            best_time=best_time,
            notes=notes,
            contact_preference=AppointmentRequest.ContactPreference.PHONE,
        )
        AppointmentEvent.objects.create(request=req, action=Action.CALLBACK_REQUESTED)
    return req


def cancel_by_patient(req):
    """The person cancels through their link; a booked appointment is cancelled with it."""
    with transaction.atomic():
        req = AppointmentRequest.objects.select_for_update().get(pk=req.pk)
        if req.status not in AppointmentRequest.ACTIVE_STATUSES:
            return req
        booked = req.appointments.filter(status=Appointment.Status.BOOKED).first()
        if booked is not None:
            _cancel(booked, reason="Cancelled by the patient through their link")
        req.set_status(RequestStatus.CANCELLED_BY_PATIENT)
        req.save(update_fields=["status", "status_changed_at"])
        AppointmentEvent.objects.create(
            request=req,
            appointment=booked,
            action=Action.CANCELLED_BY_PATIENT,
            from_starts_at=booked.starts_at if booked else None,
            from_clinician_id=booked.clinician_id if booked else None,
        )
    return req


# The clinic's side ----------------------------------------------------------------------


def book(req, slot, *, by, mode=None, now=None, override_reason="", request=None):
    """Book an open request into a free future slot. An intake not cleared for booking
    (clearance()) is refused with NotCleared, unless `by` is a clinician giving
    `override_reason`; `request` is the HTTP request, for the audit trail's address only."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            lock_clinicians(slot.clinician_id)
            slot = Slot.objects.select_for_update().get(pk=slot.pk)
            req = AppointmentRequest.objects.select_for_update().get(pk=req.pk)
            if req.status != RequestStatus.OPEN:
                raise BookingError(
                    f"This request is {req.get_status_display().lower()}, not open: nothing "
                    "was booked."
                )
            mode = _meeting_mode(mode or req.mode, slot)
            _check_mode(slot, mode)
            _check_slot_free(slot, now)
            _clear_or_override(
                req, by=by, override_reason=override_reason, request=request, booking_kind="book"
            )
            appointment = Appointment.objects.create(
                request=req,
                slot=slot,
                clinician_id=slot.clinician_id,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                mode=mode,
                booked_by=by,
            )
            req.set_status(RequestStatus.BOOKED)
            req.save(update_fields=["status", "status_changed_at"])
            AppointmentEvent.objects.create(
                request=req,
                appointment=appointment,
                action=Action.BOOKED,
                actor=by,
                to_starts_at=slot.starts_at,
                to_clinician_id=slot.clinician_id,
            )
            notifications.queue(appointment, notifications.Kind.BOOKED)
    except IntegrityError:
        raise BookingError(TAKEN, field="slot") from None
    return appointment


def reschedule(appointment, slot, *, by, mode=None, now=None, override_reason="", request=None):
    """Move a booked appointment to another free future slot (any clinician). The intake must
    still be cleared for booking, as for book() (an override given for this request counts
    until a clinician decides again)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            lock_clinicians(appointment.clinician_id, slot.clinician_id)
            slot = Slot.objects.select_for_update().get(pk=slot.pk)
            appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
            if appointment.status != Appointment.Status.BOOKED:
                raise BookingError("Only a booked appointment can be moved.")
            if appointment.slot_id == slot.pk:
                raise BookingError("The appointment is already in that slot.", field="slot")
            mode = _meeting_mode(mode or appointment.mode, slot)
            _check_mode(slot, mode)
            _check_slot_free(slot, now, moving=appointment)
            _clear_or_override(
                appointment.request,
                by=by,
                override_reason=override_reason,
                request=request,
                booking_kind="move",
            )
            was = (appointment.starts_at, appointment.clinician_id)
            appointment.slot = slot
            appointment.clinician_id = slot.clinician_id
            appointment.starts_at = slot.starts_at
            appointment.ends_at = slot.ends_at
            appointment.mode = mode
            appointment.sequence += 1
            appointment.save()
            AppointmentEvent.objects.create(
                request_id=appointment.request_id,
                appointment=appointment,
                action=Action.RESCHEDULED,
                actor=by,
                from_starts_at=was[0],
                from_clinician_id=was[1],
                to_starts_at=slot.starts_at,
                to_clinician_id=slot.clinician_id,
            )
            notifications.queue(appointment, notifications.Kind.MOVED)
    except IntegrityError:
        raise BookingError(TAKEN, field="slot") from None
    return appointment


def _cancel(appointment, *, reason):
    appointment.status = Appointment.Status.CANCELLED
    appointment.cancel_reason = reason
    appointment.sequence += 1
    appointment.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
    notifications.queue(appointment, notifications.Kind.CANCELLED)


def cancel(appointment, *, by, reason, reopen=True):
    """Staff cancel a booked appointment; the request goes back to the open list unless the
    coordinator closes it."""
    if not (reason or "").strip():
        raise BookingError("Say why the appointment is cancelled.", field="reason")
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if appointment.status != Appointment.Status.BOOKED:
            raise BookingError(
                f"This appointment is {appointment.get_status_display().lower()}: only a booked "
                "appointment can be cancelled."
            )
        _cancel(appointment, reason=reason)
        req = AppointmentRequest.objects.select_for_update().get(pk=appointment.request_id)
        req.set_status(RequestStatus.OPEN if reopen else RequestStatus.CLOSED)
        req.save(update_fields=["status", "status_changed_at"])
        AppointmentEvent.objects.create(
            request=req,
            appointment=appointment,
            action=Action.CANCELLED,
            actor=by,
            from_starts_at=appointment.starts_at,
            from_clinician_id=appointment.clinician_id,
            reason=reason,
        )
    return appointment


def record_outcome(appointment, status, *, by, now=None):
    """Mark a booked appointment attended or no-show, once it has started. Attended closes the
    request; a no-show puts it back in the open list so someone follows up."""
    if status not in (Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW):
        raise BookingError("Choose attended or no-show.")
    now = now or timezone.now()
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if appointment.status != Appointment.Status.BOOKED:
            raise BookingError(
                f"This appointment is already {appointment.get_status_display().lower()}."
            )
        if not appointment.has_started(now):
            raise BookingError("An appointment can be marked only once it has started.")
        appointment.status = status
        appointment.save(update_fields=["status", "updated_at"])
        req = AppointmentRequest.objects.select_for_update().get(pk=appointment.request_id)
        attended = status == Appointment.Status.ATTENDED
        req.set_status(RequestStatus.CLOSED if attended else RequestStatus.OPEN)
        req.save(update_fields=["status", "status_changed_at"])
        AppointmentEvent.objects.create(
            request=req,
            appointment=appointment,
            action=Action.ATTENDED if attended else Action.NO_SHOW,
            actor=by,
        )
    return appointment


def close_request(req, *, by, reason):
    """Close an open request without booking (reached by phone, duplicate, referred...)."""
    if not (reason or "").strip():
        raise BookingError("Say why the request is closed.", field="reason")
    with transaction.atomic():
        req = AppointmentRequest.objects.select_for_update().get(pk=req.pk)
        if req.status != RequestStatus.OPEN:
            raise BookingError(
                f"This request is {req.get_status_display().lower()}: only an open request can "
                "be closed."
            )
        req.set_status(RequestStatus.CLOSED)
        req.save(update_fields=["status", "status_changed_at"])
        AppointmentEvent.objects.create(request=req, action=Action.CLOSED, actor=by, reason=reason)
    return req
