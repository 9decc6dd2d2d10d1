"""Questions that depend on an answer: shown only when they apply, and answers to questions that
do not apply are never stored (the server decides, with or without JavaScript)."""

import pytest

from screening.intake.export import draft_to_intake
from screening.models import Draft, Submission
from tests.intake.helpers import (
    draft_at,
    fill,
    page_text,
    step_data,
    step_url,
)

pytestmark = pytest.mark.django_db


def saved(slug):
    return Draft.objects.get().answers[slug]


def test_cssrs_questions_3_to_5_are_kept_only_after_yes_to_question_2(client):
    _draft, token = draft_at("questionnaires", client)
    page = client.get(step_url(token, "questionnaires")).content.decode()
    assert 'data-reveal-controller="cssrs_q2" data-reveal-values="yes"' in page

    sneaky = {"cssrs_q3": "yes", "cssrs_q4": "yes", "cssrs_q5": "yes", "cssrs_q6_recent": "yes"}
    response = client.post(step_url(token, "questionnaires"), step_data("questionnaires", **sneaky))

    # Nothing that applies shows risk, so no support page, and nothing hidden was kept.
    assert response["Location"] == step_url(token, "medical")
    answers = saved("questionnaires")
    assert not {"cssrs_q3", "cssrs_q4", "cssrs_q5", "cssrs_q6_recent"} & answers.keys()
    cssrs = draft_to_intake(Draft.objects.get())["questionnaires"]["cssrs"]
    assert cssrs == {
        "q1": False,
        "q2": False,
        "q3": None,
        "q4": None,
        "q5": None,
        "q6": False,
        "q6_past_3_months": None,
    }


def test_cssrs_follow_ups_are_required_and_kept_after_yes(client):
    _draft, token = draft_at("questionnaires", client)
    answers = {"cssrs_q2": "yes", "cssrs_q3": "yes", "cssrs_q4": "no", "cssrs_q5": "no"}
    answers |= {"cssrs_q6": "yes", "cssrs_q6_recent": "no"}

    client.post(step_url(token, "questionnaires"), step_data("questionnaires", **answers))

    cssrs = draft_to_intake(Draft.objects.get())["questionnaires"]["cssrs"]
    assert cssrs["q3"] is True
    assert cssrs["q4"] is False
    assert cssrs["q6_past_3_months"] is False


def test_phq9_totals_are_worked_out_and_the_difficulty_question_follows_any_problem(client):
    _draft, token = draft_at("questionnaires", client)
    zeros = {f"phq9_{i}": "0" for i in range(1, 10)}

    client.post(step_url(token, "questionnaires"), step_data("questionnaires", **zeros))

    answers = saved("questionnaires")
    assert answers["phq9_total"] == 0
    assert answers["gad7_total"] == 9
    assert "phq9_difficulty" not in answers


def test_heart_details_only_after_yes_and_a_no_answers_each_of_them(client):
    _draft, token = draft_at("medical", client)
    details = {"heart_attack_12_months": "yes", "heart_failure": "yes"}

    client.post(step_url(token, "medical"), step_data("medical", heart_any="no", **details))
    assert "heart_failure" not in saved("medical")
    medical = draft_to_intake(Draft.objects.get())["medical"]
    assert medical["heart_failure"] == "no"
    assert medical["arrhythmia"] == "no"

    response = client.post(step_url(token, "medical"), step_data("medical", heart_any="yes"))
    assert response.status_code == 200
    assert "A heart attack in the past 12 months" in page_text(response)

    every = dict.fromkeys(
        [
            "heart_attack_12_months",
            "unstable_angina",
            "stent_or_bypass_12_months",
            "heart_failure",
            "arrhythmia",
        ],
        "no",
    )
    every["arrhythmia"] = "yes"
    client.post(step_url(token, "medical"), step_data("medical", heart_any="yes", **every))
    assert draft_to_intake(Draft.objects.get())["medical"]["arrhythmia"] == "yes"


def test_allergy_list_only_after_yes(client):
    _draft, token = draft_at("medical", client)

    client.post(step_url(token, "medical"), step_data("medical", has_allergies="no"))

    assert "allergies" not in saved("medical")
    assert draft_to_intake(Draft.objects.get())["medical"]["allergies"] == []


def test_several_allergies_become_a_list(client):
    _draft, token = draft_at("medical", client)

    client.post(
        step_url(token, "medical"),
        step_data("medical", allergies="penicillin\r\n\r\n  latex \r\nketamine"),
    )

    assert draft_to_intake(Draft.objects.get())["medical"]["allergies"] == [
        "penicillin",
        "latex",
        "ketamine",
    ]


def test_pregnancy_questions_are_not_asked_of_someone_male_at_birth(client):
    _draft, token = draft_at("medical", client, about={"sex_at_birth": "male"})

    page = page_text(client.get(step_url(token, "medical")))
    assert "Are you pregnant?" not in page
    client.post(step_url(token, "medical"), step_data("medical", pregnant="yes"))

    assert "pregnant" not in saved("medical")
    assert draft_to_intake(Draft.objects.get())["medical"]["pregnant"] == "not_applicable"


@pytest.mark.parametrize("sex", ["female", "intersex", "prefer_not_to_say"])
def test_pregnancy_questions_are_asked_when_they_may_apply(client, sex):
    _draft, token = draft_at("medical", client, about={"sex_at_birth": sex})

    response = client.post(step_url(token, "medical"), step_data("medical", pregnant=None))

    assert response.status_code == 200
    assert "Are you pregnant?" in page_text(response)


def test_height_in_feet_and_inches_and_weight_in_pounds_are_converted(client):
    _draft, token = draft_at("medical", client)
    changes = {"height_unit": "ft_in", "height_ft": "5", "height_in": "10", "height_cm": "999"}
    changes |= {"weight_value": "180", "weight_unit": "lb"}

    client.post(step_url(token, "medical"), step_data("medical", **changes))

    medical = draft_to_intake(Draft.objects.get())["medical"]
    assert medical["height_cm"] == 177.8
    assert medical["weight_kg"] == 81.6


def test_how_often_is_asked_only_about_use_in_the_past_month(client):
    _draft, token = draft_at("substances", client)
    changes = {"cannabis": "past_year", "cannabis_frequency": "daily"}
    changes |= {
        "stimulants_nonprescribed": "past_month",
        "stimulants_nonprescribed_frequency": "weekly",
    }

    client.post(step_url(token, "substances"), step_data("substances", **changes))

    answers = saved("substances")
    assert "cannabis_frequency" not in answers
    assert answers["stimulants_nonprescribed_frequency"] == "weekly"


def test_other_diagnosis_and_other_source_are_kept_only_when_chosen(client):
    _draft, token = draft_at("mental-health", client)
    client.post(
        step_url(token, "about"), step_data("about", heard_about="friend", heard_about_other="x")
    )
    client.post(
        step_url(token, "mental-health"),
        step_data("mental-health", diagnoses=["depression"], diagnoses_other="something"),
    )

    assert "heard_about_other" not in saved("about")
    assert "diagnoses_other" not in saved("mental-health")


def test_an_earlier_change_that_adds_questions_sends_the_person_back_before_sending(client):
    draft, token = draft_at("review", client, about={"sex_at_birth": "male"})
    # Now they correct their sex at birth: pregnancy questions apply to the medical step.
    client.post(step_url(token, "about"), step_data("about", sex_at_birth="female"))

    review = client.get(step_url(token, "review"))
    assert "Some answers need another look" in page_text(review)
    assert f'href="{step_url(token, "medical")}"' in review.content.decode()

    response = client.post(step_url(token, "review"), step_data("review"))
    assert response["Location"] == step_url(token, "medical")
    assert not Submission.objects.exists()

    fill(client, token)  # answering the medical step again lets the intake go
    assert Submission.objects.get().intake["medical"]["pregnant"] == "no"
