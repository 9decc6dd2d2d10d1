from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from clinic.two_factor import confirmed_device, current_code


class Command(BaseCommand):
    help = "Print the current sign-in code of a demo staff account (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        # A code generator for any account would defeat the second factor: development only.
        if not settings.DEBUG:
            raise CommandError("demo_code prints sign-in codes: DEBUG only.")
        user = get_user_model().objects.filter(username=username).first()
        device = confirmed_device(user) if user is not None else None
        if device is None:
            raise CommandError(f"No account {username!r} with an authenticator app.")
        self.stdout.write(current_code(device))
