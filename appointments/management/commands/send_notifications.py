from django.core.management.base import BaseCommand

from appointments.notifications import send_due


class Command(BaseCommand):
    help = (
        "Send every appointment email that is due now, and retry failed ones (the background "
        "worker does this by itself; this is for catching up by hand)"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=200, help="at most this many emails per run (200)"
        )

    def handle(self, *args, limit=200, **options):
        # Safe beside the worker and itself: each email is claimed with
        # SELECT ... FOR UPDATE SKIP LOCKED, so two senders never send the same one.
        summary = send_due(limit=limit)
        self.stdout.write(
            "Appointment emails: {sent} sent, {failed} failed (will retry), "
            "{gave_up} failed for good (staff can retry), {skipped} taken by another run.".format(
                **summary
            )
        )
