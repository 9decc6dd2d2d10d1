"""Drafts, submissions and their screening results.

Patient answers live only in encrypted fields (clinic.fields). What staff sort and filter on
(outcome, dates, status) is stored in clear beside them, and what staff search on (name, email,
phone) is stored as keyed hashes (clinic.crypto.blind_index).
"""

import hashlib
import json
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import connections, models, transaction
from django.utils import timezone

from clinic import crypto
from clinic.fields import EncryptedJSONField

QUESTIONNAIRE_VERSION = "2026.11"


class Outcome(models.TextChoices):
    URGENT = "urgent", "Urgent"
    LIKELY_EXCLUDED = "likely_excluded", "Likely excluded"
    NEEDS_REVIEW = "needs_review", "Needs review"
    ELIGIBLE = "eligible_for_consultation", "Eligible for consultation"


# Lower sorts first in the review queue.
OUTCOME_RANK = {
    Outcome.URGENT: 0,
    Outcome.LIKELY_EXCLUDED: 1,
    Outcome.NEEDS_REVIEW: 2,
    Outcome.ELIGIBLE: 3,
}
# An unanswered C-SSRS is not reassurance: it sorts above a screener answered "no" throughout.
RISK_RANK = {"high": 0, "moderate": 1, "low": 2, "unknown": 3, "none": 4}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    # 32 bytes = 256 bits from the OS's CSPRNG; only its hash is stored.
    return secrets.token_urlsafe(32)


def default_expiry():
    return timezone.now() + timedelta(days=settings.DRAFT_TTL_DAYS)


class DraftQuerySet(models.QuerySet):
    def live(self):
        return self.filter(expires_at__gt=timezone.now())

    def expired(self):
        return self.filter(expires_at__lte=timezone.now())

    def for_token(self, token: str):
        """The live draft a private link opens, or None. Expired and unknown links look alike."""
        if not token or len(token) > 100:
            return None
        return self.live().filter(token_hash=hash_token(token)).first()

    def open(self, token: str, *, lock: bool = False):
        """Like for_token(), for the intake's own pages: with `lock`, the row stays locked until
        the caller's transaction ends (two tabs saving at once cannot overwrite each other).

        One plain statement: it runs on every intake request, and building it through the ORM
        was a third of the CPU a step's POST took (bench/bench_intake.py).
        """
        if not token or len(token) > 100:
            return None
        connection = connections[self.db]
        table = connection.ops.quote_name(self.model._meta.db_table)
        now = self.model._meta.get_field("expires_at").get_db_prep_value(timezone.now(), connection)
        # Only the model's own quoted table name is interpolated; values are parameters.
        sql = f"SELECT * FROM {table} WHERE token_hash = %s AND expires_at > %s"  # noqa: S608
        if lock and connection.features.has_select_for_update:
            sql += " FOR UPDATE"
        return next(iter(self.raw(sql, [hash_token(token), now])), None)


class Draft(models.Model):
    """An intake in progress, reached through a private link. Answers are kept per step."""

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    answers = EncryptedJSONField(blank=True)
    current_step = models.CharField(max_length=40, blank=True)
    completed_steps = models.JSONField(default=list, blank=True)
    questionnaire_version = models.CharField(max_length=20, default=QUESTIONNAIRE_VERSION)
    risk_shown_at = models.DateTimeField(null=True, blank=True)
    # Set when a saved questionnaire shows suicide risk; cleared once the person has seen the
    # support page and chosen to continue. Nothing after the questionnaires opens until then.
    risk_pending = models.BooleanField(default=False)
    link_emailed_at = models.DateTimeField(null=True, blank=True)
    # Set in the transaction that creates the submission, so every page the link opens can
    # tell "sent" from "in progress" without joining the submission.
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(default=default_expiry, db_index=True)

    objects = DraftQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Draft {self.pk}"

    @classmethod
    def start(cls):
        """Create a draft and return it with its one-time clear token (never stored)."""
        token = new_token()
        draft = cls.objects.create(token_hash=hash_token(token))
        return draft, token

    @property
    def is_submitted(self):
        return hasattr(self, "submission") and self.submission is not None

    def update_columns(self, *, unless_changed_since=None, **values) -> bool:
        """Set and save just these fields, in one UPDATE built without the ORM's query
        machinery (the intake saves a step on every POST). Values are prepared by their fields,
        so encrypted fields are encrypted as in save().

        With `unless_changed_since` (the updated_at this copy was read with), the row is only
        written if nobody wrote it since: compare-and-set, so no lock or transaction is needed.
        Returns whether the row was written.
        """
        connection = connections[Draft.objects.db]
        quote = connection.ops.quote_name
        fields = [self._meta.get_field(name) for name in values]
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        params = [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, values.values(), strict=True)
        ]
        where = f"{quote(self._meta.pk.column)} = %s"
        params.append(self.pk)
        if unless_changed_since is not None:
            updated_at = self._meta.get_field("updated_at")
            where += f" AND {quote(updated_at.column)} = %s"
            params.append(updated_at.get_db_prep_value(unless_changed_since, connection))
        with connection.cursor() as cursor:
            # Only quoted column names from the model are interpolated; values are parameters.
            cursor.execute(
                f"UPDATE {quote(self._meta.db_table)} SET {assignments} WHERE {where}",  # noqa: S608
                params,
            )
            written = cursor.rowcount == 1
        if written:
            for name, value in values.items():
                setattr(self, name, value)
        return written


def new_reference() -> str:
    # Short enough to read over the phone; no 0/O, 1/I/L. A reference opens nothing by itself.
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


class SubmissionQuerySet(models.QuerySet):
    def create_screened(self, intake, *, draft=None, submitted_at=None, reason="submit"):
        """Store a clinic-intake/1 document as a submission and screen it, in one transaction.

        Raises screening.engine.IntakeError (nothing stored) when the document is not valid.
        """
        from screening.engine import screen

        submitted_at = submitted_at or timezone.now()
        intake = {**intake, "submitted_at": intake.get("submitted_at") or submitted_at.isoformat()}
        result = screen(intake, current_thresholds()).to_dict()
        with transaction.atomic():
            submission = self.model(intake=intake, draft=draft, submitted_at=submitted_at)
            submission.apply_screening(result)
            submission.save()
            ScreeningResult.objects.create(
                submission=submission,
                outcome=result["outcome"],
                ruleset_version=result["ruleset_version"],
                result=result,
                digest=result_digest(result),
                reason=reason,
            )
        return submission

    def by_urgency(self):
        return self.order_by("outcome_rank", "risk_rank", "submitted_at", "pk")

    def awaiting_review(self):
        return self.exclude(review_status=Submission.ReviewStatus.DECIDED)

    def search(self, term: str):
        term = (term or "").strip()
        if not term:
            return self
        query = models.Q(reference__iexact=term.upper().replace(" ", ""))
        if len(term) == 8 and "-" not in term:
            query |= models.Q(reference__iexact=f"{term[:4]}-{term[4:]}")
        query |= models.Q(name_index=crypto.blind_index("name", term))
        query |= models.Q(email_index=crypto.blind_index("email", term))
        phone = crypto.blind_index("phone", term)
        if phone:
            query |= models.Q(phone_index=phone)
        return self.filter(query)


class Submission(models.Model):
    """A finished intake, as the clinic-intake/1 document, with its current screening outcome."""

    class ReviewStatus(models.TextChoices):
        NEW = "new", "New"
        IN_REVIEW = "in_review", "In review"
        DECIDED = "decided", "Decided"

    reference = models.CharField(max_length=9, unique=True, default=new_reference, editable=False)
    draft = models.OneToOneField(
        Draft, null=True, blank=True, on_delete=models.SET_NULL, related_name="submission"
    )
    intake = EncryptedJSONField()
    questionnaire_version = models.CharField(max_length=20, default=QUESTIONNAIRE_VERSION)
    submitted_at = models.DateTimeField(default=timezone.now)

    outcome = models.CharField(max_length=32, choices=Outcome.choices)
    outcome_rank = models.PositiveSmallIntegerField()
    cssrs_risk = models.CharField(max_length=10, default="none")
    risk_rank = models.PositiveSmallIntegerField(default=RISK_RANK["none"])

    review_status = models.CharField(
        max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.NEW
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_submissions",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # Set by the retention policy (screening.retention): the answers are gone, only the
    # outcome, scores and flag codes remain.
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    name_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    email_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    phone_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=["outcome_rank", "risk_rank", "submitted_at", "id"], name="queue_order"
            ),
            models.Index(fields=["outcome", "submitted_at"], name="outcome_date"),
            models.Index(fields=["review_status", "outcome_rank"], name="status_rank"),
            models.Index(fields=["submitted_at"], name="submitted"),
        ]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        self.refresh_search_index()
        super().save(*args, **kwargs)

    def refresh_search_index(self):
        about = (self.intake or {}).get("about") or {}
        names = " ".join(
            filter(None, [about.get("legal_name") or "", about.get("preferred_name") or ""])
        )
        self.name_index = crypto.blind_index("name", about.get("legal_name") or names)
        self.email_index = crypto.blind_index("email", about.get("email") or "")
        self.phone_index = crypto.blind_index("phone", about.get("phone") or "")

    def apply_screening(self, result_dict):
        self.outcome = result_dict["outcome"]
        self.outcome_rank = OUTCOME_RANK[self.outcome]
        self.cssrs_risk = result_dict.get("scores", {}).get("cssrs_risk") or "unknown"
        self.risk_rank = RISK_RANK.get(self.cssrs_risk, RISK_RANK["unknown"])

    @property
    def display_name(self):
        about = (self.intake or {}).get("about") or {}
        return about.get("preferred_name") or about.get("legal_name") or "(no name given)"


def result_digest(result) -> str:
    """A keyed fingerprint of a screening result (keyed, because results hold answers)."""
    canonical = json.dumps(result, sort_keys=True, separators=(",", ":"), default=str)
    key = settings.SEARCH_INDEX_KEY.encode()[:64]
    return hashlib.blake2b(canonical.encode(), key=key, digest_size=16).hexdigest()


class ScreeningResult(models.Model):
    """One evaluation of a submission by the rules. Never edited: a re-screen adds a row."""

    class Reason(models.TextChoices):
        SUBMIT = "submit", "On submission"
        RESCREEN = "rescreen", "Re-screen after a rule or threshold change"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="screenings")
    outcome = models.CharField(max_length=32, choices=Outcome.choices)
    ruleset_version = models.CharField(max_length=20)
    result = EncryptedJSONField()
    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.SUBMIT)
    created_at = models.DateTimeField(default=timezone.now)
    # Lets a re-screen tell "nothing new" without decrypting every stored result.
    digest = models.CharField(max_length=32, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["submission", "-created_at"], name="screening_latest")]

    def __str__(self):
        return f"{self.submission_id} {self.outcome} ({self.ruleset_version})"


class ClinicThresholds(models.Model):
    """Clinic-tuned screening thresholds. Each change is a new row; the newest is in force."""

    values = models.JSONField(default=dict)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    changed_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        get_latest_by = ["changed_at", "id"]
        verbose_name_plural = "clinic thresholds"

    def __str__(self):
        return f"Thresholds of {self.changed_at:%Y-%m-%d %H:%M}"


def current_thresholds():
    """The thresholds in force: the clinic's newest overrides on top of the reference defaults."""
    from screening.engine import DEFAULT_THRESHOLDS, Thresholds

    latest = ClinicThresholds.objects.order_by("-changed_at", "-id").first()
    if latest is None:
        return DEFAULT_THRESHOLDS
    return Thresholds.from_dict({**DEFAULT_THRESHOLDS.to_dict(), **latest.values})
