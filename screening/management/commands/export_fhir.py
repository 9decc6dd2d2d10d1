import json
from datetime import datetime, time, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clinic import audit
from screening.fhir import export
from screening.fhir.bundle import ndjson_lines, transaction_bundle
from screening.fhir.resources import instant, submission_resources
from screening.models import Submission

# References named in the audit event; a larger export records its count and range only.
AUDIT_REFERENCES = 1000


def _day(value):
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _moment(value):
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date or date-time (ISO 8601)") from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time()))


class Command(BaseCommand):
    help = "Export submissions as FHIR R4: a transaction Bundle, or NDJSON as bulk data does."

    def add_arguments(self, parser):
        parser.add_argument("reference", nargs="*", help="submission reference codes")
        parser.add_argument("--from", dest="date_from", type=_day, help="submitted on or after")
        parser.add_argument("--to", dest="date_to", type=_day, help="submitted on or before")
        parser.add_argument("--since", type=_moment, help="changed at or after (ISO date-time)")
        parser.add_argument("--all", action="store_true", help="every submission")
        parser.add_argument("--format", choices=("bundle", "ndjson"), default="bundle")
        parser.add_argument(
            "--output",
            help="a file (default: standard output); with ndjson, a directory gets one file "
            "per resource type",
        )
        parser.add_argument(
            "--with-questionnaire", action="store_true", help="include the Questionnaire"
        )

    def handle(self, *args, reference, date_from, date_to, since, all, **options):  # noqa: A002
        if not (reference or date_from or date_to or since or all):
            raise CommandError("Name references, or give --from/--to, --since or --all")
        queryset = export.submissions()
        if reference:
            wanted = [r.strip().upper() for r in reference]
            known = set(
                Submission.objects.filter(reference__in=wanted).values_list("reference", flat=True)
            )
            missing = [r for r in wanted if r not in known]
            if missing:
                raise CommandError(f"No submission with reference {', '.join(missing)}")
            queryset = queryset.filter(reference__in=wanted)
        if date_from:
            queryset = queryset.filter(submitted_at__gte=_start_of(date_from))
        if date_to:
            queryset = queryset.filter(submitted_at__lt=_start_of(date_to + timedelta(days=1)))
        if since:
            queryset = queryset.filter(updated_at__gte=since)

        site = export.site()
        references, count = [], 0
        newest = None

        def resources():
            nonlocal count, newest
            if options["with_questionnaire"]:
                yield export.questionnaire()
            for record in export.iter_records(queryset):
                references.append(record.reference)
                newest = max(newest or record.updated_at, record.updated_at)
                for resource in submission_resources(site, record):
                    count += 1
                    yield resource

        output = options["output"]
        if options["format"] == "ndjson" and output and Path(output).is_dir():
            files = {}
            try:
                for resource in resources():
                    kind = resource["resourceType"]
                    if kind not in files:
                        files[kind] = (Path(output) / f"{kind}.ndjson").open("w", encoding="utf-8")
                    files[kind].writelines(ndjson_lines([resource]))
            finally:
                for handle in files.values():
                    handle.close()
        else:
            handle = open(output, "w", encoding="utf-8") if output else None  # noqa: SIM115
            write = handle.write if handle else (lambda text: self.stdout.write(text, ending=""))
            try:
                if options["format"] == "ndjson":
                    for line in ndjson_lines(resources()):
                        write(line)
                else:
                    everything = list(resources())
                    label = references[0] if len(references) == 1 else "export"
                    stamp = instant(newest or timezone.now())
                    bundle = transaction_bundle(site, everything, identifier=label, timestamp=stamp)
                    write(json.dumps(bundle, ensure_ascii=False, indent=2) + "\n")
            finally:
                if handle:
                    handle.close()

        audit.record(
            None,
            audit.Action.EXPORT_SUBMISSION,
            target={"type": "screening.submission", "reference": references[0]}
            if len(references) == 1
            else None,
            detail={
                "as": f"fhir-{options['format']}",
                "submissions": len(references),
                **({"references": references} if len(references) <= AUDIT_REFERENCES else {}),
                **({"since": since.isoformat()} if since else {}),
            },
        )
        summary = (
            f"Exported {len(references)} submission(s), {count} resource(s), as "
            f"{'NDJSON' if options['format'] == 'ndjson' else 'a FHIR transaction Bundle'}."
        )
        # Standard output carries the export itself; the summary goes beside it.
        (self.stdout if output else self.stderr).write(summary)
