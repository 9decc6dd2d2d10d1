"""The clinician reaches the person (issue 12): an urgent submission's page opens with what is
needed to act now, each attempt to reach them is logged with its time and a note, and the
submission stays at the top of the queue until a clinician closes the urgent episode."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from clinic.models import AppendOnlyError, AuditEvent
from screening import retention
from screening.models import (
    Acknowledgement,
    CallMeRequest,
    CrisisCallScript,
    Decision,
    Draft,
    EpisodeError,
    OutreachAttempt,
    UrgentAlert,
    UrgentEpisodeClosure,
)
from tests.factories import URGENT_CHANGES, intake_document, make_submission
from tests.review.helpers import csrf_post, make_outcome_submission, signed_in_client, text
from tests.review.test_queue import QUEUE_QUERIES

QUEUE = reverse("staff:queue")


def page_url(submission):
    return reverse("staff:submission", args=[submission.reference])


def outreach_url(submission):
    return reverse("staff:log_outreach", args=[submission.reference])


def close_url(submission):
    return reverse("staff:close_episode", args=[submission.reference])


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


def queue_references(response):
    return re.findall(
        r'class="ref fw-semibold" href="/staff/submissions/([A-Z0-9-]+)/"',
        response.content.decode(),
    )


@pytest.fixture
def urgent(db):
    return make_outcome_submission("urgent")


# --- The "act now" panel ------------------------------------------------------------------------


def test_an_urgent_page_opens_with_what_is_needed_to_act_now(clinician, urgent):
    body = text(signed_in_client(clinician).get(page_url(urgent)))

    panel = body[body.index('id="act-now"') : body.index('id="flags"')]
    assert "Act now: urgent" in panel
    assert 'href="tel:+19105550142"' in panel and "+1 910 555 0142" in panel
    assert "Best time to call</dt> <dd>Not given" in panel
    assert "Emergency contact</dt> <dd>Alex Rivera (spouse)" in panel
    assert 'href="tel:+19105550199"' in panel
    # Each flag on one line, crisis first: its code and title.
    assert '<li><span class="flag-code">RISK_PHQ9_ITEM9</span>' in panel
    assert "IN_TRD_LIKELY" not in panel  # informational flags wait for the review
    assert "Ask directly" in panel and "988" in panel and "911" in panel
    assert "Nobody has tried to reach them yet" in panel
    # It comes before everything else on the page.
    assert body.index('id="act-now"') < body.index('id="flags"') < body.index('id="actions"')


def test_the_best_time_comes_from_a_call_me_request(clinician):
    draft, _token = Draft.start()
    submission = make_outcome_submission("urgent", draft=draft)
    CallMeRequest.objects.create(
        draft=draft, name="Jordan", phone="+1 910 555 0142", best_time="evening", consent=True
    )

    body = text(signed_in_client(clinician).get(page_url(submission)))

    assert "Best time to call</dt> <dd>Evening (5 pm to 8 pm)" in body


def test_missing_contact_details_say_so(clinician, db):
    submission = make_submission(
        intake_document(
            **URGENT_CHANGES, about={"phone": None}, care_team={"emergency_contact": None}
        )
    )

    body = text(signed_in_client(clinician).get(page_url(submission)))

    assert "Phone</dt> <dd>Not given" in body
    assert "Emergency contact</dt> <dd>None given" in body


def test_the_clinic_changes_the_script(clinician, urgent):
    CrisisCallScript.objects.create(text="Say who you are.\n\nAsk about safety.\n")

    body = text(signed_in_client(clinician).get(page_url(urgent)))

    assert "<li>Say who you are.</li><li>Ask about safety.</li> </ol>" in body


def test_a_submission_that_is_not_urgent_has_no_panel(clinician, db):
    body = text(signed_in_client(clinician).get(page_url(make_outcome_submission("needs_review"))))

    assert 'id="act-now"' not in body


def test_coordinators_see_the_episode_and_attempt_times_only(coordinator, clinician, urgent):
    OutreachAttempt.log(urgent, kind="no_answer", note="Rang twice; voicemail full.", by=clinician)

    body = text(signed_in_client(coordinator).get(page_url(urgent)))

    assert "Urgent episode open" in body and "Last attempt to reach them" in body
    assert "by Casey Clinician" in body
    assert "voicemail full" not in body
    assert "Called, no answer" not in body
    assert "Crisis-call script" not in body and "Emergency contact" not in body
    assert "Log the attempt" not in body and "Close the urgent episode" not in body


# --- Logging attempts ---------------------------------------------------------------------------


def test_a_clinician_logs_an_attempt_with_csrf(csrf_client, clinician, urgent):
    csrf_client.force_login(clinician)

    response = csrf_post(
        csrf_client,
        page_url(urgent),
        outreach_url(urgent),
        {"outreach-kind": "left_message", "outreach-note": "Left a message on her mobile."},
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#act-now")
    attempt = OutreachAttempt.objects.get()
    assert (attempt.kind, attempt.by, attempt.note) == (
        "left_message",
        clinician,
        "Left a message on her mobile.",
    )
    assert abs(attempt.at - timezone.now()) < timedelta(minutes=1)
    event = AuditEvent.objects.get(action=AuditEvent.Action.OUTREACH_ATTEMPT)
    assert event.detail == {"kind": "left_message", "attempt_id": attempt.pk}
    assert event.target_reference == urgent.reference
    body = text(csrf_client.get(response["Location"]))
    assert "Attempt logged: Called and left a message." in body
    assert "Left a message on her mobile." in body
    assert "Last attempt to reach them 0" in body


def test_the_first_attempt_acknowledges_and_stops_the_alert(clinician, urgent):
    alert = UrgentAlert.objects.create(
        submission=urgent,
        target_type="screening.submission",
        target_id=str(urgent.pk),
        reference=urgent.reference,
        page=page_url(urgent),
        reason=UrgentAlert.Reason.SUBMITTED,
    )
    client = signed_in_client(clinician)

    client.post(outreach_url(urgent), {"outreach-kind": "spoke", "outreach-note": "Safe tonight."})
    client.post(outreach_url(urgent), {"outreach-kind": "no_answer"})

    urgent.refresh_from_db()
    alert.refresh_from_db()
    assert urgent.acknowledged_at is not None
    assert alert.acknowledged_at is not None and alert.acknowledged_by == clinician
    (acknowledgement,) = Acknowledgement.objects.filter(submission=urgent)
    assert acknowledgement.action == Acknowledgement.Action.CALLED
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACKNOWLEDGE).count() == 1
    assert OutreachAttempt.objects.filter(submission=urgent).count() == 2


def test_an_attempt_may_be_logged_after_the_call(clinician, db):
    urgent = make_outcome_submission("urgent", submitted_at=ago(hours=2))
    when = timezone.localtime(ago(minutes=40)).replace(second=0, microsecond=0)

    signed_in_client(clinician).post(
        outreach_url(urgent),
        {"outreach-kind": "no_answer", "outreach-at": when.strftime("%Y-%m-%dT%H:%M")},
    )

    assert OutreachAttempt.objects.get().at == when


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({}, "kind", "Choose what happened."),
        ({"outreach-kind": "other"}, "note", "Say what was done."),
        ({"outreach-kind": "spoke", "outreach-at": "2999-01-01T10:00"}, "at", "in the future"),
        ({"outreach-kind": "spoke", "outreach-at": "2001-01-01T10:00"}, "at", "before the intake"),
        ({"outreach-kind": "spoke", "outreach-at": "yesterday"}, "at", "Enter the date and time"),
    ],
)
def test_a_wrong_attempt_is_explained_and_keeps_what_was_typed(
    clinician, urgent, data, field, message
):
    data = {**data, "outreach-note": data.get("outreach-note", "")}
    if field != "note":
        data["outreach-note"] = "Tried her work number."

    response = signed_in_client(clinician).post(outreach_url(urgent), data)

    assert response.status_code == 200
    form = response.context["outreach_form"]
    assert message in " ".join(form.errors[field])
    body = text(response)
    assert 'id="outreach-errors"' in body
    if field != "note":
        assert "Tried her work number." in body
    assert not OutreachAttempt.objects.exists()


def test_attempts_are_history(clinician, urgent):
    attempt, _ = OutreachAttempt.log(urgent, kind="spoke", note="", by=clinician)

    with pytest.raises(AppendOnlyError):
        attempt.save()
    with pytest.raises(AppendOnlyError):
        OutreachAttempt.objects.all().delete()


def test_only_urgent_submissions_have_an_episode(clinician, db):
    review = make_outcome_submission("needs_review")

    with pytest.raises(EpisodeError):
        OutreachAttempt.log(review, kind="spoke", note="", by=clinician)
    response = signed_in_client(clinician).post(outreach_url(review), {"outreach-kind": "spoke"})

    assert response.status_code == 409
    assert "Only an urgent submission has an urgent episode." in text(response)
    assert not OutreachAttempt.objects.exists()


def test_notes_are_encrypted_at_rest(clinician, urgent):
    OutreachAttempt.log(urgent, kind="spoke", note="Sister is with her tonight.", by=clinician)
    UrgentEpisodeClosure.close(urgent, outcome="safe_plan", note="Plan: GP tomorrow.", by=clinician)

    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM screening_outreachattempt")
        (attempt_note,) = cursor.fetchone()
        cursor.execute("SELECT note FROM screening_urgentepisodeclosure")
        (closure_note,) = cursor.fetchone()
    assert "Sister" not in attempt_note and "GP tomorrow" not in closure_note


# --- Closing the urgent episode -----------------------------------------------------------------


def test_a_clinician_closes_the_episode_with_csrf(csrf_client, clinician, urgent):
    OutreachAttempt.log(urgent, kind="spoke", note="", by=clinician)
    csrf_client.force_login(clinician)

    response = csrf_post(
        csrf_client,
        page_url(urgent),
        close_url(urgent),
        {"close-outcome": "safe_plan", "close-note": "Safety plan agreed; sister stays."},
    )

    assert response.status_code == 302
    closure = UrgentEpisodeClosure.objects.get(submission=urgent)
    assert (closure.outcome, closure.by) == ("safe_plan", clinician)
    event = AuditEvent.objects.get(action=AuditEvent.Action.URGENT_EPISODE_CLOSED)
    assert event.detail == {"outcome": "safe_plan", "closure_id": closure.pk}
    body = text(csrf_client.get(response["Location"]))
    assert "Urgent episode closed: Safe, plan agreed." in body
    assert "Urgent episode closed</h2>" in body and "Safety plan agreed; sister stays." in body
    assert "Log the attempt" not in body


def test_a_closed_episode_takes_no_more_attempts_and_no_second_closure(clinician, urgent):
    UrgentEpisodeClosure.close(urgent, outcome="emergency_services", note="", by=clinician)
    client = signed_in_client(clinician)

    attempt = client.post(outreach_url(urgent), {"outreach-kind": "spoke"})
    again = client.post(close_url(urgent), {"close-outcome": "safe_plan"})

    assert (attempt.status_code, again.status_code) == (409, 409)
    assert "already closed" in text(again)
    assert not OutreachAttempt.objects.exists()
    assert UrgentEpisodeClosure.objects.get().outcome == "emergency_services"


def test_could_not_reach_needs_an_attempt_first(clinician, urgent):
    client = signed_in_client(clinician)

    response = client.post(
        close_url(urgent), {"close-outcome": "unreachable", "close-note": "Tried."}
    )

    assert response.status_code == 200
    assert "Log the attempts to reach them first" in text(response)
    assert "Tried." in text(response)
    assert not UrgentEpisodeClosure.objects.exists()


def test_other_needs_a_note(clinician, urgent):
    response = signed_in_client(clinician).post(close_url(urgent), {"close-outcome": "other"})

    assert "Say how the episode ended." in text(response)
    assert not UrgentEpisodeClosure.objects.exists()


def test_closing_an_unacknowledged_episode_acknowledges_it(clinician, urgent):
    signed_in_client(clinician).post(
        close_url(urgent), {"close-outcome": "emergency_services", "close-note": "911 called."}
    )

    urgent.refresh_from_db()
    assert urgent.acknowledged_at is not None
    assert Acknowledgement.objects.get(submission=urgent).acknowledged_by == clinician


@pytest.mark.parametrize("persona", ["coordinator", "outsider"])
def test_only_clinicians_log_and_close(request, persona, urgent):
    client = signed_in_client(request.getfixturevalue(persona))

    logged = client.post(outreach_url(urgent), {"outreach-kind": "spoke"})
    closed = client.post(close_url(urgent), {"close-outcome": "safe_plan"})

    assert (logged.status_code, closed.status_code) == (403, 403)
    assert not OutreachAttempt.objects.exists() and not UrgentEpisodeClosure.objects.exists()


def test_administrators_without_the_clinician_role_neither_log_nor_close(administrator, urgent):
    client = signed_in_client(administrator)

    logged = client.post(outreach_url(urgent), {"outreach-kind": "spoke"})
    closed = client.post(close_url(urgent), {"close-outcome": "safe_plan"})

    assert (logged.status_code, closed.status_code) == (403, 403)
    assert not OutreachAttempt.objects.exists() and not UrgentEpisodeClosure.objects.exists()


# --- The queue ----------------------------------------------------------------------------------


def test_an_open_episode_stays_at_the_top_until_closed(clinician, db):
    old_closed = make_outcome_submission("urgent", submitted_at=ago(days=5))
    new_open = make_outcome_submission("urgent", submitted_at=ago(hours=1))
    excluded = make_outcome_submission("likely_excluded", submitted_at=ago(days=9))
    UrgentEpisodeClosure.close(old_closed, outcome="safe_plan", note="", by=clinician)
    client = signed_in_client(clinician)

    order = queue_references(client.get(QUEUE))

    assert order == [new_open.reference, old_closed.reference, excluded.reference]


def test_an_open_episode_stays_in_the_queue_after_a_decision(clinician, urgent):
    Decision.record(
        urgent, kind="not_now", note="n", referral_note="Dr. Lee", by=clinician, seen_decision_id=0
    )
    client = signed_in_client(clinician)

    assert urgent.reference in queue_references(client.get(QUEUE))
    UrgentEpisodeClosure.close(urgent, outcome="safe_plan", note="", by=clinician)
    assert urgent.reference not in queue_references(client.get(QUEUE))
    assert '<span class="count-number">0</span> Urgent' in text(client.get(QUEUE))


def test_the_queue_shows_the_time_since_the_last_attempt(clinician, coordinator, urgent):
    OutreachAttempt.log(urgent, kind="no_answer", note="", by=clinician, at=ago(hours=3))
    OutreachAttempt.log(urgent, kind="left_message", note="", by=clinician, at=ago(minutes=50))
    waiting = make_outcome_submission("urgent")

    for persona in (clinician, coordinator):
        body = text(signed_in_client(persona).get(QUEUE))
        assert "Urgent episode open · last attempt 50 minutes ago" in body
        assert "Urgent episode open · no attempt to reach them yet" in body
    assert waiting.reference in body


def test_the_queue_keeps_its_query_count_with_attempts_and_closures(
    clinician, django_assert_num_queries
):
    for index in range(6):
        submission = make_outcome_submission("urgent", submitted_at=ago(hours=index))
        OutreachAttempt.log(submission, kind="spoke", note="", by=clinician)
        if index % 2:
            UrgentEpisodeClosure.close(submission, outcome="safe_plan", note="", by=clinician)
    client = signed_in_client(clinician)

    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(QUEUE, {"status": "all"})

    assert len(response.context["rows"]) == 6


def test_retention_blanks_the_notes_and_keeps_who_and_when(clinician, urgent):
    OutreachAttempt.log(urgent, kind="spoke", note="Sister is with her tonight.", by=clinician)
    UrgentEpisodeClosure.close(urgent, outcome="safe_plan", note="Plan: GP tomorrow.", by=clinician)
    Decision.record(
        urgent, kind="not_now", note="n", referral_note="Dr. Lee", by=clinician, seen_decision_id=0
    )
    now = timezone.now()

    anonymised = retention.anonymise_closed(now + timedelta(days=1), now)

    assert anonymised == [urgent.reference]
    attempt = OutreachAttempt.objects.get()
    closure = UrgentEpisodeClosure.objects.get()
    assert (attempt.note, attempt.kind, attempt.by) == ("", "spoke", clinician)
    assert (closure.note, closure.outcome, closure.by) == ("", "safe_plan", clinician)
