"""The intake's answers as clinic-intake/1: the mapping, partial drafts, and the export command."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from screening.engine import parse_intake, screen
from screening.intake.export import answers_to_intake, draft_to_intake
from screening.models import Draft, Submission
from tests.factories import EXAMPLE_INTAKE
from tests.intake.helpers import (
    STEP_ORDER,
    draft_at,
    fill,
    start,
)

pytestmark = pytest.mark.django_db


def test_the_example_answers_export_exactly_as_the_reference_document(client):
    draft, _token = draft_at("review", client)

    doc = draft_to_intake(draft)

    for section, expected in EXAMPLE_INTAKE.items():
        if section in ("format", "consent", "submitted_at"):
            continue
        for key, value in expected.items():
            if key == "bp_measured_on":
                continue  # the helpers use a reading from three weeks ago
            assert doc[section][key] == value, f"{section}.{key}"
    result = screen(doc).to_dict()
    assert result["outcome"] == "eligible_for_consultation"
    assert [flag["code"] for flag in result["flags"]] == [
        "IN_TRD_LIKELY",
        "IN_HYPERTENSION_CONTROLLED",
        "IN_LAMOTRIGINE",
        "IN_ESCORT_NEEDED",
    ]
    assert result["scores"]["phq9_total"] == 16
    assert result["scores"]["bmi"] == 25.7


@pytest.mark.parametrize("until", STEP_ORDER)
def test_every_draft_exports_a_valid_document_however_far_it_got(client, until):
    draft, _token = draft_at(until, client)

    doc = draft_to_intake(draft)

    parse_intake(doc)  # raises IntakeError naming the key if not valid
    screen(doc)
    assert doc["format"] == "clinic-intake/1"
    assert doc["questionnaire_version"] == draft.questionnaire_version


def test_extra_answers_ride_along_under_their_own_keys(client):
    changes = {"heard_about": "other", "heard_about_other": "A poster"}
    draft, _token = draft_at(
        "review",
        client,
        about=changes,
        substances={"dissociatives": "past_year", "ever_treated": "yes"},
        medications={"takes_opioid": "unsure"},
    )

    doc = draft_to_intake(draft)

    assert doc["about"]["heard_about_other"] == "A poster"
    assert doc["about"]["contact_channels"] == ["phone", "email"]
    assert doc["substances"]["ever_treated"] == "yes"
    assert doc["substances"]["dissociative_misuse_ever"] == "yes"
    assert doc["medications"]["classes"] == ["lamotrigine"]
    assert doc["medications"]["classes_unsure"] == ["opioid"]
    assert doc["questionnaires"]["gad7_total"] == 9


def test_trials_map_their_answers_to_the_format(client):
    draft, _token = draft_at(
        "questionnaires",
        client,
        mental_health={
            "trials-0-improvement": "side_effects",
            "trials-1-current_episode": "unsure",
            "trials-2-max_daily_dose_mg": "",
        },
    )

    trials = draft_to_intake(draft)["mental_health"]["antidepressant_trials"]

    assert trials[0]["improvement"] == "unsure"
    assert trials[0]["stopped_for_side_effects"] is True
    assert "current_episode" not in trials[1]  # unanswered, never "no"
    assert "max_daily_dose_mg" not in trials[2]
    assert trials[2]["weeks"] == 3


def test_an_empty_draft_is_just_the_format():
    assert answers_to_intake({}) == {"format": "clinic-intake/1"}


def test_export_command_prints_a_submission_or_a_draft(client, capsys):
    token = start(client)
    fill(client, token)
    submission = Submission.objects.get()
    other, _ = draft_at("medical", client)

    call_command("export_intake", submission.reference.replace("-", "").lower())
    printed = json.loads(capsys.readouterr().out)
    assert printed["about"]["legal_name"] == "Jordan A. Rivera"
    assert printed["consent"]["signature"] == "Jordan A. Rivera"

    call_command("export_intake", "--draft-id", str(other.pk))
    printed = json.loads(capsys.readouterr().out)
    assert "medical" not in printed
    assert printed["questionnaires"]["phq9"][0] == 2

    with pytest.raises(CommandError, match="No submission"):
        call_command("export_intake", "ZZZZ-ZZZZ")
    with pytest.raises(CommandError, match="either"):
        call_command("export_intake")
    assert Draft.objects.count() == 2
