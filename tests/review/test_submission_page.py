"""One submission as staff read it: answers by intake step with the evidence highlighted, flags
explained, scores with bands, the screening history, and what a coordinator may see."""

import re

import pytest
from django.urls import reverse

from clinic.models import AuditEvent
from screening.engine import screen
from screening.models import Decision, ScreeningResult
from tests.factories import intake_document, make_submission
from tests.review.helpers import make_outcome_submission, signed_in_client, text


def page_url(submission):
    return reverse("staff:submission", args=[submission.reference])


@pytest.fixture
def urgent(db):
    return make_outcome_submission("urgent")


def test_answers_are_grouped_by_intake_step_in_order(clinician, urgent):
    body = text(signed_in_client(clinician).get(page_url(urgent)))

    titles = [
        "1. About them",
        "2. Care team",
        "3. Mental health and treatments tried",
        "4. Questionnaires",
        "5. Medical history",
        "6. Alcohol and other substances",
        "7. Medications",
        "8. Consent",
    ]
    positions = [body.index(title) for title in titles]
    assert positions == sorted(positions)
    assert re.search(
        r"Blood pressure, most recent reading.{0,120}</dt> "
        r"<dd[^>]*>128/82 mmHg on Nov 2, 2026</dd>",
        body,
    )
    assert "sertraline, up to 150 mg a day, for 10 weeks, in this episode" in body
    assert "Jordan A. Rivera" in body


def test_evidence_answers_are_highlighted_and_flags_explained(clinician, urgent):
    body = text(signed_in_client(clinician).get(page_url(urgent)))

    # PHQ-9 item 9 raised the crisis flag: its row is marked, in words as well as colour.
    row = re.search(r'<div id="answer-questionnaires-phq9-8" class="([^"]+)">(.*?)</div>', body)
    assert "evidence" in row.group(1)
    assert "Evidence: RISK_PHQ9_ITEM9" in row.group(2)
    assert "2: More than half the days" in row.group(2)
    # An answer no flag quotes is not marked.
    calm = re.search(r'<div id="answer-medical-seizures" class="([^"]+)">', body)
    assert "evidence" not in calm.group(1)
    # The flag itself: severity, code, title, rationale, source and a link to the evidence.
    flag = screen(urgent.intake).flag("RISK_PHQ9_ITEM9")
    assert 'Crisis · <span class="flag-code">RISK_PHQ9_ITEM9</span>' in body
    for words in (flag.title, flag.rationale, f"Source: {flag.source}"):
        assert str(words).replace("'", "&#x27;") in body
    assert '<a href="#answer-questionnaires-phq9-8">PHQ-9 9.' in body


def test_scores_are_shown_with_their_bands(clinician, db):
    submission = make_submission()

    body = text(signed_in_client(clinician).get(page_url(submission)))

    assert 'PHQ-9 (depression)</dt><dd class="mb-0">16 of 27 · moderately severe' in body
    assert 'GAD-7 (anxiety)</dt><dd class="mb-0">9 of 21 · mild' in body
    assert "C-SSRS suicide risk" in body
    assert 'Failed adequate antidepressant trials</dt><dd class="mb-0">2' in body
    assert "BMI" in body


def test_screening_history_includes_rescreens_newest_in_force(clinician, urgent):
    ScreeningResult.objects.create(
        submission=urgent,
        outcome="urgent",
        ruleset_version="2026.12-1",
        result=screen(urgent.intake).to_dict() | {"ruleset_version": "2026.12-1"},
        reason=ScreeningResult.Reason.RESCREEN,
    )

    body = text(signed_in_client(clinician).get(page_url(urgent)))

    history = body[body.index('id="history-heading"') :]
    assert history.index("Re-screen after a rule or threshold change") < history.index(
        "On submission"
    )
    assert "(rules 2026.12-1), in force" in history
    assert "Rules 2026.12-1." in body


def test_unknown_answers_are_still_shown(clinician, db):
    doc = intake_document(medical={"new_question": "maybe"})
    doc["wellbeing"] = {"sleep_hours": 5}
    submission = make_submission(doc)

    response = signed_in_client(clinician).get(page_url(submission))

    assert response.status_code == 200
    body = text(response)
    assert 'New question </dt> <dd class="answer-value mb-0">maybe' in body
    assert "Other answers" in body
    assert "Sleep hours: 5" in body


def test_every_view_is_audited_without_health_information(clinician, urgent):
    signed_in_client(clinician).get(page_url(urgent), REMOTE_ADDR="198.51.100.4")

    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW_SUBMISSION)
    assert (event.actor, event.target_reference) == (clinician, urgent.reference)
    assert event.target_type == "screening.submission"
    assert event.ip_address == "198.51.100.4"
    assert event.detail == {"view": "full"}


def test_reference_is_found_whatever_its_case_and_unknown_is_404(clinician, urgent):
    client = signed_in_client(clinician)

    assert client.get(
        page_url(urgent).lower().replace("/staff/submissions/", "/staff/submissions/")
    ).status_code in (200,)  # noqa: E501
    assert client.get(reverse("staff:submission", args=["NOPE-NOPE"])).status_code == 404
    assert not AuditEvent.objects.filter(target_reference="NOPE-NOPE").exists()


def test_coordinator_sees_contact_details_and_decisions_but_no_answers(
    coordinator, clinician, urgent
):
    Decision.record(
        urgent,
        kind="not_now",
        note="Private clinical reasoning.",
        referral_note="To Dr. Lee.",
        by=clinician,
        seen_decision_id=0,
    )

    response = signed_in_client(coordinator).get(page_url(urgent))

    assert response.status_code == 200
    body = text(response)
    for shown in (
        "jordan.rivera@example.org",
        "+1 910 555 0142",
        "Jordan A. Rivera",
        "Urgent",
        "Not a candidate now",
    ):
        assert shown in body, shown
    for hidden in (
        "PHQ-9",
        "RISK_PHQ9_ITEM9",
        "Private clinical reasoning",
        "To Dr. Lee",
        "Record a decision",
        "Printable page",
    ):
        assert hidden not in body, hidden
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW_SUBMISSION)
    assert event.detail == {"view": "contact"}


def test_a_submission_without_flags_or_screening_still_renders(clinician, db):
    submission = make_submission()
    submission.screenings.all().delete()

    response = signed_in_client(clinician).get(page_url(submission))

    assert response.status_code == 200
    assert "No flags were raised." in text(response)


def test_appointment_requests_section_is_on_the_page(clinician, coordinator, urgent):
    for user in (clinician, coordinator):
        body = text(signed_in_client(user).get(page_url(urgent)))
        assert 'id="appointments"' in body
        assert "Appointment requests" in body


# --- The summary first, the answers folded (issue 13) -------------------------------------------


def test_the_summary_comes_first_and_the_answers_are_folded_by_step(clinician, urgent):
    body = text(signed_in_client(clinician).get(page_url(urgent)))

    order = [
        'id="contact-heading"',
        'id="flags-heading"',
        'id="scores-heading"',
        'id="history-heading"',
        'id="actions-heading"',
        'id="answers-heading"',
    ]
    positions = [body.index(marker) for marker in order]
    assert positions == sorted(positions)
    # Who and how to reach them, for the clinician too, before any answer.
    summary = body[: body.index('id="answers-heading"')]
    for shown in ("jordan.rivera@example.org", "+1 910 555 0142", "Jordan A. Rivera"):
        assert shown in summary, shown
    # One folded <details> per step, none open; the button is drawn by staff.js (CSP: no
    # inline script), hidden until it runs.
    steps = re.findall(r'<details id="step-[a-z-]+" class="card mb-2 answer-step"( open)?>', body)
    assert len(steps) >= 8 and not any(steps)
    assert re.search(r"<button [^>]*data-open-all=\"#answers\"[^>]*hidden>Open all answers", body)
    assert not re.search(r"<script(?![^>]*\bsrc=)", body)
    assert 'src="/static/staff/staff.js"' in body


def test_what_is_still_missing_is_listed_in_the_summary(clinician, db):
    submission = make_submission(
        intake_document(medical={"seizures": "unsure", "hypertension": None})
    )

    body = text(signed_in_client(clinician).get(page_url(submission)))

    missing = body[body.index('id="missing-heading"') : body.index('id="history-heading"')]
    assert '<a href="#answer-medical-seizures">' in missing
    assert '<a href="#answer-medical-hypertension">' in missing
    # The flag itself points there rather than repeating the list.
    assert '<a href="#missing">2 answers still missing</a>' in body


def test_no_missing_section_when_nothing_is_missing(clinician, db):
    body = text(signed_in_client(clinician).get(page_url(make_submission())))

    assert 'id="missing-heading"' not in body
