"""`manage.py setup_demo`: here, in the top layer, because it loads every app's demo rows in
order: the staff accounts (clinic.demo), the submissions (screening.demo), then the schedule and
requests to book (appointments.demo), which are made from those submissions."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from appointments.demo import create_demo_schedule
from clinic.demo import create_demo_staff
from clinic.two_factor import current_code, secret_for_people
from screening.alerts.demo import create_demo_rota
from screening.demo import create_demo_submissions


class Command(BaseCommand):
    help = "Migrate the database and load demo staff accounts and sample data (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("--no-migrate", action="store_true", help="skip migrate")

    def handle(self, *args, no_migrate=False, **options):
        if not settings.DEBUG:
            self.stderr.write("setup_demo creates accounts with known passwords: DEBUG only.")
            raise SystemExit(2)
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        with transaction.atomic():
            accounts = create_demo_staff()

        clinician = get_user_model().objects.get(username="clinician")
        created = create_demo_submissions(clinician=clinician)
        self.stdout.write(f"Demo submissions: {created} created (a dozen of every outcome).")
        create_demo_rota(clinician=clinician)
        self.stdout.write(
            "Demo on-call rota: the clinician on weekdays 8:00-20:00 (clinic time). An urgent "
            "intake's alert email shows in the server's console, its escalation 30 minutes on."
        )

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
