"""Django's compilemessages, kept to the project's own catalogues (README, "Spanish"):

    DEBUG=true .venv/bin/python manage.py compilemessages -l es

Django's command walks every folder under the current one; this one leaves out the virtualenv
and the tooling copies, so it never rewrites an installed package's catalogues.
"""

from django.core.management.commands import compilemessages

IGNORED = (".venv", "venv", "mutants", "node_modules", "staticfiles", ".git", ".hypothesis")


class Command(compilemessages.Command):
    def handle(self, *args, **options):
        options["ignore_patterns"] = [*(options.get("ignore_patterns") or []), *IGNORED]
        return super().handle(*args, **options)
