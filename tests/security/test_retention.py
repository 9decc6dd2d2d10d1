"""manage.py apply_retention: expired drafts go, closed submissions past the retention period
are anonymised (answers, notes, contact details), the rest is untouched, and each run is audited."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from appointments.models import AppointmentEvent, AppointmentRequest
from clinic.models import AuditEvent
from screening.models import Acknowledgement, Decision, Draft, ScreeningResult, Submission
from tests.factories import (
    URGENT_CHANGES,
    StaffFactory,
    intake_document,
    make_callback_request,
    make_linked_submission,
)

pytestmark = pytest.mark.django_db

NAME = "Quinn Retention"
OLD = timedelta(days=2555 + 30)
RECENT = timedelta(days=2555 - 30)


@pytest.fixture
def clinician(db):
    from django.contrib.auth.models import Group

    Group.objects.get_or_create(name="clinician")
    return StaffFactory(username="casey", role="clinician", password=None)


def backdate(table, column, pk, ago, key="submission_id"):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = %s WHERE {key} = %s",  # noqa: S608
            [timezone.now() - ago, pk],
        )


def decide(submission, kind, by, ago):
    latest = Decision.objects.latest_for(submission)
    Decision.record(
        submission,
        kind=kind,
        note="Spoke about her pregnancy and the sertraline.",
        by=by,
        seen_decision_id=latest.pk if latest else 0,
        referral_note="Refer to Dr. Lee" if kind == "not_now" else "",
        information_needed="Blood pressure reading" if kind == "more_info" else "",
    )
    backdate("screening_decision", "decided_at", submission.pk, ago)


def reviewed_submission(clinician, *, kind="not_now", ago=OLD):
    token, submission = make_linked_submission(
        intake_document(
            about={"legal_name": NAME, "email": "quinn@example.org", "phone": "9105550142"},
            **URGENT_CHANGES,
        )
    )
    Acknowledgement.acknowledge(submission, action="called", note="Said she is safe.", by=clinician)
    request = AppointmentRequest.objects.create(
        submission=submission, mode="either", notes="Prefers mornings; seizure history"
    )
    AppointmentEvent.objects.create(request=request, action="requested", reason="Worried")
    if kind:
        decide(submission, kind, clinician, ago)
    return token, submission


def raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def run(*args):
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def test_a_closed_submission_past_the_period_is_anonymised_everywhere(clinician):
    token, submission = reviewed_submission(clinician, kind="not_now")
    year = submission.submitted_at.year
    scores = submission.screenings.get().result["scores"]

    output = run()

    assert "anonymise 1 closed submission(s)" in output
    submission = Submission.objects.get(pk=submission.pk)
    assert submission.anonymised_at is not None
    assert submission.intake == {
        "format": "clinic-intake/1",
        "anonymised": True,
        "submitted_year": year,
        "outcome": "urgent",
        "scores": {k: v for k, v in scores.items() if k != "age"},
    }
    assert (submission.name_index, submission.email_index, submission.phone_index) == ("", "", "")
    assert not Submission.objects.search(NAME).exists()
    assert not Submission.objects.search("quinn@example.org").exists()
    result = submission.screenings.get().result
    assert result["outcome"] == "urgent" and result["ruleset_version"]
    assert result["flags"] and all(flag["evidence"] == [] for flag in result["flags"])
    assert "RISK_PHQ9_ITEM9" in [flag["code"] for flag in result["flags"]]
    decision = Decision.objects.get(submission=submission)
    assert (decision.kind, decision.note, decision.referral_note) == ("not_now", "", "")
    assert decision.decided_by == clinician  # who decided, and when, is kept
    assert Acknowledgement.objects.get(submission=submission).note == ""
    request = AppointmentRequest.objects.get(submission=submission)
    assert request.notes == ""
    assert AppointmentEvent.objects.get(request=request).reason == ""
    # The private link's draft, with every answer as typed, is gone; the link opens nothing.
    assert not Draft.objects.exists()
    assert submission.draft_id is None
    # Nothing readable is left in any column.
    everything = " ".join(
        str(raw(table, column, pk))
        for table, column, pk in [
            ("screening_submission", "intake", submission.pk),
            ("screening_screeningresult", "result", submission.screenings.get().pk),
        ]
    )
    assert "Quinn" not in everything


def test_the_staff_pages_still_open_an_anonymised_submission(client, clinician):
    _token, submission = reviewed_submission(clinician)
    run()
    client.force_login(clinician)

    page = client.get(f"/staff/submissions/{submission.reference}/")
    printable = client.get(f"/staff/submissions/{submission.reference}/print/")
    queue = client.get("/staff/", {"status": "decided"})

    assert page.status_code == 200
    assert printable.status_code == 200
    assert queue.status_code == 200
    assert NAME not in page.content.decode()


def test_open_recent_and_undecided_submissions_are_left_alone(clinician):
    _t1, recent = reviewed_submission(clinician, kind="invite", ago=RECENT)
    _t2, more_info = reviewed_submission(clinician, kind="more_info", ago=OLD)
    _t3, undecided = reviewed_submission(clinician, kind=None)
    _t4, reopened = reviewed_submission(clinician, kind="invite", ago=OLD)
    decide(reopened, "more_info", clinician, RECENT)  # the newest decision is not final

    run()

    for submission in (recent, more_info, undecided, reopened):
        submission = Submission.objects.get(pk=submission.pk)
        assert submission.anonymised_at is None
        assert submission.intake["about"]["legal_name"] == NAME
        assert Decision.objects.filter(submission=submission).exclude(note="").exists() or (
            submission == undecided
        )
    assert Draft.objects.count() == 4


def test_the_period_comes_from_settings(clinician, settings):
    _token, submission = reviewed_submission(clinician, kind="invite", ago=timedelta(days=40))
    settings.RETENTION_CLOSED_SUBMISSIONS_DAYS = 30

    run()

    assert Submission.objects.get(pk=submission.pk).anonymised_at is not None


def test_expired_and_abandoned_drafts_are_deleted_live_ones_kept():
    expired, _ = Draft.start()
    Draft.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1), completed_steps=["about"]
    )
    abandoned, _ = Draft.start()
    Draft.objects.filter(pk=abandoned.pk).update(created_at=timezone.now() - timedelta(days=2))
    live, _ = Draft.start()
    Draft.objects.filter(pk=live.pk).update(completed_steps=["about"])

    output = run()

    assert "delete 1 expired and 1 abandoned" in output
    assert list(Draft.objects.values_list("pk", flat=True)) == [live.pk]


def test_a_dry_run_counts_and_changes_nothing(clinician):
    _token, submission = reviewed_submission(clinician)
    expired, _ = Draft.start()
    Draft.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    before = (Draft.objects.count(), raw("screening_submission", "intake", submission.pk))

    output = run("--dry-run")

    assert "Would delete 1 expired" in output
    assert "would anonymise 1 closed submission(s)" in output
    assert submission.reference in output
    assert (Draft.objects.count(), raw("screening_submission", "intake", submission.pk)) == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.RETENTION).exists()


def test_running_again_changes_nothing_and_each_run_is_audited(clinician):
    _t1, first = reviewed_submission(clinician)
    _t2, second = reviewed_submission(clinician, kind="invite")
    run("--batch-size", "1")
    stored = raw("screening_submission", "intake", first.pk)
    anonymised_at = Submission.objects.get(pk=first.pk).anonymised_at

    output = run()

    assert "anonymise 0 closed submission(s)" in output
    assert Submission.objects.get(pk=first.pk).anonymised_at == anonymised_at
    assert raw("screening_submission", "intake", first.pk) == stored
    events = list(AuditEvent.objects.filter(action="retention").order_by("id"))
    assert len(events) == 2
    assert events[0].actor is None
    assert events[0].detail["submissions_anonymised"] == 2
    assert sorted(events[0].detail["references"]) == sorted([first.reference, second.reference])
    assert events[1].detail["submissions_anonymised"] == 0
    assert NAME not in str(events[0].detail) and "quinn" not in str(events[0].detail)


def test_old_closed_call_back_requests_lose_name_phone_and_note(clinician):
    from appointments import booking

    old = make_callback_request(notes="Call after 5, my partner does not know")
    booking.close_request(old, by=clinician, reason="Reached by phone, booked elsewhere")
    backdate("appointments_appointmentrequest", "status_changed_at", old.pk, OLD, key="id")
    recent = make_callback_request()
    booking.close_request(recent, by=clinician, reason="Duplicate")
    waiting = make_callback_request()
    backdate("appointments_appointmentrequest", "created_at", waiting.pk, OLD, key="id")

    output = run()

    assert "and 1 call-back request(s)" in output
    old = AppointmentRequest.objects.get(pk=old.pk)
    assert (old.callback_name, old.notes, old.callback_phone_index) == ("", "", "")
    assert old.callback_phone == "(removed)"
    assert AppointmentEvent.objects.get(request=old).reason == ""
    assert AppointmentRequest.objects.get(pk=recent.pk).callback_name == "Sam Caller"
    assert AppointmentRequest.objects.get(pk=waiting.pk).callback_name == "Sam Caller"
    assert "and 0 call-back request(s)" in run()


def test_an_anonymised_submission_is_not_rescreened(clinician):
    _token, submission = reviewed_submission(clinician)
    run()

    out = StringIO()
    call_command("rescreen", stdout=out)

    assert ScreeningResult.objects.filter(submission=submission).count() == 1
