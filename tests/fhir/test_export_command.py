"""manage.py export_fhir: one submission, a date range or everything changed since a time, as
a transaction Bundle or NDJSON."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from fhir.resources.bundle import Bundle

from clinic.models import AuditEvent
from screening.models import Submission
from tests.factories import make_submission
from tests.fhir.helpers import validate

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_fhir", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_one_submission_as_a_bundle_with_a_summary_on_stderr():
    submission = make_submission()

    out, err = run(submission.reference.lower())

    bundle = json.loads(out)
    Bundle.parse_obj(bundle)
    assert bundle["identifier"]["value"] == submission.reference
    assert "Exported 1 submission(s), 32 resource(s)" in err
    event = AuditEvent.objects.get(action="export_submission")
    assert event.target_reference == submission.reference
    assert event.detail["as"] == "fhir-bundle"


def test_twice_gives_the_same_bundle():
    submission = make_submission()

    assert run(submission.reference)[0] == run(submission.reference)[0]


def test_everything_changed_since_as_ndjson():
    old, new = make_submission(), make_submission()
    Submission.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=10))
    since = (timezone.now() - timedelta(days=1)).isoformat()

    out, err = run("--since", since, "--format", "ndjson")

    lines = out.splitlines()
    resources = [json.loads(line) for line in lines]
    for resource in resources:
        validate(resource)
    assert {r["subject"]["reference"] for r in resources if "subject" in r} == {
        f"Patient/{new.reference}"
    }
    assert "Exported 1 submission(s)" in err


def test_a_date_range_into_one_file_per_type(tmp_path):
    make_submission()
    make_submission(submitted_at=timezone.now() - timedelta(days=40))
    today = timezone.localdate().isoformat()

    out, _err = run("--from", today, "--to", today, "--format", "ndjson", "--output",
                    str(tmp_path), "--with-questionnaire")  # fmt: skip

    files = sorted(path.name for path in tmp_path.iterdir())
    assert "Patient.ndjson" in files and "Questionnaire.ndjson" in files
    assert len((tmp_path / "Patient.ndjson").read_text().splitlines()) == 1
    assert "Exported 1 submission(s)" in out


def test_an_unknown_reference_or_no_selection_is_an_error():
    with pytest.raises(CommandError, match="ZZZZ-ZZZZ"):
        run("ZZZZ-ZZZZ")
    with pytest.raises(CommandError, match="--all"):
        run()
