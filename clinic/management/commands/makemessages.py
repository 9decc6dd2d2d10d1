"""Django's makemessages with the project's choices, so that one command keeps the Spanish
catalogue right (README, "Spanish"):

    DEBUG=true .venv/bin/python manage.py makemessages -l es

- Only what a patient can read is collected: staff pages, the admin, the audit trail, the FHIR
  API, staff alerts, the tests, benchmarks and tooling are left out (IGNORED). Staff pages stay
  in the staff language whatever the patient side's language is (clinic.language).
- No fuzzy guesses: a new or changed English text arrives untranslated, never with a
  neighbour's translation that a reviewer might miss (tests/clinic/test_translations.py fails
  on an untranslated or fuzzy entry).
- Entries no text uses any more are dropped, and references name files only, so the catalogue
  does not change when a line moves.
"""

from django.core.management.commands import makemessages

# Paths (from the project's folder) whose words no patient reads, or that are not the app.
IGNORED = (
    # Tooling and copies.
    "mutants/*",
    "tests/*",
    "bench/*",
    "docs/*",
    "locale/*",
    "staticfiles/*",
    "*.egg-info/*",
    "node_modules/*",
    # Staff only: the review, the FHIR API, urgent alerts to clinicians, the admin, sign-in,
    # the audit trail, the appointments workspace.
    "screening/review/*",
    "screening/fhir/*",
    # Urgent alerts to clinicians; only notice.py (what the person's confirmation says) is theirs.
    "screening/alerts/__init__.py",
    "screening/alerts/admin.py",
    "screening/alerts/demo.py",
    "screening/alerts/messages.py",
    "screening/alerts/rota.py",
    "screening/alerts/tasks.py",
    "screening/call_me/*",
    "screening/models/outreach.py",
    "screening/admin.py",
    "screening/management/*",
    "clinic/admin.py",
    "clinic/models.py",
    "clinic/audit.py",
    "clinic/views_audit.py",
    "clinic/two_factor.py",
    "clinic/management/*",
    "appointments/admin.py",
    "appointments/views_staff.py",
    "appointments/management/*",
    "templates/staff/*",
    "templates/appointments_staff/*",
    "templates/registration/*",
    "templates/admin/*",
)


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]

    def handle(self, *args, **options):
        options["ignore_patterns"] = [*(options.get("ignore_patterns") or []), *IGNORED]
        options["no_obsolete"] = True
        if not options.get("add_location") and not options.get("no_location"):
            options["add_location"] = "file"
        return super().handle(*args, **options)
