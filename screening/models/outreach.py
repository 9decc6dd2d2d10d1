"""Reaching a person whose intake is urgent: the outreach log and the end of the urgent episode.

- Each attempt to reach the person (OutreachAttempt: called and spoke, no answer, left a message,
  sent to emergency services, something else) is a row with its time and a note. Rows are
  added, never edited (clinic.models.AppendOnlyModel).
- The urgent episode stays open, and the submission at the top of the review queue
  (SubmissionQuerySet.by_urgency), until a clinician closes it with an outcome
  (UrgentEpisodeClosure, one per submission).
- The first attempt or the closure of a submission nobody has acknowledged also acknowledges it
  (screening.models.review.Acknowledgement), so the urgent alert stops escalating: somebody is
  plainly on it.
- The crisis-call script (CrisisCallScript, one row an administrator edits in the admin) is
  what the clinic wants a clinician to have in front of them on that call.

Notes are about a patient's health, so they are encrypted at rest like the answers.
"""

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.fields import EncryptedTextField
from clinic.models import AppendOnlyModel, SingletonModel
from screening.models.intake import Outcome, Submission
from screening.models.review import Acknowledgement


class EpisodeError(Exception):
    """An outreach rule said no; the message is for the clinician at the screen."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class OutreachAttempt(AppendOnlyModel):
    """One attempt to reach the person about an urgent submission."""

    class Kind(models.TextChoices):
        SPOKE = "spoke", _("Called and spoke with them")
        NO_ANSWER = "no_answer", _("Called, no answer")
        LEFT_MESSAGE = "left_message", _("Called and left a message")
        EMERGENCY_SERVICES = (
            "emergency_services",
            _("Sent emergency services (911 or mobile crisis)"),
        )
        OTHER = "other", _("Something else (say what in the note)")

    # What the first attempt says when it also acknowledges the submission.
    ACKNOWLEDGES_AS = {
        Kind.SPOKE: Acknowledgement.Action.CALLED,
        Kind.LEFT_MESSAGE: Acknowledgement.Action.LEFT_MESSAGE,
        Kind.EMERGENCY_SERVICES: Acknowledgement.Action.REFERRED_EMERGENCY,
    }

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="outreach_attempts"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = EncryptedTextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # When the attempt was made (it may be logged a little later), not when the row was written.
    at = models.DateTimeField(default=timezone.now)
    logged_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["submission", "-at"], name="outreach_latest")]
        default_permissions = ("add", "view")

    def __str__(self):
        return f"{self.submission_id} {self.kind}"

    @classmethod
    def log(cls, submission, *, kind, note, by, at=None, now=None):
        """Add an attempt to an open urgent episode (EpisodeError when it is closed or the
        submission is not urgent). Returns (attempt, acknowledgement or None): the first
        attempt on a submission nobody has acknowledged acknowledges it too."""
        now = now or timezone.now()
        with transaction.atomic():
            current = _lock_open_episode(submission)
            row = cls.objects.create(
                submission=submission, kind=kind, note=note, by=by, at=at or now, logged_at=now
            )
            acknowledgement = None
            if current.acknowledged_at is None:
                action = cls.ACKNOWLEDGES_AS.get(kind, Acknowledgement.Action.OTHER)
                acknowledgement = Acknowledgement.acknowledge(
                    current, action=action, note="", by=by
                )
                submission.acknowledged_at = current.acknowledged_at
        return row, acknowledgement


class UrgentEpisodeClosure(AppendOnlyModel):
    """A clinician ends the urgent episode of a submission, saying how it ended."""

    class Outcome(models.TextChoices):
        SAFE_PLAN = "safe_plan", _("Safe, plan agreed")
        EMERGENCY_SERVICES = "emergency_services", _("Referred to emergency services")
        UNREACHABLE = "unreachable", _("Could not reach them after several attempts")
        OTHER = "other", _("Something else (say what in the note)")

    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, related_name="urgent_closure"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    note = EncryptedTextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ("add", "view")

    def __str__(self):
        return f"{self.submission_id} closed: {self.outcome}"

    @classmethod
    def close(cls, submission, *, outcome, note, by, now=None):
        """Close the urgent episode (EpisodeError when it is already closed, the submission is
        not urgent, or "could not reach" comes before any attempt). Returns (closure,
        acknowledgement or None), acknowledging a submission nobody had."""
        now = now or timezone.now()
        try:
            with transaction.atomic():
                current = _lock_open_episode(submission)
                if (
                    outcome == cls.Outcome.UNREACHABLE
                    and not OutreachAttempt.objects.filter(submission=submission).exists()
                ):
                    raise EpisodeError(
                        str(_("Log the attempts to reach them first: none is recorded yet.")),
                        field="outcome",
                    )
                row = cls.objects.create(
                    submission=submission, outcome=outcome, note=note, by=by, at=now
                )
                acknowledgement = None
                if current.acknowledged_at is None:
                    acknowledgement = Acknowledgement.acknowledge(
                        current, action=Acknowledgement.Action.OTHER, note="", by=by
                    )
                    submission.acknowledged_at = current.acknowledged_at
        except IntegrityError:  # closed at the same moment by somebody else
            raise EpisodeError(str(ALREADY_CLOSED)) from None
        return row, acknowledgement


ALREADY_CLOSED = _("The urgent episode is already closed: nothing was changed.")


def _lock_open_episode(submission):
    """Lock the submission row (attempts and the closure of one submission take turns) and
    check that its urgent episode is open. Returns the locked row."""
    current = (
        Submission.objects.select_for_update()
        .only("id", "outcome", "acknowledged_at")
        .get(pk=submission.pk)
    )
    if current.outcome != Outcome.URGENT:
        raise EpisodeError(str(_("Only an urgent submission has an urgent episode.")))
    if UrgentEpisodeClosure.objects.filter(submission_id=submission.pk).exists():
        raise EpisodeError(str(ALREADY_CLOSED))
    return current


DEFAULT_CRISIS_CALL_SCRIPT = """\
Introduce yourself: your name, that you are a clinician at the clinic, and that you are calling \
about the form they sent. Check you are speaking with the right person and that they can talk \
privately.
Say why you are calling: some of their answers worried you and you want to check in with them.
Ask directly: "Are you having thoughts of killing yourself?" Asking does not put the idea in \
anyone's head. If yes: "Do you have a plan? Do you have what you would use? Have you taken any \
steps?"
Listen. Stay calm and kind; do not argue or promise to keep it secret.
Go through a safety plan together: warning signs, things that help them cope, people and places \
that help, who they can call, and making the means out of reach (medicines, firearms).
Give them 988 (call or text, any time; press 1 for veterans; chat at 988lifeline.org), and the \
clinic's number.
If they are in immediate danger, or you cannot confirm they are safe: stay on the line and call \
911 (or the local mobile crisis team) with their address.
Agree when you will next be in touch, and log the call and the plan here."""


def default_crisis_call_script():
    return DEFAULT_CRISIS_CALL_SCRIPT


class CrisisCallScript(SingletonModel):
    """The clinic's script for a clinician calling a person at risk, shown on an urgent
    submission's page. One row, which administrators change in the admin; each line of the
    text is one step."""

    text = models.TextField(
        default=default_crisis_call_script,
        help_text="One step a line. Shown to clinicians at the top of an urgent submission.",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    changed_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "crisis-call script"
        verbose_name_plural = "crisis-call script"
        default_permissions = ("add", "change", "view")

    def __str__(self):
        return "Crisis-call script"

    @property
    def steps(self):
        return [line.strip() for line in (self.text or "").splitlines() if line.strip()]
