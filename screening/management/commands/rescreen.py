from collections import Counter
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from screening.engine import IntakeError, screen
from screening.models import ScreeningResult, Submission, current_thresholds


def _date(value):
    try:
        return timezone.make_aware(datetime.fromisoformat(value))
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _same(previous, current):
    """Whether a new evaluation says nothing the stored one did not (so no history row)."""
    if previous is None:
        return False
    keys = ("outcome", "ruleset_version", "thresholds", "scores", "flags")
    return all(previous.get(key) == current.get(key) for key in keys)


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

    def handle(self, *args, dry_run=False, batch_size=1000, **filters):
        submissions = self.select(Submission.objects.all(), filters)
        thresholds = current_thresholds()
        transitions = Counter()
        counts = Counter()
        last_pk = 0
        while True:
            # Walk by primary key: stable under concurrent inserts and cheap on 100,000 rows.
            batch = list(submissions.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
            if not batch:
                break
            last_pk = batch[-1].pk
            with transaction.atomic():
                self.rescreen_batch(batch, thresholds, dry_run, transitions, counts)
        self.report(transitions, counts, dry_run)

    def select(self, queryset, filters):
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

    def rescreen_batch(self, batch, thresholds, dry_run, transitions, counts):
        latest = {}
        for stored in ScreeningResult.objects.filter(submission__in=batch).order_by(
            "created_at", "id"
        ):
            latest[stored.submission_id] = stored.result
        new_results, changed = [], []
        now = timezone.now()
        for submission in batch:
            counts["screened"] += 1
            try:
                result = screen(submission.intake, thresholds).to_dict()
            except IntakeError as exc:
                counts["invalid"] += 1
                self.stderr.write(f"{submission.reference}: not screened: {exc}")
                continue
            if _same(latest.get(submission.pk), result):
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
                    reason=ScreeningResult.Reason.RESCREEN,
                    created_at=now,
                )
            )
            if result["outcome"] != submission.outcome or (
                result["scores"].get("cssrs_risk") != submission.cssrs_risk
            ):
                submission.apply_screening(result)
                changed.append(submission)
        if dry_run:
            return
        ScreeningResult.objects.bulk_create(new_results, batch_size=500)
        Submission.objects.bulk_update(
            changed, ["outcome", "outcome_rank", "cssrs_risk", "risk_rank"], batch_size=500
        )

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
