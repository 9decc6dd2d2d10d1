"""The printable export of one submission for the chart."""

import re

import pytest
from django.urls import reverse

from clinic.models import AuditEvent
from screening.models import Acknowledgement, Decision
from tests.review.helpers import make_outcome_submission, signed_in_client, text


@pytest.fixture
def urgent(clinician):
    submission = make_outcome_submission("urgent")
    Acknowledgement.acknowledge(submission, action="called", note="Safety plan made.", by=clinician)
    Decision.record(
        submission,
        kind="more_info",
        note="Needs a psychiatric review first.",
        information_needed="Letter from Dr. Lee.",
        by=clinician,
        seen_decision_id=0,
    )
    return submission


def test_print_page_has_answers_scores_flags_and_decisions(clinician, urgent):
    response = signed_in_client(clinician).get(reverse("staff:print", args=[urgent.reference]))

    assert response.status_code == 200
    body = text(response)
    for words in (
        urgent.reference,
        "Jordan A. Rivera",
        "Outcome of the screening: <strong>Urgent</strong>",
        "PHQ-9 (depression)",
        "RISK_PHQ9_ITEM9",
        "8. Consent",
        "128/82 mmHg on Nov 2, 2026",
        "[evidence: RISK_PHQ9_ITEM9]",
        "Needs a psychiatric review first.",
        "Letter from Dr. Lee.",
        "Safety plan made.",
        "Printed",
    ):
        assert words in body, words
    # A page for paper: its own print stylesheet, no navigation, no inline script or style.
    assert "/static/staff/print.css" in body
    assert 'aria-label="Main"' not in body
    assert not re.search(r"<script>|<style|style=", body)


def test_printing_is_audited_as_an_export(clinician, urgent):
    signed_in_client(clinician).get(reverse("staff:print", args=[urgent.reference]))

    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT_SUBMISSION)
    assert (event.actor, event.target_reference, event.detail) == (
        clinician,
        urgent.reference,
        {"as": "print"},
    )
