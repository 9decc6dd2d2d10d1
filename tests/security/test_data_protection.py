"""Encryption at rest, key rotation, and keeping patient information out of logs and reports."""

import json
import logging
import sys
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from clinic.reporting import PatientDataReporter, RedactPrivateLinks
from screening.models import Draft, Submission
from tests.factories import intake_document, make_submission

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def raw_column(model, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_answers_and_contact_details_are_not_stored_in_clear():
    submission = make_submission(
        intake_document(about={"legal_name": "Quinn Example", "email": "quinn@example.org"})
    )

    stored = raw_column(Submission, "intake", submission.pk)

    assert "Quinn" not in stored
    assert "quinn@example.org" not in stored
    assert "sertraline" not in stored
    assert Submission.objects.get(pk=submission.pk).intake["about"]["legal_name"] == "Quinn Example"


def test_staff_search_still_finds_encrypted_names_emails_and_phones():
    submission = make_submission(
        intake_document(about={"legal_name": "Quinn Example", "phone": "(910) 555-0142"})
    )
    make_submission(intake_document(about={"legal_name": "Someone Else", "phone": "9105550000"}))

    for term in ("quinn example", "QUINN  EXAMPLE", "+1 910 555 0142", "910-555-0142"):
        assert list(Submission.objects.search(term)) == [submission], term
    assert list(Submission.objects.search(submission.reference)) == [submission]


def test_rotating_keys_re_encrypts_everything_with_the_new_key():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        submission = make_submission()
        before = raw_column(Submission, "intake", submission.pk)

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        out = StringIO()
        call_command("rotate_keys", stdout=out)
    assert "screening.Submission: 1 row(s)" in out.getvalue()
    assert raw_column(Submission, "intake", submission.pk) != before

    # The old key can go: everything still reads with the new one alone.
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        reread = Submission.objects.get(pk=submission.pk)
        assert reread.intake["about"]["legal_name"] == "Jordan A. Rivera"
        assert reread.screenings.get().result["outcome"] == "eligible_for_consultation"


def draft_with_two_steps():
    draft, _token = Draft.start()
    draft.answers = {
        "about": {"legal_name": "Quinn Example", "email": "quinn@example.org"},
        "care-team": {"therapist": "Robin Ortiz, LCSW"},
    }
    draft.save(update_fields=["answers"])
    return draft


def sealed_sections(draft):
    stored = raw_column(Draft, "answers", draft.pk)
    return json.loads(stored) if isinstance(stored, str) else stored


def test_a_draft_keeps_each_step_sealed_on_its_own():
    draft = draft_with_two_steps()

    sections = sealed_sections(draft)

    assert sorted(sections) == ["about", "care-team"]
    raw = json.dumps(sections)
    for clear in ("Quinn", "quinn@example.org", "Ortiz", "legal_name", "therapist"):
        assert clear not in raw
    assert Draft.objects.get(pk=draft.pk).answers["care-team"] == {"therapist": "Robin Ortiz, LCSW"}


def test_rotating_keys_re_encrypts_every_step_of_a_draft():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        draft = draft_with_two_steps()
        before = sealed_sections(draft)

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        out = StringIO()
        call_command("rotate_keys", stdout=out)
    assert "screening.Draft: 1 row(s)" in out.getvalue()
    after = sealed_sections(draft)
    assert sorted(after) == sorted(before)
    assert all(after[name] != before[name] for name in before)

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert Draft.objects.get(pk=draft.pk).answers["about"]["legal_name"] == "Quinn Example"


def test_a_value_whose_key_was_removed_fails_loudly_not_silently():
    from django.core.exceptions import ImproperlyConfigured

    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        submission = make_submission()
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]), pytest.raises(ImproperlyConfigured):
        Submission.objects.get(pk=submission.pk)


def test_private_link_tokens_are_redacted_from_log_lines():
    token = "k" * 43
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s",
        (f"/intake/r/{token}/medical/",), None,
    )  # fmt: skip

    RedactPrivateLinks().filter(record)

    assert token not in record.getMessage()
    assert "/intake/r/[redacted]/medical/" in record.getMessage()


def test_error_reports_hide_posted_answers_local_variables_and_links(rf):
    token = "t" * 43
    request = rf.post(f"/intake/r/{token}/medical/", {"weight_kg": "72", "notes": "private"})
    try:
        answer = "my private answer"  # noqa: F841
        raise ValueError("boom")
    except ValueError:
        exc_type, exc_value, tb = sys.exc_info()

    text = PatientDataReporter(request, exc_type, exc_value, tb).get_traceback_text()

    assert "boom" in text
    assert "my private answer" not in text
    assert "'private'" not in text
    assert "weight_kg = '********************'" in text
    assert token not in text
