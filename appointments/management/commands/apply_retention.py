from django.core.management.base import BaseCommand

from appointments import retention


class Command(BaseCommand):
    help = (
        "Delete expired drafts and anonymise closed submissions past the retention period "
        "(RETENTION_CLOSED_SUBMISSIONS_DAYS). Safe to run daily from cron: batched, one "
        "transaction per batch, repeatable."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be done; change nothing"
        )
        parser.add_argument(
            "--batch-size", type=int, default=retention.BATCH_SIZE, help="submissions per batch"
        )

    def handle(self, *args, dry_run=False, batch_size=retention.BATCH_SIZE, **options):
        report = retention.apply(dry_run=dry_run, batch_size=max(1, batch_size))
        verb = "Would" if dry_run else "Did"
        self.stdout.write(
            f"{verb} delete {report.expired_drafts} expired and {report.abandoned_drafts} "
            f"abandoned intake draft(s); {verb.lower()} anonymise {len(report.submissions)} "
            f"closed submission(s) decided before {report.cutoff:%Y-%m-%d} and "
            f"{report.callbacks} call-back request(s)."
        )
        if dry_run and report.submissions:
            self.stdout.write("References: " + ", ".join(report.submissions))
        if not dry_run:
            self.stdout.write("Recorded in the audit trail.")
