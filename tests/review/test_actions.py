"""Acting on a submission: assigning, acknowledging an urgent one and recording decisions,
including two clinicians deciding at once."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from clinic.models import AppendOnlyError, AuditEvent
from screening.models import Acknowledgement, Assignment, Decision, DecisionConflict, Submission
from tests.review.helpers import csrf_post, make_outcome_submission, signed_in_client, text


def page_url(submission):
    return reverse("staff:submission", args=[submission.reference])


def action_url(name, submission):
    return reverse(f"staff:{name}", args=[submission.reference])


@pytest.fixture
def urgent(db):
    return make_outcome_submission("urgent")


@pytest.fixture
def review(db):
    return make_outcome_submission("needs_review")


# --- Assigning ----------------------------------------------------------------------------------


def test_assign_to_me_with_a_real_form_post(clinician, review):
    client = signed_in_client(clinician, enforce_csrf_checks=True)

    response = csrf_post(
        client, page_url(review), action_url("assign", review), {"assign_to_me": "1"}
    )

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.assigned_to == clinician
    assert review.review_status == Submission.ReviewStatus.IN_REVIEW
    row = Assignment.objects.get(submission=review)
    assert (row.assigned_to, row.assigned_by) == (clinician, clinician)
    event = AuditEvent.objects.get(action=AuditEvent.Action.ASSIGN)
    assert event.detail == {"assigned_to": clinician.pk, "previous": None}
    assert "is assigned to you" in text(client.get(response["Location"]))


def test_assign_to_a_colleague_then_unassign_keeps_the_history(clinician, colleague, review):
    client = signed_in_client(clinician)

    client.post(action_url("assign", review), {"assign-assignee": colleague.pk})
    client.post(action_url("assign", review), {"assign-assignee": ""})

    review.refresh_from_db()
    assert review.assigned_to is None
    assert [a.assigned_to for a in Assignment.objects.order_by("id")] == [colleague, None]
    body = text(client.get(page_url(review)))
    assert "To Dana Doctor by Casey Clinician" in body
    assert "Unassigned by Casey Clinician" in body


def test_assigning_to_the_current_assignee_adds_no_history(clinician, review):
    client = signed_in_client(clinician)
    client.post(action_url("assign", review), {"assign_to_me": "1"})

    response = client.post(action_url("assign", review), {"assign-assignee": clinician.pk})

    assert "Nothing changed" in text(client.get(response["Location"]))
    assert Assignment.objects.count() == 1


def test_assigning_to_someone_who_cannot_review_is_refused(clinician, coordinator, review):
    response = signed_in_client(clinician).post(
        action_url("assign", review), {"assign-assignee": coordinator.pk}
    )

    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert not Assignment.objects.exists()


# --- Acknowledging an urgent submission ---------------------------------------------------------


def test_acknowledge_an_urgent_submission(clinician, urgent):
    client = signed_in_client(clinician, enforce_csrf_checks=True)
    data = {"ack-action": "called", "ack-note": "Spoke with them; safety plan made."}

    response = csrf_post(client, page_url(urgent), action_url("acknowledge", urgent), data)

    assert response.status_code == 302
    urgent.refresh_from_db()
    assert urgent.acknowledged_at is not None
    row = Acknowledgement.objects.get(submission=urgent)
    assert (row.action, row.note, row.acknowledged_by) == (
        "called",
        "Spoke with them; safety plan made.",
        clinician,
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACKNOWLEDGE)
    assert event.detail == {"action": "called", "acknowledgement_id": row.pk}
    assert "Not acknowledged" not in text(client.get(reverse("staff:queue")))


def test_a_second_acknowledgement_adds_history_and_keeps_the_first_time(clinician, urgent):
    client = signed_in_client(clinician)
    client.post(action_url("acknowledge", urgent), {"ack-action": "left_message"})
    urgent.refresh_from_db()
    first = urgent.acknowledged_at

    client.post(action_url("acknowledge", urgent), {"ack-action": "called", "ack-note": "ok"})

    urgent.refresh_from_db()
    assert urgent.acknowledged_at == first
    assert Acknowledgement.objects.filter(submission=urgent).count() == 2


def test_something_else_needs_a_note(clinician, urgent):
    response = signed_in_client(clinician).post(
        action_url("acknowledge", urgent), {"ack-action": "other", "ack-note": "  "}
    )

    assert response.status_code == 200
    body = text(response)
    assert 'role="alert"' in body
    assert "Say what was done." in body
    assert not Acknowledgement.objects.exists()


def test_only_urgent_submissions_are_acknowledged(clinician, review):
    client = signed_in_client(clinician)

    response = client.post(action_url("acknowledge", review), {"ack-action": "called"})

    assert response.status_code == 302
    assert "Only urgent submissions are acknowledged" in text(client.get(response["Location"]))
    assert not Acknowledgement.objects.exists()
    review.refresh_from_db()
    assert review.acknowledged_at is None


# --- Decisions ----------------------------------------------------------------------------------


def decision(kind="invite", note="Two failed trials; fits.", seen=0, **extra):
    data = {"decision-kind": kind, "decision-note": note, "decision-seen_decision": str(seen)}
    data.update({f"decision-{k}": v for k, v in extra.items()})
    return data


def test_record_an_invitation_with_a_real_form_post(clinician, review):
    client = signed_in_client(clinician, enforce_csrf_checks=True)

    response = csrf_post(client, page_url(review), action_url("decide", review), decision())

    assert response.status_code == 302
    row = Decision.objects.get(submission=review)
    assert (row.kind, row.note, row.decided_by) == ("invite", "Two failed trials; fits.", clinician)
    review.refresh_from_db()
    assert review.review_status == Submission.ReviewStatus.DECIDED
    event = AuditEvent.objects.get(action=AuditEvent.Action.DECIDE)
    assert event.detail == {"kind": "invite", "decision_id": row.pk}
    assert "fits" not in str(event.detail)  # no note text in the audit trail
    body = text(client.get(response["Location"]))
    assert "Decision recorded: Invite to a consultation." in body


def test_notes_are_encrypted_in_the_database(clinician, review):
    signed_in_client(clinician).post(
        action_url("decide", review),
        decision("not_now", note="Seizures uncontrolled.", referral_note="Back to neurology."),
    )

    with connection.cursor() as cursor:
        cursor.execute("SELECT note, referral_note FROM screening_decision")
        stored = " ".join(cursor.fetchone())
    assert "Seizures" not in stored and "neurology" not in stored


def test_a_decision_needs_a_note_and_loses_nothing_typed(clinician, review):
    response = signed_in_client(clinician).post(
        action_url("decide", review),
        decision("more_info", note="", information_needed="Last EEG & neurologist's letter"),
    )

    assert response.status_code == 200
    body = text(response)
    assert 'role="alert"' in body
    assert "Write a note: every decision needs one." in body
    assert "Last EEG &amp; neurologist&#x27;s letter</textarea>" in body
    assert 'value="more_info" id="id_decision-kind_2" required checked' in body
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    "kind,field,message",
    [
        ("not_now", "referral_note", "Write the referral note"),
        ("more_info", "information_needed", "Say what information is needed."),
    ],
)
def test_not_now_needs_a_referral_and_more_info_says_what(clinician, review, kind, field, message):
    response = signed_in_client(clinician).post(
        action_url("decide", review), decision(kind, **{field: " "})
    )

    assert message in text(response)
    assert not Decision.objects.exists()


def test_more_information_keeps_the_submission_open(clinician, review):
    signed_in_client(clinician).post(
        action_url("decide", review), decision("more_info", information_needed="Last BP reading.")
    )

    review.refresh_from_db()
    assert review.review_status == Submission.ReviewStatus.IN_REVIEW
    assert Decision.objects.get().information_needed == "Last BP reading."


def test_two_clinicians_deciding_at_once_the_second_is_told_and_loses_nothing(
    clinician, colleague, review
):
    mine = signed_in_client(clinician)
    theirs = signed_in_client(colleague)
    # Both open the page while there is no decision yet.
    assert 'name="decision-seen_decision" value="0"' in text(mine.get(page_url(review)))
    theirs.post(action_url("decide", review), decision("invite", note="Dana: fits well."))

    response = mine.post(
        action_url("decide", review),
        decision("not_now", note="Casey: BP too high.", referral_note="Primary care first."),
    )

    assert response.status_code == 409
    body = text(response)
    assert "Dana Doctor recorded a decision while you were writing" in body
    assert "Invite to a consultation" in body and "Dana: fits well." in body
    assert "Casey: BP too high.</textarea>" in body
    assert "Primary care first.</textarea>" in body
    latest = Decision.objects.get()
    assert f'name="decision-seen_decision" value="{latest.pk}"' in body
    assert Decision.objects.count() == 1

    # Having read it, pressing Record again adds the decision after the other one.
    again = mine.post(
        action_url("decide", review),
        decision("not_now", note="Casey: BP too high.", referral_note="Primary care first.",
                 seen=latest.pk),
    )  # fmt: skip
    assert again.status_code == 302
    assert list(Decision.objects.order_by("id").values_list("kind", flat=True)) == [
        "invite",
        "not_now",
    ]


def test_decisions_are_never_edited_or_deleted(clinician, review):
    row = Decision.record(review, kind="invite", note="n", by=clinician, seen_decision_id=0)

    row.note = "changed"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        Decision.objects.filter(pk=row.pk).update(note="changed")
    with pytest.raises(AppendOnlyError):
        Decision.objects.all().delete()
    assert Decision.objects.get().note == "n"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_decisions_are_serialised_by_the_row_lock(clinician, colleague):
    review = make_outcome_submission("needs_review")
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(user):
        from django.db import connections

        barrier.wait()
        try:
            Decision.record(review, kind="invite", note=user.username, by=user, seen_decision_id=0)
            outcomes.append("recorded")
        except DecisionConflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(u,)) for u in (clinician, colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict", "recorded"]
    assert Decision.objects.count() == 1
