"""Who is told about an urgent submission, and who next when nobody acts (screening.alerts).

- The on-call rota: a weekly pattern in the clinic's wall-clock time (OnCallShift) plus one-off
  changes over a date-time range (OnCallChange: a clinician added, a clinician removed, or
  nobody on call). screening.alerts.rota reads it.
- Escalation contacts (EscalationContact) get the alert when nobody has acknowledged it after
  the delay in AlertSettings, and again on its repeat interval until somebody does.
- One UrgentAlert per urgent submission (or other urgent request) records what was done:
  when the on-call clinicians were told, how many escalations went out and when, and who
  acknowledged it. The tasks that alert and escalate lock this row and check it first, so a
  task that runs twice, or two workers at once, never send a second time.

Nothing here holds health information: the alert points at a page behind the staff sign-in.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from clinic import audit
from clinic.models import SingletonModel
from clinic.roles import CLINICIAN
from screening.models.intake import Submission
from screening.models.review import Acknowledgement


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


ON_CALL_STAFF = models.Q(groups__name=CLINICIAN, is_active=True)


class OnCallShift(models.Model):
    """Every week, `clinician` is on call on `weekday` from `starts` to `ends`, in the clinic's
    time zone (settings.TIME_ZONE), whatever the season. An end at or before the start runs
    past midnight into the next day (22:00 to 08:00); 00:00 is the end of the day."""

    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField(help_text="Clinic time, e.g. 08:00")
    ends = models.TimeField(help_text="Clinic time; at or before the start: the next morning")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="on_call_shifts",
        limit_choices_to=ON_CALL_STAFF,
    )

    class Meta:
        ordering = ["weekday", "starts", "clinician_id"]
        verbose_name = "on-call shift (weekly)"
        verbose_name_plural = "on-call shifts (weekly)"

    def __str__(self):
        return (
            f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M} "
            f"{self.clinician.get_username()}"
        )

    @property
    def overnight(self):
        return self.ends <= self.starts


class OnCallChange(models.Model):
    """A one-off change to the weekly pattern between two moments: a clinician added (covering
    for a colleague), a clinician removed (leave), or nobody on call (a holiday). "Nobody"
    clears the weekly pattern for its range; clinicians added for the same range still count."""

    class Kind(models.TextChoices):
        ADD = "add", "Add a clinician"
        REMOVE = "remove", "Remove a clinician"
        NOBODY = "nobody", "Nobody on call"

    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="on_call_changes",
        limit_choices_to=ON_CALL_STAFF,
        help_text="Who is added or removed (leave empty for “nobody on call”)",
    )
    # Why, for colleagues ("Dana covers the conference"): never about a patient.
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-starts_at", "id"]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="on_call_change_range")]
        verbose_name = "on-call change (one-off)"
        verbose_name_plural = "on-call changes (one-off)"

    def __str__(self):
        who = self.clinician.get_username() if self.clinician_id else "nobody"
        return f"{self.get_kind_display()}: {who}, {self.starts_at:%Y-%m-%d %H:%M}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must be after the start."})
        if self.kind == self.Kind.NOBODY and self.clinician_id:
            raise ValidationError({"clinician": "“Nobody on call” names no clinician."})
        if self.kind in (self.Kind.ADD, self.Kind.REMOVE) and not self.clinician_id:
            raise ValidationError({"clinician": "Say which clinician."})


class EscalationContact(models.Model):
    """Who gets an alert that nobody has acknowledged in time (a medical director, the
    practice manager's on-call phone's mailbox). Alerts go by email; the phone is for people
    reading the rota."""

    name = models.CharField(max_length=120)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class AlertSettings(SingletonModel):
    """The one row of alert settings, changed by administrators in the admin."""

    escalation_delay_minutes = models.PositiveIntegerField(
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text="Minutes after an urgent alert with nobody acknowledging it before the "
        "escalation contacts are told",
    )
    repeat_interval_minutes = models.PositiveIntegerField(
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
        help_text="Minutes between escalations until somebody acknowledges",
    )

    class Meta:
        verbose_name = "alert settings"
        verbose_name_plural = "alert settings"

    def __str__(self):
        return "Alert settings"

    @property
    def escalation_delay(self):
        return timedelta(minutes=self.escalation_delay_minutes)

    @property
    def repeat_interval(self):
        return timedelta(minutes=self.repeat_interval_minutes)


class UrgentAlert(models.Model):
    """An urgent submission (or another urgent request) that staff must hear about now, and
    what has been done about telling them."""

    class Reason(models.TextChoices):
        SUBMITTED = "submitted", "An urgent intake was sent"
        RESCREENED = "rescreened", "A re-screen made an intake urgent"
        CALL_REQUEST = "call_request", "The person asked to be called"

    submission = models.ForeignKey(
        Submission,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="urgent_alerts",
    )
    # What the alert is about, as the audit trail names it (a submission, or a request of a
    # higher app), and the staff page it links to (behind the sign-in).
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=40)
    reference = models.CharField(max_length=40, blank=True)
    page = models.CharField(max_length=300)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now)
    # When the clinicians on call were first told (None: not yet, e.g. nobody was on call).
    alerted_at = models.DateTimeField(null=True, blank=True)
    escalations_sent = models.PositiveIntegerField(default=0)
    last_escalated_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open alert per submission: asking again while one waits changes nothing.
            models.UniqueConstraint(
                fields=["submission"],
                condition=models.Q(acknowledged_at__isnull=True),
                name="one_open_alert_per_submission",
            )
        ]
        indexes = [models.Index(fields=["target_type", "target_id"], name="urgent_alert_target")]
        default_permissions = ("view",)

    def __str__(self):
        return f"Urgent alert {self.reference or self.target_id}"

    @property
    def audit_target(self):
        return {"type": self.target_type, "id": self.target_id, "reference": self.reference}

    def is_acknowledged(self):
        """Acknowledged on the alert, or (for a submission) an acknowledgement recorded since
        the alert was raised."""
        if self.acknowledged_at is not None:
            return True
        if self.submission_id is None:
            return False
        return Acknowledgement.objects.filter(
            submission_id=self.submission_id, acknowledged_at__gte=self.created_at
        ).exists()

    def mark_acknowledged(self, *, by, at=None):
        """Stamp the alert (once) and write it to the audit trail. Returns whether it was open.
        Runs in the caller's transaction; a conditional update, so two at once stamp once."""
        at = at or timezone.now()
        stamped = UrgentAlert.objects.filter(pk=self.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=at, acknowledged_by=by
        )
        if not stamped:
            return False
        self.acknowledged_at, self.acknowledged_by = at, by
        audit.record(
            None,
            audit.Action.URGENT_ALERT_ACKNOWLEDGED,
            actor=by,
            target=self.audit_target,
            detail={
                "alert_id": self.pk,
                "minutes_after_alert": int((at - self.created_at).total_seconds() // 60),
                "escalations_sent": self.escalations_sent,
            },
        )
        return True


@receiver(post_save, sender=Acknowledgement, dispatch_uid="urgent_alert_acknowledged")
def _acknowledged(sender, instance, created, **kwargs):
    """The staff review's "acknowledge" (screening.models.review.Acknowledgement) answers every
    open alert of that submission: escalation stops."""
    if not created:
        return
    with transaction.atomic():
        waiting = UrgentAlert.objects.select_for_update().filter(
            submission_id=instance.submission_id, acknowledged_at__isnull=True
        )
        for alert in waiting:
            alert.mark_acknowledged(by=instance.acknowledged_by, at=instance.acknowledged_at)
