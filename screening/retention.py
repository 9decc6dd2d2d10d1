"""The retention policy (`manage.py apply_retention`, daily from cron).

1. Unfinished intakes whose private link has expired, and intakes abandoned before anything was
   saved, are deleted (screening.intake.flow.purge_expired, as `purge_drafts` does).
2. A closed submission (its newest decision is final: invite or not now) whose decision is older
   than RETENTION_CLOSED_SUBMISSIONS_DAYS is anonymised: the intake becomes a minimal
   de-identified document (the year, the outcome and the scores), the search hashes are cleared,
   each screening result keeps its outcome, rule-set version and flag codes but no evidence,
   staff notes and appointment free text and contact details are blanked, and the intake's
   private-link draft is deleted.
3. A call-back request (no intake) that was closed or cancelled that long ago loses its name,
   phone and note the same way.

Every batch is one transaction, so an interrupted run leaves whole submissions done or untouched,
and a run repeats safely: anonymised rows are marked and skipped. Each run writes one audit
event with the counts and the affected references (never a name or an answer).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from appointments.models import (
    Appointment,
    AppointmentEvent,
    AppointmentRequest,
    Notification,
)
from clinic import audit
from screening.intake.flow import purge_expired
from screening.models import (
    Acknowledgement,
    Decision,
    Draft,
    ScreeningResult,
    Submission,
)

FINAL_DECISIONS = (Decision.Kind.INVITE, Decision.Kind.NOT_NOW)
BATCH_SIZE = 200
# Scores that describe the person rather than their screening answers.
IDENTIFYING_SCORES = {"age"}
REMOVED_PHONE = "(removed)"


@dataclass
class Report:
    dry_run: bool
    cutoff: object
    expired_drafts: int = 0
    abandoned_drafts: int = 0
    submissions: list = field(default_factory=list)
    callbacks: int = 0

    def as_detail(self):
        return {
            "dry_run": self.dry_run,
            "closed_before": self.cutoff.date().isoformat(),
            "expired_drafts_deleted": self.expired_drafts,
            "abandoned_drafts_deleted": self.abandoned_drafts,
            "submissions_anonymised": len(self.submissions),
            "callback_requests_anonymised": self.callbacks,
            "references": self.submissions,
        }


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


def stale_callbacks(moment):
    return AppointmentRequest.objects.filter(
        submission__isnull=True,
        status__in=[
            AppointmentRequest.Status.CLOSED,
            AppointmentRequest.Status.CANCELLED_BY_PATIENT,
        ],
        status_changed_at__lt=moment,
    ).exclude(callback_phone_index="")


def anonymised_intake(submission, scores):
    return {
        "format": "clinic-intake/1",
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
    """Decisions and acknowledgements are append-only (clinic.models.AppendOnlyQuerySet refuses
    .update()). Retention is the one sanctioned exception: the record that a decision was made,
    by whom and when stays; only the free text about the patient goes. Plain SQL, with only the
    model's own quoted names interpolated."""
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    placeholders = ", ".join(["%s"] * len(submission_ids))
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote('submission_id')} IN ({placeholders})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [""] * len(columns) + list(submission_ids))


def _anonymise_batch(batch, now):
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
        )
    _blank_history(Decision, ["note", "referral_note", "information_needed"], ids)
    _blank_history(Acknowledgement, ["note"], ids)
    requests = AppointmentRequest.objects.filter(submission_id__in=ids)
    requests.update(notes="", callback_name="", callback_phone_index="")
    AppointmentEvent.objects.filter(request__in=requests).update(reason="")
    appointments = Appointment.objects.filter(request__in=requests)
    appointments.update(cancel_reason="")
    Notification.objects.filter(appointment__in=appointments).update(to_address="")
    # The private link's draft holds every answer as typed.
    Draft.objects.filter(submission__in=ids).delete()


def apply(*, now=None, dry_run=False, days=None, batch_size=BATCH_SIZE):
    now = now or timezone.now()
    moment = cutoff(now, days)
    report = Report(dry_run=dry_run, cutoff=moment)

    if dry_run:
        report.expired_drafts = Draft.objects.filter(expires_at__lte=now).count()
        report.abandoned_drafts = (
            Draft.objects.filter(completed_steps=[], created_at__lte=now - timedelta(days=1))
            .exclude(expires_at__lte=now)
            .count()
        )
        report.submissions = list(
            closed_before(moment).order_by("pk").values_list("reference", flat=True)
        )
        report.callbacks = stale_callbacks(moment).count()
        return report

    purged = purge_expired(now)
    report.expired_drafts = purged["expired"]
    report.abandoned_drafts = purged["abandoned"]

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
            _anonymise_batch(batch, now)
        report.submissions.extend(s.reference for s in batch)
        last_pk = batch[-1].pk

    while True:
        with transaction.atomic():
            ids = list(
                stale_callbacks(moment).order_by("pk").values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            requests = AppointmentRequest.objects.filter(pk__in=ids)
            # The database requires a phone on a call-back (request_has_intake_or_phone).
            requests.update(
                callback_name="",
                callback_phone=REMOVED_PHONE,
                notes="",
                callback_phone_index="",
            )
            AppointmentEvent.objects.filter(request__in=ids).update(reason="")
            appointments = Appointment.objects.filter(request__in=ids)
            appointments.update(cancel_reason="")
            Notification.objects.filter(appointment__in=appointments).update(to_address="")
        report.callbacks += len(ids)

    audit.record(None, audit.Action.RETENTION, detail=report.as_detail())
    return report
