import json

from django.core.management.base import BaseCommand, CommandError

from screening.intake.export import draft_to_intake
from screening.models import Draft, Submission


class Command(BaseCommand):
    help = "Print one intake as clinic-intake/1 JSON: a submission by reference, or a draft."

    def add_arguments(self, parser):
        parser.add_argument("reference", nargs="?", help="a submission's reference, e.g. ABCD-EF23")
        parser.add_argument("--draft-id", type=int, help="export an unfinished draft instead")

    def handle(self, *args, reference=None, draft_id=None, **options):
        if (reference is None) == (draft_id is None):
            raise CommandError("Give either a submission reference or --draft-id, not both.")
        if draft_id is not None:
            draft = Draft.objects.filter(pk=draft_id).first()
            if draft is None:
                raise CommandError(f"No draft with id {draft_id}.")
            document = draft_to_intake(draft)
        else:
            wanted = reference.strip().upper()
            if len(wanted) == 8 and "-" not in wanted:
                wanted = f"{wanted[:4]}-{wanted[4:]}"
            submission = Submission.objects.filter(reference=wanted).first()
            if submission is None:
                raise CommandError(f"No submission with reference {reference}.")
            document = submission.intake
        self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
