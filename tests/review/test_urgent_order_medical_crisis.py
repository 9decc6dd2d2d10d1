"""A blood-pressure reading in the crisis range is urgent for a medical reason: staff see it in
the urgent tier, after every submission urgent for suicide risk, and its C-SSRS risk level is
the one the screener gave."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from screening.models import ClinicThresholds, Submission
from tests.factories import intake_document, make_submission
from tests.review.helpers import signed_in_client

pytestmark = pytest.mark.django_db

CRISIS_READING = {"bp_systolic": 250, "bp_diastolic": 150}
PHQ9_ITEM9 = [2, 3, 2, 3, 1, 2, 2, 1, 1]


def cssrs(**answers):
    base = {"q1": False, "q2": False, "q6": False}
    return {**base, **answers}


def submitted(days_ago, *, medical=None, questionnaires=None):
    sections = {}
    if medical:
        sections["medical"] = medical
    if questionnaires:
        sections["questionnaires"] = questionnaires
    return make_submission(
        intake_document(**sections), submitted_at=timezone.now() - timedelta(days=days_ago)
    )


@pytest.fixture
def urgent_mix():
    # The blood-pressure ones are the oldest: age alone would put them first.
    return {
        "bp_only": submitted(9, medical=CRISIS_READING),
        "bp_only_cssrs_unanswered": submitted(
            8, medical=CRISIS_READING, questionnaires={"cssrs": None}
        ),
        "phq9_item9_only": submitted(2, questionnaires={"phq9": PHQ9_ITEM9}),
        "cssrs_low": submitted(3, questionnaires={"cssrs": cssrs(q1=True)}),
        "cssrs_high_and_bp": submitted(
            1,
            medical=CRISIS_READING,
            questionnaires={"cssrs": cssrs(q2=True, q3=False, q4=True, q5=False)},
        ),
        "excluded": submitted(20, medical={"pregnant": "yes"}),
    }


def test_a_crisis_reading_is_urgent_and_keeps_the_cssrs_level(urgent_mix):
    bp_only = urgent_mix["bp_only"]
    assert bp_only.outcome == "urgent"
    assert bp_only.cssrs_risk == "none"
    assert urgent_mix["cssrs_high_and_bp"].cssrs_risk == "high"
    assert urgent_mix["bp_only_cssrs_unanswered"].cssrs_risk == "unknown"
    flags = {flag["code"] for flag in bp_only.screenings.get().result["flags"]}
    assert {"RISK_BP_CRISIS", "CI_BP_SEVERE"} <= flags


def test_urgent_for_suicide_risk_comes_before_urgent_for_blood_pressure_only(urgent_mix):
    order = list(Submission.objects.by_urgency())
    names = {submission.pk: name for name, submission in urgent_mix.items()}

    assert [names[submission.pk] for submission in order] == [
        "cssrs_high_and_bp",
        "cssrs_low",
        "phq9_item9_only",
        # Medical only, among themselves in the C-SSRS order (unanswered before "none").
        "bp_only_cssrs_unanswered",
        "bp_only",
        "excluded",
    ]


def test_the_queue_page_shows_them_in_that_order(clinician, urgent_mix):
    response = signed_in_client(clinician).get(reverse("staff:queue"))

    shown = re.findall(
        r'class="ref fw-semibold" href="/staff/submissions/([A-Z0-9-]+)/"',
        response.content.decode(),
    )
    by_reference = {submission.reference: name for name, submission in urgent_mix.items()}
    assert [by_reference[reference] for reference in shown][-2:] == ["bp_only", "excluded"]
    assert [by_reference[reference] for reference in shown][:3] == [
        "cssrs_high_and_bp",
        "cssrs_low",
        "phq9_item9_only",
    ]


def test_rescreening_after_a_crisis_limit_change_moves_the_submission_and_its_rank(urgent_mix):
    reading_200_105 = submitted(5, medical={"bp_systolic": 200, "bp_diastolic": 105})
    assert reading_200_105.outcome == "urgent"
    ClinicThresholds.objects.create(values={"bp_crisis_systolic": 210})

    call_command("rescreen", stdout=io.StringIO())

    reading_200_105.refresh_from_db()
    assert reading_200_105.outcome == "likely_excluded"
    assert reading_200_105.risk_rank == 4
    bp_only = Submission.objects.get(pk=urgent_mix["bp_only"].pk)
    assert (bp_only.outcome, bp_only.cssrs_risk) == ("urgent", "none")
    assert bp_only.risk_rank > Submission.objects.get(pk=urgent_mix["cssrs_low"].pk).risk_rank
