from django.core.management.base import BaseCommand, CommandError

from clinic.models import AuditEvent


class Command(BaseCommand):
    help = "Check the audit trail's hash chain from the first event to the last."

    def handle(self, *args, **options):
        count = AuditEvent.objects.count()
        broken = AuditEvent.objects.broken_link()
        if broken is not None:
            event, why = broken
            # A non-zero exit so a scheduled check (cron, CI) alerts someone.
            raise CommandError(
                f"{count:,} events; chain broken at event id {event.pk} "
                f"({event.at:%Y-%m-%d %H:%M:%S} UTC, {event.action}, "
                f"{event.actor_label or 'system'}): {why}."
            )
        self.stdout.write(f"{count:,} events, chain intact.")
