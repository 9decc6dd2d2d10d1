import hashlib

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.two_factor import current_code, secret_for_people

# Demo accounts only exist to show the app on a laptop; setup_demo refuses to run without DEBUG.
DEMO_STAFF = [
    # username, role, first, last, password
    ("admin", "administrator", "Avery", "Admin", "demo-admin-pass-2026"),
    ("clinician", "clinician", "Casey", "Clinician", "demo-clinician-pass-2026"),
    ("coordinator", "coordinator", "Corey", "Coordinator", "demo-coordinator-pass-2026"),
]


DEMO_DEVICE = "Demo authenticator"


def demo_totp_key(username):
    """A fixed authenticator key per demo account (hex, as django-otp stores it), so the key
    printed once keeps working after setup_demo runs again. Demo accounts only."""
    return hashlib.sha1(f"clinic-demo-totp-{username}".encode(), usedforsecurity=False).hexdigest()


class Command(BaseCommand):
    help = "Migrate the database and load demo staff accounts and sample data (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("--no-migrate", action="store_true", help="skip migrate")

    def handle(self, *args, no_migrate=False, **options):
        from django.conf import settings

        if not settings.DEBUG:
            self.stderr.write("setup_demo creates accounts with known passwords: DEBUG only.")
            raise SystemExit(2)
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        with transaction.atomic():
            accounts = self.create_staff()
        from clinic.demo import create_demo_submissions

        clinician = get_user_model().objects.get(username="clinician")
        created = create_demo_submissions(clinician=clinician)
        self.stdout.write(f"Demo submissions: {created} created (a dozen of every outcome).")
        from clinic.demo import create_demo_schedule

        # The demo booking's confirmation e-mail goes to a made-up address: keep it off the
        # console so the sign-in details below are what a newcomer sees.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            slots = create_demo_schedule(
                clinician=clinician,
                coordinator=get_user_model().objects.get(username="coordinator"),
            )
        self.stdout.write(f"Demo schedule: {slots} slots created, with requests to book.")
        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Staff accounts (role: user / password):")
        )
        for username, role, password, device in accounts:
            self.stdout.write(
                f"  {role:<14} {username} / {password}   authenticator key: "
                f"{secret_for_people(device)}   code now: {current_code(device)}"
            )
        self.stdout.write(
            "Staff sign in with the password, then a six-digit code that changes every 30 "
            "seconds: add the account's key to any authenticator app (time-based), or run "
            "`python manage.py demo_code <username>` for the current code."
        )
        self.stdout.write("Open http://127.0.0.1:8000/ (staff sign-in: /accounts/login/)")

    def create_staff(self):
        User = get_user_model()
        accounts = []
        for username, role, first, last, password in DEMO_STAFF:
            user, _ = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@clinic.example",
                },
            )
            user.is_staff = True
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            device, _ = TOTPDevice.objects.update_or_create(
                user=user,
                name=DEMO_DEVICE,
                defaults={"key": demo_totp_key(username), "confirmed": True},
            )
            accounts.append((username, role, password, device))
        return accounts
