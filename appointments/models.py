"""Slots, appointment requests, appointments, their history and the email outbox.

Times are stored in UTC and shown in the clinic's zone (settings.TIME_ZONE).

No double-booking takes three things, because no single portable constraint says "a clinician
is never in two overlapping appointments":
- a conditional UNIQUE index on Appointment.slot among active appointments: one slot holds one
  appointment, whatever the code above it does;
- a conditional UNIQUE index on (clinician, starts_at) among active appointments: one clinician
  can't be booked twice at the same start, even through two different slots;
- overlaps that don't share a start can't be a constraint on both databases (PostgreSQL's
  exclusion constraint needs the btree_gist extension, which a managed database may refuse;
  SQLite has nothing alike), so appointments.booking locks the clinician's user row with
  SELECT ... FOR UPDATE and checks for an overlap in the same transaction: bookings for one
  clinician are serialised, and the indexes catch anything that slips past the code.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, IntegerField, Min, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from clinic import crypto, datetimes
from clinic.fields import EncryptedTextField
from screening.models import Outcome

# Patients may pick a published slot that starts at least this far ahead (a coordinator still
# confirms it), and no further ahead than this.
PICK_NOTICE = timedelta(hours=24)
PICK_HORIZON = timedelta(weeks=4)


def local_label(when):
    """An appointment's start in the clinic's zone, "Tuesday, December 1, 2026, 9:00 AM" (in
    Spanish "martes 1 de diciembre de 2026, 09:00"; clinic.datetimes)."""
    return datetimes.day_and_time(when)


def time_range_label(starts_at, ends_at):
    return datetimes.time_range(starts_at, ends_at)


def calendar_uid(appointment_id):
    """The iCalendar UID: one per appointment for its whole life, so calendars update the
    event they already have when it moves or is cancelled."""
    host = settings.SITE_URL.split("://")[-1].split("/")[0].split(":")[0]
    return f"appointment-{appointment_id}@{host}"


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("By video")
    EITHER = "either", _("In person or by video")


MEETING_MODES = [(Mode.IN_PERSON.value, _("In person")), (Mode.VIDEO.value, _("By video"))]


class DayPart(models.TextChoices):
    MORNING = "morning", _("Morning (8 am to noon)")
    AFTERNOON = "afternoon", _("Afternoon (noon to 5 pm)")
    EVENING = "evening", _("Evening (5 pm to 8 pm)")
    ANY = "any", _("Any time that day")


# What a video visit's email says when the slot gives no instructions of its own; stored with
# the booking in the clinic's words and translated when the email is written.
VIDEO_LINK_SENT_SEPARATELY = gettext_noop("The link to join is sent to you separately.")


class SlotQuerySet(models.QuerySet):
    def overlapping(self, clinician, starts_at, ends_at):
        return self.filter(clinician=clinician, starts_at__lt=ends_at, ends_at__gt=starts_at)

    def free(self):
        """Slots no active appointment holds (cancelled appointments free their slot)."""
        return self.exclude(appointments__status__in=Appointment.ACTIVE_STATUSES)

    def bookable(self, now=None):
        return self.free().filter(starts_at__gt=now or timezone.now())

    def published(self, now=None):
        """What a patient may pick: free, far enough ahead, and not already picked by someone
        whose request is still open (two people asking for one time helps nobody)."""
        now = now or timezone.now()
        return (
            self.bookable(now)
            .filter(starts_at__gte=now + PICK_NOTICE, starts_at__lt=now + PICK_HORIZON)
            .exclude(picked_by__status=AppointmentRequest.Status.OPEN)
        )

    def one_per_time(self):
        """One slot (the first made) for each distinct time and mode: a patient picks a time,
        not one of several clinicians free at that moment (a coordinator chooses who)."""
        firsts = self.order_by().values("starts_at", "ends_at", "mode").annotate(first=Min("pk"))
        return Slot.objects.filter(pk__in=firsts.values("first"))


class Slot(models.Model):
    """A time a clinician is available for a consultation."""

    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointment_slots"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.EITHER)
    location = models.CharField(
        max_length=200, blank=True, help_text="For in-person visits; empty means the clinic."
    )
    video_instructions = models.CharField(
        max_length=300,
        blank=True,
        help_text="For video visits, e.g. how the link arrives. No patient details.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "clinician_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["clinician", "starts_at"], name="slot_clinician_start"),
            models.Index(fields=["starts_at"], name="slot_start"),
        ]

    def __str__(self):
        return f"{local_label(self.starts_at)} ({self.clinician})"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError("A slot must end after it starts.")
        if self.starts_at and self.ends_at and self.clinician_id:
            clash = Slot.objects.overlapping(self.clinician_id, self.starts_at, self.ends_at)
            if clash.exclude(pk=self.pk).exists():
                raise ValidationError("This clinician already has a slot overlapping this time.")

    @property
    def kind_of_visit(self):
        """For sentences such as "for video visits only": "in-person", "video" or "any"."""
        return {Mode.IN_PERSON: "in-person", Mode.VIDEO: "video"}.get(self.mode, "any")

    def allows(self, mode):
        return self.mode == Mode.EITHER or mode == Mode.EITHER or self.mode == mode

    def place(self, mode):
        """Where the patient goes, or how they join: the only detail an email carries."""
        if mode == Mode.VIDEO:
            return self.video_instructions or gettext(VIDEO_LINK_SENT_SEPARATELY)
        return self.location or settings.CLINIC_ADDRESS

    @property
    def label(self):
        return time_range_label(self.starts_at, self.ends_at)


class AppointmentRequestQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=AppointmentRequest.ACTIVE_STATUSES)

    def by_priority(self):
        """Who to book first: urgent, then eligible, then those a clinician looks at first
        (needs review, and call-backs without an intake), then likely excluded, whom a
        clinician confirms before anything is booked (clinical reference, section 1). Oldest
        first within each."""
        ranks = [
            When(submission__outcome=outcome, then=Value(rank))
            for outcome, rank in BOOKING_PRIORITY.items()
        ]
        return self.annotate(
            booking_rank=Case(
                *ranks,
                default=Value(BOOKING_PRIORITY[Outcome.NEEDS_REVIEW]),
                output_field=IntegerField(),
            )
        ).order_by("booking_rank", "created_at", "pk")


BOOKING_PRIORITY = {
    Outcome.URGENT: 0,
    Outcome.ELIGIBLE: 1,
    Outcome.NEEDS_REVIEW: 2,
    Outcome.LIKELY_EXCLUDED: 3,
}


class AppointmentRequest(models.Model):
    """A person asking for a consultation: through their intake's private link (with a mode, a
    picked slot and/or preferred windows) or, without an intake, as a call-back request."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        BOOKED = "booked", "Booked"
        CANCELLED_BY_PATIENT = "cancelled_by_patient", "Cancelled by the patient"
        CLOSED = "closed", "Closed"

    class ContactPreference(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone call")
        TEXT = "text", _("Text message")

    ACTIVE_STATUSES = (Status.OPEN, Status.BOOKED)
    MAX_WINDOWS = 3

    submission = models.ForeignKey(
        "screening.Submission",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="appointment_requests",
    )
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.EITHER)
    slot = models.ForeignKey(
        Slot,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="picked_by",
        verbose_name="picked slot",
    )
    # [{"date": "2026-12-01", "part": "morning"}, ...]: days and parts of days, no free text.
    preferred_windows = models.JSONField(default=list, blank=True)
    contact_preference = models.CharField(
        max_length=10, choices=ContactPreference.choices, default=ContactPreference.PHONE
    )
    callback_name = EncryptedTextField(blank=True)
    callback_phone = EncryptedTextField(blank=True)
    callback_phone_index = models.CharField(
        max_length=32, blank=True, db_index=True, editable=False
    )
    best_time = models.CharField(max_length=10, choices=DayPart.choices, blank=True)
    notes = EncryptedTextField(blank=True)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.OPEN)
    status_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AppointmentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A person has at most one request going at a time: a double-click or a second tab
            # can't make two.
            models.UniqueConstraint(
                fields=["submission"],
                condition=Q(status__in=["open", "booked"]),
                name="one_active_request_per_submission",
            ),
            models.CheckConstraint(
                condition=Q(submission__isnull=False) | ~Q(callback_phone=""),
                name="request_has_intake_or_phone",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="request_status_age")]

    def __str__(self):
        return f"Request {self.pk}"

    def save(self, *args, **kwargs):
        self.callback_phone_index = crypto.blind_index("phone", self.callback_phone or "")
        super().save(*args, **kwargs)

    @property
    def is_callback(self):
        return self.submission_id is None

    @property
    def display_name(self):
        if self.submission_id:
            return self.submission.display_name
        return self.callback_name or "(no name given)"

    @property
    def about(self):
        if not self.submission_id:
            return {}
        return (self.submission.intake or {}).get("about") or {}

    @property
    def email(self):
        return self.about.get("email") or ""

    @property
    def phone(self):
        return self.callback_phone if self.is_callback else self.about.get("phone") or ""

    @property
    def windows(self):
        """The preferred windows as the clinic reads them, e.g. "Tuesday, December 1, 2026: Morning
        (...)"."""
        labels = []
        for window in self.preferred_windows or []:
            try:
                day = date.fromisoformat(window["date"])
                part = DayPart(window["part"]).label
            except (KeyError, TypeError, ValueError):
                continue
            labels.append(f"{datetimes.day(day)}: {part}")
        return labels

    def set_status(self, status):
        self.status = status
        self.status_changed_at = timezone.now()


class AppointmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=Appointment.ACTIVE_STATUSES)

    def overlapping(self, clinician_id, starts_at, ends_at):
        return self.active().filter(
            clinician_id=clinician_id, starts_at__lt=ends_at, ends_at__gt=starts_at
        )


class Appointment(models.Model):
    """A request booked into a slot. A reschedule moves it (same calendar UID, next SEQUENCE);
    a cancellation keeps the row and frees the slot."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"
        ATTENDED = "attended", "Attended"
        NO_SHOW = "no_show", "No-show"

    # The slot stays taken once the time has been used, whatever happened in it.
    ACTIVE_STATUSES = (Status.BOOKED, Status.ATTENDED, Status.NO_SHOW)

    request = models.ForeignKey(
        AppointmentRequest, on_delete=models.CASCADE, related_name="appointments"
    )
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    # Copied from the slot so the constraints below can see them.
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    mode = models.CharField(max_length=10, choices=MEETING_MODES)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    cancel_reason = EncryptedTextField(blank=True)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE")
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(status__in=["booked", "attended", "no_show"]),
                name="one_appointment_per_slot",
            ),
            models.UniqueConstraint(
                fields=["clinician", "starts_at"],
                condition=Q(status__in=["booked", "attended", "no_show"]),
                name="clinician_not_double_booked",
            ),
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status="booked"),
                name="one_booked_appointment_per_request",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["clinician", "starts_at"], name="appt_clinician_start"),
            models.Index(fields=["status", "starts_at"], name="appt_status_start"),
        ]

    def __str__(self):
        return f"Appointment {self.pk} at {local_label(self.starts_at)}"

    @property
    def uid(self):
        return calendar_uid(self.pk)

    @property
    def label(self):
        return time_range_label(self.starts_at, self.ends_at)

    @property
    def place(self):
        return self.slot.place(self.mode)

    def has_started(self, now=None):
        return self.starts_at <= (now or timezone.now())


class AppointmentEvent(models.Model):
    """One change to a request or its appointment, with who made it. Never edited."""

    class Action(models.TextChoices):
        REQUESTED = "requested", "Requested"
        CALLBACK_REQUESTED = "callback_requested", "Asked for a call back"
        CANCELLED_BY_PATIENT = "cancelled_by_patient", "Cancelled by the patient"
        BOOKED = "booked", "Booked"
        RESCHEDULED = "rescheduled", "Rescheduled"
        CANCELLED = "cancelled", "Cancelled"
        ATTENDED = "attended", "Marked attended"
        NO_SHOW = "no_show", "Marked no-show"
        CLOSED = "closed", "Request closed"
        # A clinician let a consultation be booked before the intake was cleared for booking
        # (appointments.booking.clearance); `reason` says why.
        OVERRIDE = "override", "Booked before a clinician's review (clinician's override)"

    request = models.ForeignKey(AppointmentRequest, on_delete=models.CASCADE, related_name="events")
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(max_length=24, choices=Action.choices)
    # Empty for what the patient did through their link.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_starts_at = models.DateTimeField(null=True, blank=True)
    to_starts_at = models.DateTimeField(null=True, blank=True)
    from_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def actor_label(self):
        if self.actor_id:
            return self.actor.get_full_name() or self.actor.get_username()
        return "The person, through their link" if self.request.submission_id else "The person"


class NotificationQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(
            status__in=[Notification.Status.PENDING, Notification.Status.FAILED],
            next_attempt_at__lte=now or timezone.now(),
        )

    def needing_attention(self):
        return self.filter(status=Notification.Status.FAILED)


class Notification(models.Model):
    """An email to the patient about their appointment, waiting in an outbox so that sending
    never decides whether a booking happened. What the email says is copied here when the
    change is made, so a late retry still describes that change."""

    class Kind(models.TextChoices):
        BOOKED = "booked", "Booked"
        MOVED = "moved", "Moved"
        CANCELLED = "cancelled", "Cancelled"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SUPERSEDED = "superseded", "Replaced by a later email"

    MAX_ATTEMPTS = 6
    FIRST_RETRY = timedelta(minutes=1)

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    to_address = EncryptedTextField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    mode = models.CharField(max_length=10, choices=MEETING_MODES)
    place = models.CharField(max_length=320)
    sequence = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The kind of failure only (exception class, SMTP code): never an address or a message body.
    last_error = models.CharField(max_length=200, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due")]

    def __str__(self):
        return f"{self.get_kind_display()} email for appointment {self.appointment_id}"

    @property
    def gave_up(self):
        return self.status == self.Status.FAILED and self.next_attempt_at is None

    def record_sent(self, now=None):
        self.status = self.Status.SENT
        self.sent_at = now or timezone.now()
        self.attempts += 1
        self.next_attempt_at = None
        self.last_error = ""

    def record_failure(self, error, now=None):
        """Back off exponentially (1, 2, 4, 8, 16 minutes), then wait for a person."""
        now = now or timezone.now()
        self.status = self.Status.FAILED
        self.attempts += 1
        self.last_error = error[:200]
        if self.attempts >= self.MAX_ATTEMPTS:
            self.next_attempt_at = None
        else:
            self.next_attempt_at = now + self.FIRST_RETRY * 2 ** (self.attempts - 1)
