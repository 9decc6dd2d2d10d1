"""What staff record about a submission: assignments, acknowledgements of urgent submissions and
decisions. All three are history: rows are added, never edited or deleted (clinic.models
.AppendOnlyModel), and the submission's clear columns (assigned_to, review_status,
acknowledged_at) follow the newest row.

Notes are about a patient's health, so they are encrypted at rest like the answers.
"""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from clinic.fields import EncryptedTextField
from clinic.models import AppendOnlyModel, AppendOnlyQuerySet
from screening.models.intake import Outcome, Submission


class Assignment(AppendOnlyModel):
    """Who a submission was given to, by whom and when. `assigned_to` None means unassigned."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="assignments")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assigned_at", "-id"]
        default_permissions = ("add", "view")

    def __str__(self):
        return f"{self.submission_id} → {self.assigned_to_id or 'nobody'}"

    @classmethod
    def assign(cls, submission, *, to, by):
        """Give the submission to `to` (None: unassign). A new submission goes into review."""
        with transaction.atomic():
            locked = Submission.objects.select_for_update().only("id", "review_status")
            current = locked.get(pk=submission.pk)
            status = current.review_status
            if status == Submission.ReviewStatus.NEW and to is not None:
                status = Submission.ReviewStatus.IN_REVIEW
            Submission.objects.filter(pk=submission.pk).update(assigned_to=to, review_status=status)
            row = cls.objects.create(submission=submission, assigned_to=to, assigned_by=by)
        submission.assigned_to = to
        submission.review_status = status
        return row


class Acknowledgement(AppendOnlyModel):
    """A person on staff has seen an urgent submission and says what they did about it."""

    class Action(models.TextChoices):
        CALLED = "called", "Called the person and spoke with them"
        LEFT_MESSAGE = "left_message", "Called and left a message"
        REFERRED_EMERGENCY = "referred_emergency", "Referred to emergency services (911 / 988)"
        OTHER = "other", "Something else (say what in the note)"

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    action = models.CharField(max_length=24, choices=Action.choices)
    note = EncryptedTextField(blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at", "-id"]
        default_permissions = ("add", "view")

    def __str__(self):
        return f"{self.submission_id} {self.action}"

    @classmethod
    def acknowledge(cls, submission, *, action, note, by):
        """Record what was done. The first acknowledgement stops the submission standing out in
        the queue; later ones (a call back after a message) add to the history."""
        if submission.outcome != Outcome.URGENT:
            raise ValueError("only urgent submissions are acknowledged")
        now = timezone.now()
        with transaction.atomic():
            Submission.objects.select_for_update().only("id").get(pk=submission.pk)
            row = cls.objects.create(
                submission=submission,
                action=action,
                note=note,
                acknowledged_by=by,
                acknowledged_at=now,
            )
            Submission.objects.filter(pk=submission.pk, acknowledged_at__isnull=True).update(
                acknowledged_at=now
            )
        if submission.acknowledged_at is None:
            submission.acknowledged_at = now
        return row


class DecisionConflict(Exception):
    """Someone else recorded a decision after the person deciding last looked."""

    def __init__(self, latest):
        super().__init__(f"decision {latest.pk} was recorded meanwhile")
        self.latest = latest


class DecisionQuerySet(AppendOnlyQuerySet):
    def latest_for(self, submission):
        return self.filter(submission=submission).order_by("-id").first()


class Decision(AppendOnlyModel):
    """A clinician's decision on a submission. A change of mind is a new decision."""

    class Kind(models.TextChoices):
        INVITE = "invite", "Invite to a consultation"
        NOT_NOW = "not_now", "Not a candidate now (refer elsewhere)"
        MORE_INFO = "more_info", "Need more information"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    note = EncryptedTextField()
    referral_note = EncryptedTextField(blank=True)
    information_needed = EncryptedTextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["submission", "-id"], name="decision_latest")]
        default_permissions = ("add", "view")

    def __str__(self):
        return f"{self.submission_id} {self.kind}"

    @classmethod
    def record(cls, submission, *, kind, note, by, seen_decision_id, **details):
        """Append a decision, unless someone else decided after the person last looked.

        `seen_decision_id` is the newest decision the person saw (0 for none). The submission
        row is locked first, so two people pressing "Record" together are serialised and the
        second one gets DecisionConflict carrying the first one's decision.
        """
        with transaction.atomic():
            Submission.objects.select_for_update().only("id").get(pk=submission.pk)
            latest = cls.objects.latest_for(submission)
            if (latest.pk if latest else 0) != (seen_decision_id or 0):
                raise DecisionConflict(latest)
            row = cls.objects.create(
                submission=submission,
                kind=kind,
                note=note,
                referral_note=details.get("referral_note", ""),
                information_needed=details.get("information_needed", ""),
                decided_by=by,
            )
            # "More information" keeps the submission open: the clinic is waiting on an
            # answer, and it must not drop out of the working queue.
            status = (
                Submission.ReviewStatus.IN_REVIEW
                if kind == cls.Kind.MORE_INFO
                else Submission.ReviewStatus.DECIDED
            )
            Submission.objects.filter(pk=submission.pk).update(review_status=status)
        submission.review_status = status
        return row
