"""Drafts, submissions and their screening results.

Patient answers live only in encrypted fields (clinic.fields). What staff sort and filter on
(outcome, dates, status) is stored in clear beside them, and what staff search on (name, email,
phone) is stored as keyed hashes (clinic.crypto.blind_index).
"""

import hashlib
import json
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connections, models, transaction
from django.utils import timezone

from clinic import crypto
from clinic.fields import EncryptedJSONField, EncryptedSectionsField
from screening.engine import DEFAULT_THRESHOLDS, Thresholds, screen
from screening.engine import OUTCOME_RANK as ENGINE_OUTCOME_RANK
from screening.questionnaire import LANGUAGE

logger = logging.getLogger(__name__)

QUESTIONNAIRE_VERSION = "2026.11"


class Outcome(models.TextChoices):
    URGENT = "urgent", "Urgent"
    LIKELY_EXCLUDED = "likely_excluded", "Likely excluded"
    NEEDS_REVIEW = "needs_review", "Needs review"
    ELIGIBLE = "eligible_for_consultation", "Eligible for consultation"


# Lower sorts first in the review queue: the engine's precedence, urgent first.
OUTCOME_RANK = {Outcome(outcome): rank for outcome, rank in ENGINE_OUTCOME_RANK.items()}
# An unanswered C-SSRS is not reassurance: it sorts above a screener answered "no" throughout.
RISK_RANK = {"high": 0, "moderate": 1, "low": 2, "unknown": 3, "none": 4}
# Urgent for a medical reason only (a blood-pressure reading in the crisis range): within the
# urgent tier such a submission comes after every one urgent for suicide risk, in the same
# C-SSRS order among themselves. The C-SSRS risk level itself is left as it is.
MEDICAL_CRISIS_CODES = frozenset({"RISK_BP_CRISIS"})
MEDICAL_ONLY_OFFSET = len(RISK_RANK)


def risk_rank_of(result_dict) -> int:
    """Where a screening result sorts within its outcome (lower first)."""
    cssrs = (result_dict.get("scores") or {}).get("cssrs_risk") or "unknown"
    rank = RISK_RANK.get(cssrs, RISK_RANK["unknown"])
    crisis = {f["code"] for f in result_dict.get("flags") or () if f.get("severity") == "crisis"}
    if crisis and crisis <= MEDICAL_CRISIS_CODES:
        rank += MEDICAL_ONLY_OFFSET
    return rank


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    # 32 bytes = 256 bits from the OS's CSPRNG; only its hash is stored.
    return secrets.token_urlsafe(32)


def could_be_token(token) -> bool:
    # Anything longer than a real token is refused before it is hashed or sent to the database.
    return bool(token) and len(token) <= 100


def default_expiry():
    return timezone.now() + timedelta(days=settings.DRAFT_TTL_DAYS)


class DraftQuerySet(models.QuerySet):
    def live(self):
        return self.filter(expires_at__gt=timezone.now())

    def expired(self):
        return self.filter(expires_at__lte=timezone.now())

    def purge_expired(self, now=None) -> dict:
        """Delete drafts whose link has expired, and drafts abandoned before anything was
        saved; the counts, for the purge and retention commands."""
        now = now or timezone.now()
        with transaction.atomic():
            expired = self.filter(expires_at__lte=now)
            submitted = expired.filter(submission__isnull=False).count()
            _, deleted = expired.delete()
            # Someone who pressed "Start" and left without saving a page has nothing to come
            # back to.
            _, abandoned = self.filter(
                completed_steps=[], created_at__lte=now - timedelta(days=1)
            ).delete()
        return {
            "expired": deleted.get("screening.Draft", 0),
            "of_which_submitted": submitted,
            "abandoned": abandoned.get("screening.Draft", 0),
        }

    def for_token(self, token: str):
        """The live draft a private link opens, or None. Expired and unknown links look alike."""
        if not could_be_token(token):
            return None
        return self.live().filter(token_hash=hash_token(token)).first()

    def open(self, token: str, *, lock: bool = False):
        """Like for_token(), for the intake's own pages: with `lock`, the row stays locked until
        the caller's transaction ends (two tabs saving at once cannot overwrite each other).

        One plain statement: it runs on every intake request, and building it through the ORM
        was a third of the CPU a step's POST took (bench/bench_intake.py).
        """
        if not could_be_token(token):
            return None
        connection = connections[self.db]
        table = connection.ops.quote_name(self.model._meta.db_table)
        now = _db_now(connection)
        # Only the model's own quoted table name is interpolated; values are parameters.
        sql = f"SELECT * FROM {table} WHERE token_hash = %s AND expires_at > %s"  # noqa: S608
        if lock and connection.features.has_select_for_update:
            sql += " FOR UPDATE"
        return next(iter(self.raw(sql, [hash_token(token), now])), None)

    def open_section(self, token: str, section: str):
        """(found, answers): one section of a live, unsent draft's answers, decrypted alone
        (found is False for a wrong, expired or sent link). A step whose questions depend on
        another step's answers reads just that step, not the whole draft."""
        if not could_be_token(token):
            return False, None
        connection = connections[self.db]
        table = connection.ops.quote_name(self.model._meta.db_table)
        if connection.vendor == "postgresql":
            pick = "answers ->> %s"
        else:
            pick, section = "json_extract(answers, %s)", f'$."{section}"'
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {pick} FROM {table} "  # noqa: S608
                "WHERE token_hash = %s AND expires_at > %s AND submitted_at IS NULL",
                [section, hash_token(token), _db_now(connection)],
            )
            row = cursor.fetchone()
        if row is None:
            return False, None
        return True, (EncryptedSectionsField.open(row[0]) if row[0] else None)

    def save_step(
        self, token: str, step: str, answers: dict, *, after: list, next_step: str,
        expires_at, risk_pending: bool | None = None, unless_risk_pending: bool = False,
        under_min_age: bool | None = None, unless_under_min_age: bool = False, now=None,
    ) -> bool:  # fmt: skip
        """Store one step's answers in the draft a private link opens, in one statement.

        The row is written only while the link is live and unsent, every step in `after` is
        done, (with `unless_risk_pending`) no support page is waiting and (with
        `unless_under_min_age`) the saved date of birth is not under the minimum age; otherwise
        nothing is written and False comes back, for the caller to work out where the person
        belongs.
        Only this step's section is encrypted and merged into the row, by the database: two
        tabs saving different steps at once both keep their answers, with no lock, no
        transaction and no read first (the intake's commonest write: bench/bench_intake.py).
        """
        if not could_be_token(token):
            return False
        connection = connections[self.db]
        now = now or timezone.now()
        sql = SAVE_STEP_SQL[connection.vendor].format(
            table=connection.ops.quote_name(self.model._meta.db_table),
            risk=", risk_pending = %(risk)s" if risk_pending is not None else "",
            unless_risk=" AND NOT risk_pending" if unless_risk_pending else "",
            under_age=", under_min_age = %(under_age)s" if under_min_age is not None else "",
            unless_under_age=" AND NOT under_min_age" if unless_under_min_age else "",
        )
        params = {
            "step": step,
            "sealed": EncryptedSectionsField.seal(answers),
            "next_step": next_step,
            "expires_at": _db_now(connection, expires_at),
            "now": _db_now(connection, now),
            "risk": risk_pending,
            "under_age": under_min_age,
            "token_hash": hash_token(token),
            "after": json.dumps(list(after)),
            "after_count": len(after),
        }
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount == 1


# Draft.objects.save_step() for each database the app runs on. Only the quoted table name and
# the fixed fragments in save_step() are formatted in; every value is a parameter.
SAVE_STEP_SQL = {
    "postgresql": (
        "UPDATE {table} SET "
        "answers = answers || jsonb_build_object(%(step)s::text, %(sealed)s::text), "
        "completed_steps = CASE WHEN completed_steps ? %(step)s THEN completed_steps "
        "ELSE completed_steps || jsonb_build_array(%(step)s::text) END, "
        "current_step = %(next_step)s, expires_at = %(expires_at)s, updated_at = %(now)s"
        "{risk}{under_age} "
        "WHERE token_hash = %(token_hash)s AND expires_at > %(now)s AND submitted_at IS NULL "
        "AND completed_steps @> %(after)s::jsonb{unless_risk}{unless_under_age}"
    ),
    "sqlite": (
        "UPDATE {table} SET "
        "answers = json_set(answers, '$.\"' || %(step)s || '\"', %(sealed)s), "
        "completed_steps = CASE WHEN EXISTS "
        "(SELECT 1 FROM json_each(completed_steps) WHERE value = %(step)s) THEN completed_steps "
        "ELSE json_insert(completed_steps, '$[#]', %(step)s) END, "
        "current_step = %(next_step)s, expires_at = %(expires_at)s, updated_at = %(now)s"
        "{risk}{under_age} "
        "WHERE token_hash = %(token_hash)s AND expires_at > %(now)s AND submitted_at IS NULL "
        "AND (SELECT COUNT(*) FROM json_each(completed_steps) "
        "WHERE value IN (SELECT value FROM json_each(%(after)s))) = %(after_count)s"
        "{unless_risk}{unless_under_age}"
    ),
}


def _db_now(connection, moment=None):
    field = Draft._meta.get_field("expires_at")
    return field.get_db_prep_value(moment or timezone.now(), connection)


class Draft(models.Model):
    """An intake in progress, reached through a private link. Answers are kept per step."""

    # Unique through Meta.constraints: unique=True would add a second, LIKE-pattern index
    # that no query uses and every new draft pays for.
    token_hash = models.CharField(max_length=64, editable=False)
    answers = EncryptedSectionsField(blank=True)
    current_step = models.CharField(max_length=40, blank=True)
    completed_steps = models.JSONField(default=list, blank=True)
    questionnaire_version = models.CharField(max_length=20, default=QUESTIONNAIRE_VERSION)
    risk_shown_at = models.DateTimeField(null=True, blank=True)
    # Set when a saved questionnaire shows suicide risk; cleared once the person has seen the
    # support page and chosen to continue. Nothing after the questionnaires opens until then.
    risk_pending = models.BooleanField(default=False)
    # When the calm medical notice was shown for the saved blood-pressure reading (one in the
    # crisis range). Cleared when a different reading in that range is saved: it shows again.
    medical_notice_shown_at = models.DateTimeField(null=True, blank=True)
    # Set when the saved date of birth is under the clinic's minimum age: nothing after "About
    # you" opens or saves, and the draft cannot be sent, until the date is corrected.
    under_min_age = models.BooleanField(default=False)
    link_emailed_at = models.DateTimeField(null=True, blank=True)
    # The language the person uses the intake in (settings.LANGUAGES): its pages, its emails,
    # and the About step's preferred language to begin with. Kept as they switch.
    language = models.CharField(max_length=8, default="en")
    # Set in the transaction that creates the submission, so every page the link opens can
    # tell "sent" from "in progress" without joining the submission.
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Not indexed: every save moves it, and an indexed column that changes makes each save
    # write new index entries instead of a heap-only (HOT) update. Only the daily purge
    # filters on it, and a scan of the drafts table suits a daily job.
    expires_at = models.DateTimeField(default=default_expiry)

    objects = DraftQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["token_hash"], name="draft_token_hash")]

    def __str__(self):
        return f"Draft {self.pk}"

    @classmethod
    def start(cls, language="en"):
        """Create a draft and return it with its one-time clear token (never stored)."""
        token = new_token()
        draft = cls.objects.create(token_hash=hash_token(token), language=language)
        return draft, token

    @property
    def is_submitted(self):
        return hasattr(self, "submission") and self.submission is not None

    def remember_language(self, language: str):
        """The person switched language on one of the intake's pages: keep it with the draft
        (one column, outside the step saves)."""
        Draft.objects.filter(pk=self.pk).update(language=language)
        self.language = language


def new_reference() -> str:
    # Short enough to read over the phone; no 0/O, 1/I/L. A reference opens nothing by itself.
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


# An urgent submission's episode is open until a clinician closes it (the reverse one-to-one of
# screening.models.outreach.UrgentEpisodeClosure, named here without importing it).
URGENT_EPISODE_OPEN_Q = models.Q(outcome=Outcome.URGENT, urgent_closure__isnull=True)
URGENT_EPISODE_OPEN = models.Case(
    models.When(URGENT_EPISODE_OPEN_Q, then=models.Value(1)),
    default=models.Value(0),
    output_field=models.IntegerField(),
)


class SubmissionQuerySet(models.QuerySet):
    def create_screened(self, intake, *, draft=None, submitted_at=None, reason="submit"):
        """Store a clinic-intake/1 document as a submission and screen it, in one transaction.

        Raises screening.engine.IntakeError (nothing stored) when the document is not valid.
        """
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
        """Urgent first, and within urgent the open urgent episodes (no closure yet,
        screening.models.outreach) before the closed ones; then C-SSRS risk and oldest first.
        Outcome first, so the queue's index still gives the order of the tiers."""
        return self.annotate(urgent_open=URGENT_EPISODE_OPEN).order_by(
            "outcome_rank", "-urgent_open", "risk_rank", "submitted_at", "pk"
        )

    def urgent_episode_open(self):
        """Urgent submissions whose urgent episode no clinician has closed yet."""
        return self.filter(URGENT_EPISODE_OPEN_Q)

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
    # When what the submission says last changed: sent, screened again with a new result, or
    # anonymised (review actions do not count). The FHIR API's _lastUpdated (screening.fhir).
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

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
            models.Index(fields=["updated_at", "id"], name="submission_updated"),
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
        self.risk_rank = risk_rank_of(result_dict)

    @property
    def display_name(self):
        about = (self.intake or {}).get("about") or {}
        return about.get("preferred_name") or about.get("legal_name") or "(no name given)"

    @property
    def answered_in(self) -> str:
        """The language the person used for the intake ("en", "es"): the document's top-level
        `language`, written by the export from the draft; English for older documents."""
        return (self.intake or {}).get("language") or "en"

    @property
    def preferred_language(self) -> str:
        """The About step's answer ("en", "es"), or "" when it was not given."""
        return ((self.intake or {}).get("about") or {}).get("preferred_language") or ""

    @property
    def answered_in_label(self) -> str:
        """ "Spanish": the answered-in language as staff read it."""
        return LANGUAGE.label_of(self.answered_in)

    @property
    def preferred_language_label(self) -> str:
        return LANGUAGE.label_of(self.preferred_language) if self.preferred_language else ""

    @property
    def shows_language(self) -> bool:
        """Whether staff pages mark the language: answered, or preferring, other than English."""
        return self.answered_in != "en" or self.preferred_language not in ("", "en")


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

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Forget the cached thresholds now and again once this commits, so that a request that
        # read the old row in between cannot keep it.
        cache.delete(THRESHOLDS_CACHE_KEY)
        transaction.on_commit(lambda: cache.delete(THRESHOLDS_CACHE_KEY))


# The intake reads the thresholds on two steps (the minimum age, the crisis range) and each
# submission on sending: a cache shared by every server keeps that off the database.
THRESHOLDS_CACHE_KEY = "screening:clinic-thresholds:v1"
THRESHOLDS_CACHE_SECONDS = 300


def current_thresholds():
    """The thresholds in force: the clinic's newest overrides on top of the reference defaults."""
    cached = cache.get(THRESHOLDS_CACHE_KEY)
    if cached is None:
        latest = ClinicThresholds.objects.order_by("-changed_at", "-id").first()
        cached = {"values": latest.values if latest is not None else {}}
        cache.set(THRESHOLDS_CACHE_KEY, cached, THRESHOLDS_CACHE_SECONDS)
    if not cached["values"]:
        return DEFAULT_THRESHOLDS
    return Thresholds.from_dict({**DEFAULT_THRESHOLDS.to_dict(), **cached["values"]})


def current_thresholds_or_defaults():
    """current_thresholds(), or the reference defaults when the database does not answer: for
    callers outside a request, such as ``manage.py screen``.

    The failure is logged as a warning rather than raised: a screening with default thresholds
    (which the result records) is more useful than none, and "the database is not reachable"
    shows up as many different exception types (including pytest-django's RuntimeError when a
    test has no database access).
    """
    try:
        return current_thresholds()
    except Exception as exc:
        logger.warning("using default screening thresholds: %s: %s", type(exc).__name__, exc)
        return DEFAULT_THRESHOLDS
