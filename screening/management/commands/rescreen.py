import multiprocessing
import os
from collections import Counter
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction
from django.db.models import Max, Min
from django.utils import timezone

from screening.alerts import raise_urgent_alert
from screening.engine import IntakeError, screen
from screening.models import (
    Outcome,
    ScreeningResult,
    Submission,
    UrgentAlert,
    current_thresholds,
)
from screening.models.intake import result_digest, risk_rank_of


def _date(value):
    try:
        return timezone.make_aware(datetime.fromisoformat(value))
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def select(filters):
    # An anonymised submission (screening.retention) has no answers left to screen.
    queryset = Submission.objects.filter(anonymised_at__isnull=True)
    if filters.get("outcome"):
        queryset = queryset.filter(outcome__in=filters["outcome"])
    if filters.get("since"):
        queryset = queryset.filter(submitted_at__gte=filters["since"])
    if filters.get("until"):
        queryset = queryset.filter(submitted_at__lt=filters["until"])
    if filters.get("reference"):
        queryset = queryset.filter(reference__in=[r.upper() for r in filters["reference"]])
    if filters.get("awaiting_review"):
        queryset = queryset.awaiting_review()
    return queryset


def rescreen_range(job):
    """Re-screen the selected submissions with pk in [first, last]; a unit of work that a
    worker process can run on its own connection."""
    filters, thresholds, dry_run, batch_size, first, last = job
    submissions = select(filters).filter(pk__lte=last)
    transitions, counts, problems = Counter(), Counter(), []
    last_pk = first - 1
    while True:
        # Walk by primary key: stable under concurrent inserts and cheap on 100,000 rows.
        batch = list(submissions.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
        if not batch:
            break
        last_pk = batch[-1].pk
        with transaction.atomic():
            rescreen_batch(batch, thresholds, dry_run, transitions, counts, problems)
    return transitions, counts, problems


def rescreen_batch(batch, thresholds, dry_run, transitions, counts, problems):
    # Compare fingerprints, not decrypted results: half the work on 100,000 rows.
    latest = dict(
        ScreeningResult.objects.filter(submission__in=batch)
        .order_by("created_at", "id")
        .values_list("submission_id", "digest")
    )
    new_results, changed, newly_urgent = [], [], []
    now = timezone.now()
    for submission in batch:
        counts["screened"] += 1
        try:
            result = screen(submission.intake, thresholds).to_dict()
        except IntakeError as exc:
            counts["invalid"] += 1
            problems.append(f"{submission.reference}: not screened: {exc}")
            continue
        digest = result_digest(result)
        if latest.get(submission.pk) == digest:
            counts["unchanged"] += 1
            continue
        counts["new_results"] += 1
        transitions[(submission.outcome, result["outcome"])] += 1
        new_results.append(
            ScreeningResult(
                submission=submission,
                outcome=result["outcome"],
                ruleset_version=result["ruleset_version"],
                result=result,
                digest=digest,
                reason=ScreeningResult.Reason.RESCREEN,
                created_at=now,
            )
        )
        if (
            result["outcome"] != submission.outcome
            or (result["scores"].get("cssrs_risk") or "unknown") != submission.cssrs_risk
            or risk_rank_of(result) != submission.risk_rank
        ):
            if becomes_urgent(submission, result):
                newly_urgent.append(submission)
            submission.apply_screening(result)
            changed.append(submission)
    if dry_run:
        return
    ScreeningResult.objects.bulk_create(new_results, batch_size=500)
    # A new result changes what the submission says (its flags, for the FHIR API).
    if new_results:
        Submission.objects.filter(pk__in=[r.submission_id for r in new_results]).update(
            updated_at=now
        )
    Submission.objects.bulk_update(
        changed, ["outcome", "outcome_rank", "cssrs_risk", "risk_rank"], batch_size=500
    )
    # In the batch's transaction, like a new urgent intake's alert in the intake's.
    for submission in newly_urgent:
        raise_urgent_alert(submission, UrgentAlert.Reason.RESCREENED, now=now)
    counts["alerted"] += len(newly_urgent)


def becomes_urgent(submission, result):
    """A submission a re-screen makes urgent, still waiting for a decision and never
    acknowledged, alerts the clinicians on call as a new urgent intake does (a decided one was
    read by a clinician; the queue shows it first either way)."""
    return (
        result["outcome"] == Outcome.URGENT
        and submission.outcome != Outcome.URGENT
        and submission.review_status != Submission.ReviewStatus.DECIDED
        and submission.acknowledged_at is None
    )


def _worker_init():
    # A forked worker must not share the parent's database socket.
    for conn in connections.all(initialized_only=True):
        conn.inc_thread_sharing()
        conn.close()
        conn.dec_thread_sharing()


class Command(BaseCommand):
    help = "Re-screen stored submissions with the current rules and thresholds, keeping history."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="report, change nothing")
        parser.add_argument("--outcome", action="append", help="only this current outcome")
        parser.add_argument("--since", type=_date, help="submitted on or after YYYY-MM-DD")
        parser.add_argument("--until", type=_date, help="submitted before YYYY-MM-DD")
        parser.add_argument("--reference", action="append", help="only this reference code")
        parser.add_argument("--awaiting-review", action="store_true", help="skip decided ones")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--jobs",
            type=int,
            help="worker processes (PostgreSQL only; default: one per core there, else 1)",
        )

    def handle(self, *args, dry_run=False, batch_size=1000, jobs=None, **options):
        filters = {key: options.get(key) for key in ("outcome", "since", "until", "reference")}
        filters["awaiting_review"] = options.get("awaiting_review")
        if jobs is None:
            # Decrypting, screening and re-encrypting is CPU work: use the cores PostgreSQL's
            # concurrent writers allow. SQLite takes one writer at a time.
            # Workers have their own connections, so they cannot see rows of a transaction
            # still open here.
            connection = connections["default"]
            parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
            jobs = min(os.cpu_count() or 1, 4) if parallel else 1
        if jobs < 1:
            raise CommandError("--jobs must be at least 1")
        if jobs > 1 and connections["default"].vendor != "postgresql":
            raise CommandError("--jobs needs PostgreSQL; SQLite allows one writer at a time")
        thresholds = current_thresholds()
        bounds = select(filters).aggregate(first=Min("pk"), last=Max("pk"))
        transitions, counts, problems = Counter(), Counter(), []
        if bounds["first"] is not None:
            first, last = bounds["first"], bounds["last"]
            step = max(1, (last - first + 1) // (jobs * 4) + 1) if jobs > 1 else last - first + 1
            work = [
                (filters, thresholds, dry_run, batch_size, start, min(last, start + step - 1))
                for start in range(first, last + 1, step)
            ]
            if jobs == 1:
                outputs = map(rescreen_range, work)
            else:
                connections.close_all()
                pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_worker_init)
                outputs = pool.imap_unordered(rescreen_range, work)
            for part_transitions, part_counts, part_problems in outputs:
                transitions.update(part_transitions)
                counts.update(part_counts)
                problems.extend(part_problems)
            if jobs > 1:
                pool.close()
                pool.join()
        for problem in problems:
            self.stderr.write(problem)
        self.report(transitions, counts, dry_run)

    def report(self, transitions, counts, dry_run):
        prefix = "Dry run: would have " if dry_run else ""
        self.stdout.write(
            f"{prefix}screened {counts['screened']} submission(s): "
            f"{counts['new_results']} with a new result, {counts['unchanged']} unchanged, "
            f"{counts['invalid']} not screenable."
        )
        moved = {pair: n for pair, n in transitions.items() if pair[0] != pair[1]}
        if not moved:
            self.stdout.write("No outcome changed.")
        for (before, after), n in sorted(moved.items(), key=lambda item: -item[1]):
            self.stdout.write(f"  {before} -> {after}: {n}")
        if counts["alerted"]:
            self.stdout.write(
                f"{counts['alerted']} awaiting review became urgent: the clinicians on call "
                "are alerted."
            )
