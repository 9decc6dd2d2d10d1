"""``manage.py document_rules [--check]``: write docs/screening-rules.md from the rule table."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from screening.engine import RULES
from screening.engine.docs import PATH, render_rules


class Command(BaseCommand):
    help = "Write docs/screening-rules.md from the rule table (--check: exit 1 if it is stale)."

    # Rendering reads no database and needs no project checks.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="write nothing; exit 1 when the file differs from the rule table (for CI)",
        )

    def handle(self, *args, **options):
        path = Path(settings.BASE_DIR) / PATH
        text = render_rules()
        try:
            current = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            current = None
        if options["check"]:
            if current != text:
                self.stderr.write(f"{PATH} is stale: run manage.py document_rules")
                raise SystemExit(1)
            self.stdout.write(f"{PATH} is up to date: {len(RULES)} rules")
            return
        if current == text:
            self.stdout.write(f"{PATH} was up to date: {len(RULES)} rules")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {PATH}: {len(RULES)} rules")
