"""The retention policy's screening part: drafts and submissions. `manage.py apply_retention`
(appointments/management/commands/apply_retention.py, daily from cron) runs it through
appointments.retention, which adds the call-back requests and writes the run's audit event.

1. Unfinished intakes whose private link has expired, and intakes abandoned before anything was
   saved, are deleted (Draft.objects.purge_expired, as `purge_drafts` does).
2. A closed submission (its newest decision is final: invite or not now) whose decision is older
   than RETENTION_CLOSED_SUBMISSIONS_DAYS is anonymised: the intake becomes a minimal
   de-identified document (the year, the outcome and the scores), the search hashes are cleared,
   each screening result keeps its outcome, rule-set version and flag codes but no evidence,
   staff notes are blanked, and the intake's private-link draft is deleted. What another app
   keeps about the same submissions (appointment free text and contact details) is blanked by
   the `also` callable it passes in, inside the same transaction.

Every batch is one transaction, so an interrupted run leaves whole submissions done or untouched,
and a run repeats safely: anonymised rows are marked and skipped.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from screening.models import (
    Acknowledgement,
    Decision,
    Draft,
    OutreachAttempt,
    ScreeningResult,
    Submission,
    UrgentEpisodeClosure,
)
from screening.questionnaire import FORMAT

FINAL_DECISIONS = (Decision.Kind.INVITE, Decision.Kind.NOT_NOW)
BATCH_SIZE = 200
# Scores that describe the person rather than their screening answers.
IDENTIFYING_SCORES = {"age"}


def cutoff(now=None, days=None):
    days = settings.RETENTION_CLOSED_SUBMISSIONS_DAYS if days is None else days
    return (now or timezone.now()) - timedelta(days=days)


def closed_before(moment):
    """Submissions not yet anonymised whose newest decision is final and older than `moment`."""
    newest = Decision.objects.filter(submission=OuterRef("pk")).order_by("-id")
    return (
        Submission.objects.filter(anonymised_at__isnull=True)
        .annotate(
            final_kind=Subquery(newest.values("kind")[:1]),
            final_at=Subquery(newest.values("decided_at")[:1]),
        )
        .filter(final_kind__in=FINAL_DECISIONS, final_at__lt=moment)
    )


def anonymised_intake(submission, scores):
    return {
        "format": FORMAT,
        "anonymised": True,
        "submitted_year": submission.submitted_at.year,
        "outcome": submission.outcome,
        "scores": {k: v for k, v in (scores or {}).items() if k not in IDENTIFYING_SCORES},
    }


def anonymised_result(result):
    result = result or {}
    return {
        "anonymised": True,
        "outcome": result.get("outcome"),
        "ruleset_version": result.get("ruleset_version"),
        "flags": [
            {"code": flag.get("code"), "severity": flag.get("severity"), "evidence": []}
            for flag in result.get("flags") or []
            if isinstance(flag, dict)
        ],
    }


def _blank_history(model, columns, submission_ids):
    """Decisions, acknowledgements and the outreach log are append-only (clinic.models
    .AppendOnlyQuerySet refuses .update()). Retention is the one sanctioned exception: the record
    that a decision was made, by whom and when stays; only the free text about the patient goes.
    Plain SQL, with only the model's own quoted names interpolated."""
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    placeholders = ", ".join(["%s"] * len(submission_ids))
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote('submission_id')} IN ({placeholders})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [""] * len(columns) + list(submission_ids))


def _anonymise_batch(batch, now, also):
    ids = [s.pk for s in batch]
    latest = {}
    for result in ScreeningResult.objects.filter(submission_id__in=ids).order_by(
        "created_at", "id"
    ):
        latest[result.submission_id] = result
        ScreeningResult.objects.filter(pk=result.pk).update(result=anonymised_result(result.result))
    for submission in batch:
        scores = (
            (latest[submission.pk].result or {}).get("scores") if submission.pk in latest else {}
        )
        Submission.objects.filter(pk=submission.pk, anonymised_at__isnull=True).update(
            intake=anonymised_intake(submission, scores),
            name_index="",
            email_index="",
            phone_index="",
            anonymised_at=now,
            updated_at=now,
        )
    _blank_history(Decision, ["note", "referral_note", "information_needed"], ids)
    _blank_history(Acknowledgement, ["note"], ids)
    _blank_history(OutreachAttempt, ["note"], ids)
    _blank_history(UrgentEpisodeClosure, ["note"], ids)
    if also is not None:
        also(ids)
    # The private link's draft holds every answer as typed.
    Draft.objects.filter(submission__in=ids).delete()


def count_drafts(now):
    """What delete_drafts(now) would delete, for a dry run: {"expired": n, "abandoned": n}."""
    return {
        "expired": Draft.objects.filter(expires_at__lte=now).count(),
        "abandoned": (
            Draft.objects.filter(completed_steps=[], created_at__lte=now - timedelta(days=1))
            .exclude(expires_at__lte=now)
            .count()
        ),
    }


def delete_drafts(now):
    """Delete expired and abandoned drafts: {"expired": n, "abandoned": n, ...}."""
    return Draft.objects.purge_expired(now)


def closed_references(moment):
    """The references anonymise_closed(moment, ...) would anonymise, for a dry run."""
    return list(closed_before(moment).order_by("pk").values_list("reference", flat=True))


def anonymise_closed(moment, now, *, batch_size=BATCH_SIZE, also=None):
    """Anonymise the submissions closed before `moment`, one transaction per batch; returns
    their references. `also(submission_ids)`, when given, runs inside each batch's transaction:
    how a higher layer blanks what it keeps about these submissions."""
    references = []
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                closed_before(moment)
                .filter(pk__gt=last_pk)
                .select_for_update(of=("self",))
                .order_by("pk")
                .only("pk", "reference", "submitted_at", "outcome")[:batch_size]
            )
            if not batch:
                break
            _anonymise_batch(batch, now, also)
        references.extend(s.reference for s in batch)
        last_pk = batch[-1].pk
    return references
