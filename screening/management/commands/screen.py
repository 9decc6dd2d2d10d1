"""``manage.py screen FILE.json``: screen one clinic-intake/1 document and print the result."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from screening import engine
from screening.models import current_thresholds_or_defaults


class Command(BaseCommand):
    help = "Screen one clinic-intake/1 JSON file (- for standard input) and print the result."

    # Lets call_command(..., stdin=io.StringIO(...)) feed "-" in tests, as createsuperuser does.
    stealth_options = ("stdin",)
    # Screening a file needs no project checks, and their warnings would mix into stderr.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to a clinic-intake/1 JSON file, or - for stdin")

    def handle(self, *args, **options):
        source = options["file"]
        name = "standard input" if source == "-" else source
        try:
            if source == "-":
                text = options.get("stdin", sys.stdin).read()
            else:
                text = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self._fail(f"cannot read {name}: {exc}")
        try:
            data = json.loads(text, parse_constant=_reject_constant)
        except ValueError as exc:
            self._fail(f"{name} is not valid JSON: {exc}")

        try:
            result = engine.screen(data, current_thresholds_or_defaults())
        except engine.IntakeError as exc:
            self._fail(f"{name} is not a valid {engine.FORMAT} intake: {exc}")
        self.stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))

    def _fail(self, message):
        # Exit 2 without a traceback: this is the input's fault, and the message names the key.
        self.stderr.write(message)
        raise SystemExit(2)


def _reject_constant(name):
    # NaN and Infinity are not JSON, though Python's parser accepts them by default.
    raise ValueError(f"{name} is not a JSON number")
