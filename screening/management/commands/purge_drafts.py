from django.core.management.base import BaseCommand

from screening.models import Draft


class Command(BaseCommand):
    help = "Delete expired unfinished intakes (run daily, e.g. from cron)."

    def handle(self, *args, **options):
        counts = Draft.objects.purge_expired()
        self.stdout.write(
            f"Deleted {counts['expired']} expired intake link(s) "
            f"({counts['of_which_submitted']} already submitted; those submissions are kept) "
            f"and {counts['abandoned']} intake(s) started over a day ago with nothing saved."
        )
