"""The engine's public contract: the example's exact result, the result's JSON shape, invalid
intakes naming their key, thresholds, and the rule table against the clinical reference."""

import dataclasses
import json
from datetime import date, datetime

import pytest

from screening.engine import (
    DEFAULT_THRESHOLDS,
    OUTCOME_RANK,
    OUTCOMES,
    RULES,
    RULESET_VERSION,
    SEVERITY_TO_OUTCOME,
    IntakeError,
    Thresholds,
    parse_intake,
    screen,
)
from tests.strategies import DELETE, example_intake, with_answers

# --- The reference example ----------------------------------------------------------------------


def test_example_gives_exactly_the_documented_result():
    result = screen(example_intake()).to_dict()

    assert result["outcome"] == "eligible_for_consultation"
    assert [flag["code"] for flag in result["flags"]] == [
        "IN_TRD_LIKELY",
        "IN_HYPERTENSION_CONTROLLED",
        "IN_LAMOTRIGINE",
        "IN_ESCORT_NEEDED",
    ]
    assert result["scores"] == {
        "phq9_total": 16,
        "phq9_band": "moderately_severe",
        "gad7_total": 9,
        "gad7_band": "mild",
        "cssrs_risk": "none",
        "failed_adequate_trials": 2,
        "unclear_trials": 0,
        "bmi": 25.7,
        "age": 39,
    }


def test_example_evidence_quotes_the_answers():
    example = example_intake()
    flags = {flag["code"]: flag for flag in screen(example).to_dict()["flags"]}

    trials = example["mental_health"]["antidepressant_trials"]
    # The venlafaxine trial (3 weeks) is too short to count.
    assert flags["IN_TRD_LIKELY"]["evidence"] == [
        {"key": "mental_health.antidepressant_trials[0]", "answer": trials[0]},
        {"key": "mental_health.antidepressant_trials[1]", "answer": trials[1]},
    ]
    assert flags["IN_HYPERTENSION_CONTROLLED"]["evidence"] == [
        {"key": "medical.hypertension", "answer": "controlled"},
        {"key": "medical.bp_systolic", "answer": 128},
        {"key": "medical.bp_diastolic", "answer": 82},
    ]
    assert flags["IN_LAMOTRIGINE"]["evidence"] == [
        {"key": "medications.classes[0]", "answer": "lamotrigine"}
    ]


def test_result_dict_shares_nothing_with_the_intake():
    intake = example_intake()
    result = screen(intake).to_dict()

    result["flags"][0]["evidence"][0]["answer"]["weeks"] = 99

    assert intake["mental_health"]["antidepressant_trials"][0]["weeks"] == 10


def test_result_shape_matches_the_intake_format_document():
    result = screen(example_intake()).to_dict()

    assert set(result) == {"outcome", "ruleset_version", "thresholds", "scores", "flags"}
    assert result["ruleset_version"] == RULESET_VERSION == "2026.12-1"
    assert result["thresholds"] == DEFAULT_THRESHOLDS.to_dict()
    for flag in result["flags"]:
        assert set(flag) == {"code", "severity", "title", "rationale", "source", "evidence"}
        assert flag["severity"] in {"crisis", "exclude", "review", "info"}
        for evidence in flag["evidence"]:
            assert set(evidence) == {"key", "answer"}
    assert json.loads(json.dumps(result)) == result


def test_flags_are_ordered_by_severity_then_rule_order():
    intake = with_answers(
        example_intake(),
        {
            "medical.dementia": "unsure",  # RV_MISSING_INFO
            "medical.seizures": "yes",  # RV_SEIZURES
            "medical.brain_bleed": "yes",  # CI_INTRACEREBRAL_HEMORRHAGE
            "substances.dissociative_misuse_ever": "yes",  # RV_DISSOCIATIVE_MISUSE
            "questionnaires.phq9[8]": 1,  # RISK_PHQ9_ITEM9
        },
    )

    codes = [flag.code for flag in screen(intake).flags]

    assert codes == [
        "RISK_PHQ9_ITEM9",
        "CI_INTRACEREBRAL_HEMORRHAGE",
        "RV_DISSOCIATIVE_MISUSE",  # first within review: high priority
        "RV_SEIZURES",
        "RV_MISSING_INFO",
        "IN_TRD_LIKELY",
        "IN_HYPERTENSION_CONTROLLED",
        "IN_LAMOTRIGINE",
        "IN_ESCORT_NEEDED",
    ]


def test_missing_info_lists_every_key_once_and_marks_what_is_absent():
    intake = with_answers(
        example_intake(),
        {
            "questionnaires.phq9[8]": None,
            "medical.glaucoma": "unsure",  # read by two rules, listed once
            "medical.dementia": DELETE,
            "mental_health.antidepressant_trials[1].improvement": "unsure",
        },
    )

    result = screen(intake)
    flag = result.flag("RV_MISSING_INFO")

    assert [flag.code for flag in result.flags].count("RV_MISSING_INFO") == 1
    assert flag.to_dict()["evidence"] == [
        {"key": "questionnaires.phq9[8]", "answer": None, "missing": True},
        {"key": "medical.glaucoma", "answer": "unsure"},
        {"key": "medical.dementia", "answer": None, "missing": True},
        {"key": "mental_health.antidepressant_trials[1].improvement", "answer": "unsure"},
    ]
    assert result.scores.phq9_total is None
    assert result.scores.phq9_band is None
    assert result.scores.unclear_trials == 1


def test_cssrs_risk_is_unknown_not_none_when_the_screener_is_unanswered():
    result = screen(with_answers(example_intake(), {"questionnaires.cssrs": DELETE}))

    assert result.scores.cssrs_risk is None
    assert result.flag("RV_MISSING_INFO").evidence[0].key == "questionnaires.cssrs"


def test_no_flag_title_uses_words_a_person_must_never_see():
    for rule in RULES:
        assert "reject" not in rule.title.lower()
        assert "exclude" not in rule.title.lower()
        assert rule.rationale
        assert rule.source


def test_public_constants():
    assert OUTCOMES == ("urgent", "likely_excluded", "needs_review", "eligible_for_consultation")
    assert [OUTCOME_RANK[outcome] for outcome in OUTCOMES] == [0, 1, 2, 3]
    assert SEVERITY_TO_OUTCOME == {
        "crisis": "urgent",
        "exclude": "likely_excluded",
        "review": "needs_review",
        "info": "eligible_for_consultation",
    }


# The clinical reference, sections 2 to 5: every flag with its severity.
REFERENCE_FLAGS = {
    "crisis": "RISK_PHQ9_ITEM9 RISK_CSSRS_HIGH RISK_CSSRS_MODERATE RISK_CSSRS_LOW RISK_BP_CRISIS",
    "exclude": "CI_AGE_UNDER_18 CI_ANEURYSM_AVM CI_INTRACEREBRAL_HEMORRHAGE "
    "CI_KETAMINE_HYPERSENSITIVITY CI_PREGNANT CI_PSYCHOSIS_CURRENT CI_MANIA_CURRENT CI_BP_SEVERE "
    "CI_HYPERTHYROID_UNCONTROLLED CI_RAISED_PRESSURE_ACTIVE",
    "review": "RV_BP_ELEVATED RV_PSYCHOSIS_HISTORY RV_BIPOLAR RV_CARDIOVASCULAR "
    "RV_STROKE_BRAIN_INJURY RV_EYE_PRESSURE_TREATED RV_SEIZURES RV_LIVER RV_BREATHING_SEDATION "
    "RV_BLADDER RV_BREASTFEEDING_OR_PLANNING RV_DEMENTIA RV_SUBSTANCE_USE RV_DISSOCIATIVE_MISUSE "
    "RV_PRIOR_KETAMINE_REACTION RV_MED_SEDATIVE RV_MED_STIMULANT RV_MED_MAOI "
    "RV_TRD_NOT_ESTABLISHED RV_DEPRESSION_BELOW_THRESHOLD RV_MISSING_INFO",
    "info": "IN_TRD_LIKELY IN_HYPERTENSION_CONTROLLED IN_LAMOTRIGINE IN_ANXIETY_SIGNIFICANT "
    "IN_ESCORT_NEEDED",
}


def test_rule_table_is_the_reference_table():
    expected = {code: sev for sev, codes in REFERENCE_FLAGS.items() for code in codes.split()}
    assert {rule.code: rule.severity for rule in RULES} == expected


# --- Invalid intakes name their key -------------------------------------------------------------

BAD_INPUTS = [
    ("phq9 item as text", {"questionnaires.phq9[3]": "2"}, "questionnaires.phq9[3]"),
    ("phq9 item as boolean", {"questionnaires.phq9[3]": True}, "questionnaires.phq9[3]"),
    ("phq9 item above 3", {"questionnaires.phq9[3]": 4}, "questionnaires.phq9[3]"),
    ("phq9 with 8 items", {"questionnaires.phq9": [1] * 8}, "questionnaires.phq9"),
    ("gad7 item negative", {"questionnaires.gad7[0]": -1}, "questionnaires.gad7[0]"),
    ("systolic out of range", {"medical.bp_systolic": 400}, "medical.bp_systolic"),
    ("systolic as boolean", {"medical.bp_systolic": True}, "medical.bp_systolic"),
    ("diastolic as text", {"medical.bp_diastolic": "82"}, "medical.bp_diastolic"),
    ("diastolic as a fraction", {"medical.bp_diastolic": 82.5}, "medical.bp_diastolic"),
    ("weight out of range", {"medical.weight_kg": 700}, "medical.weight_kg"),
    ("height zero", {"medical.height_cm": 0}, "medical.height_cm"),
    ("weight not a number", {"medical.weight_kg": float("nan")}, "medical.weight_kg"),
    ("hospitalizations negative", {"mental_health.hospitalizations": -1},
     "mental_health.hospitalizations"),
    ("onset age 121", {"mental_health.depression_onset_age": 121},
     "mental_health.depression_onset_age"),
    ("trial weeks as text", {"mental_health.antidepressant_trials[1].weeks": "8"},
     "mental_health.antidepressant_trials[1].weeks"),
    ("trial weeks above 1000", {"mental_health.antidepressant_trials[0].weeks": 1001},
     "mental_health.antidepressant_trials[0].weeks"),
    ("trial episode as text", {"mental_health.antidepressant_trials[0].current_episode": "yes"},
     "mental_health.antidepressant_trials[0].current_episode"),
    ("trial improvement unknown word",
     {"mental_health.antidepressant_trials[2].improvement": "some"},
     "mental_health.antidepressant_trials[2].improvement"),
    ("cssrs answer as text", {"questionnaires.cssrs.q1": "no"}, "questionnaires.cssrs.q1"),
    ("cssrs answer as 0", {"questionnaires.cssrs.q6": 0}, "questionnaires.cssrs.q6"),
    ("glaucoma yes is not a choice", {"medical.glaucoma": "yes"}, "medical.glaucoma"),
    ("condition as boolean", {"medical.seizures": False}, "medical.seizures"),
    ("unknown diagnosis", {"mental_health.diagnoses[1]": "depressed"},
     "mental_health.diagnoses[1]"),
    ("null inside a list", {"mental_health.diagnoses[1]": None}, "mental_health.diagnoses[1]"),
    ("classes not a list", {"medications.classes": "lamotrigine"}, "medications.classes"),
    ("emergency phone as number", {"care_team.emergency_contact.phone": 5550199},
     "care_team.emergency_contact.phone"),
    ("consent as text", {"consent.privacy_notice": "yes"}, "consent.privacy_notice"),
    ("section not an object", {"medical": ["no"]}, "medical"),
    ("wrong format", {"format": "clinic-intake/2"}, "format"),
    ("no format", {"format": DELETE}, "format"),
    ("submitted_at not a date-time", {"submitted_at": "yesterday"}, "submitted_at"),
    ("submitted_at without a zone", {"submitted_at": "2026-11-20T15:04:00"}, "submitted_at"),
    ("impossible date of birth", {"about.date_of_birth": "1987-02-30"}, "about.date_of_birth"),
    ("date of birth in US order", {"about.date_of_birth": "03/14/1987"}, "about.date_of_birth"),
    ("date of birth after submission", {"about.date_of_birth": "2026-11-21"},
     "about.date_of_birth"),
    ("bp date as number", {"medical.bp_measured_on": 20261102}, "medical.bp_measured_on"),
    # A list or object where a choice is expected cannot even be looked up in a set of choices.
    ("list where a choice is expected", {"medical.glaucoma": ["no"]}, "medical.glaucoma"),
    ("object where a choice is expected", {"substances.alcohol": {"often": True}},
     "substances.alcohol"),
    ("object inside the diagnoses", {"mental_health.diagnoses[0]": {"depression": True}},
     "mental_health.diagnoses[0]"),
    ("list as a trial's improvement",
     {"mental_health.antidepressant_trials[2].improvement": ["none"]},
     "mental_health.antidepressant_trials[2].improvement"),
    ("a trial that is not an object", {"mental_health.antidepressant_trials[1]": "bupropion"},
     "mental_health.antidepressant_trials[1]"),
    ("boolean in the allergy list", {"medical.allergies[0]": True}, "medical.allergies[0]"),
    ("PHQ-9 item as 2.0", {"questionnaires.phq9[0]": 2.0}, "questionnaires.phq9[0]"),
    ("C-SSRS as a list", {"questionnaires.cssrs": [False] * 7}, "questionnaires.cssrs"),
    ("medication dose as a number", {"medications.current[1].dose": 100},
     "medications.current[1].dose"),
    ("unknown treatment kind", {"mental_health.other_treatments[0].kind": "yoga"},
     "mental_health.other_treatments[0].kind"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "key"), [pytest.param(c, k, id=name) for name, c, k in BAD_INPUTS]
)
def test_invalid_intake_names_the_key(changes, key):
    with pytest.raises(IntakeError) as raised:
        screen(with_answers(example_intake(), changes))

    assert raised.value.key == key
    assert str(raised.value).startswith(f"{key}: ")


def test_an_intake_that_is_not_an_object_is_rejected():
    with pytest.raises(IntakeError, match="JSON object"):
        screen([example_intake()])


def test_future_date_of_birth_is_rejected_against_now_when_not_submitted():
    intake = with_answers(
        example_intake(), {"submitted_at": DELETE, "about.date_of_birth": "2026-12-01"}
    )

    with pytest.raises(IntakeError) as raised:
        screen(intake, now=date(2026, 11, 20))

    assert raised.value.key == "about.date_of_birth"


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"submitted_at": "2026-11-20T20:04:00Z"}, id="Z for UTC"),
        pytest.param({"submitted_at": "2026-11-20T20:04:00.123456+00:00"}, id="microseconds"),
        pytest.param({"mental_health.antidepressant_trials[0].weeks": 9.5}, id="fractional weeks"),
        pytest.param({"medical.weight_kg": 72}, id="whole kilograms"),
        pytest.param({"medical.bp_systolic": None, "medical.pregnant": None}, id="nulls"),
        pytest.param({"consent.signed_at": "2026-11-20T15:03:40"}, id="consent time no zone"),
    ],
)
def test_valid_variations_are_accepted(changes):
    assert screen(with_answers(example_intake(), changes)).outcome in OUTCOMES


def test_age_is_taken_at_now_when_there_is_no_submission_time():
    intake = with_answers(
        example_intake(), {"submitted_at": DELETE, "about.date_of_birth": "2008-11-21"}
    )

    assert "CI_AGE_UNDER_18" in screen(intake, now=date(2026, 11, 20)).codes
    assert "CI_AGE_UNDER_18" not in screen(intake, now=datetime(2026, 11, 21, 9, 0)).codes
    assert parse_intake(intake, now=date(2026, 11, 21)).age == 18


# --- Thresholds -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "outcome", "added", "removed"),
    [
        ({"min_failed_trials": 3}, "needs_review", {"RV_TRD_NOT_ESTABLISHED"}, {"IN_TRD_LIKELY"}),
        ({"min_failed_trials": 1}, "eligible_for_consultation", set(), set()),
        # The bupropion trial lasted 8 weeks.
        ({"min_trial_weeks": 9}, "needs_review", {"RV_TRD_NOT_ESTABLISHED"}, {"IN_TRD_LIKELY"}),
        ({"phq9_consult_min": 17}, "needs_review", {"RV_DEPRESSION_BELOW_THRESHOLD"}, set()),
        ({"min_age": 40}, "likely_excluded", {"CI_AGE_UNDER_18"}, set()),
        (
            {"bp_elevated_systolic": 120},
            "needs_review",
            {"RV_BP_ELEVATED"},
            {"IN_HYPERTENSION_CONTROLLED"},
        ),
        (
            {"bp_severe_diastolic": 80, "bp_elevated_diastolic": 70},
            "likely_excluded",
            {"CI_BP_SEVERE"},
            {"IN_HYPERTENSION_CONTROLLED"},
        ),
        ({"gad7_significant": 9}, "eligible_for_consultation", {"IN_ANXIETY_SIGNIFICANT"}, set()),
    ],
)
def test_thresholds_change_the_result_and_are_recorded(override, outcome, added, removed):
    thresholds = DEFAULT_THRESHOLDS.replace(**override)
    default_codes = screen(example_intake()).codes

    result = screen(example_intake(), thresholds)

    assert result.outcome == outcome
    assert result.codes == (default_codes | added) - removed
    assert result.thresholds is thresholds
    assert result.to_dict()["thresholds"] == {**DEFAULT_THRESHOLDS.to_dict(), **override}


def test_thresholds_defaults_are_the_reference_values():
    assert DEFAULT_THRESHOLDS.to_dict() == {
        "min_age": 18,
        "min_failed_trials": 2,
        "min_trial_weeks": 6,
        "phq9_consult_min": 10,
        "bp_crisis_systolic": 180,
        "bp_crisis_diastolic": 120,
        "bp_severe_systolic": 180,
        "bp_severe_diastolic": 100,
        "bp_elevated_systolic": 140,
        "bp_elevated_diastolic": 90,
        "bp_elevated_systolic_over_65": 150,
        "gad7_significant": 10,
    }


def test_thresholds_from_dict_ignores_unknown_keys_and_nulls():
    thresholds = Thresholds.from_dict({"min_age": 21, "later_setting": 5, "min_trial_weeks": None})

    assert thresholds == DEFAULT_THRESHOLDS.replace(min_age=21)
    assert Thresholds.from_dict(thresholds.to_dict()) == thresholds


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"min_age": "18"}, "min_age"),
        ({"min_failed_trials": True}, "min_failed_trials"),
        ({"min_trial_weeks": 6.5}, "min_trial_weeks"),
        ({"phq9_consult_min": 28}, "phq9_consult_min"),
        ({"bp_severe_systolic": 1000}, "bp_severe_systolic"),
        ({"bp_elevated_systolic": 185}, "bp_elevated_systolic"),
        ({"bp_elevated_diastolic": 100}, "bp_elevated_diastolic"),
    ],
)
def test_thresholds_reject_wrong_types_and_implausible_values(values, field):
    with pytest.raises(ValueError, match=f"^{field}:"):
        Thresholds.from_dict(values)


def test_thresholds_are_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_THRESHOLDS.min_age = 16
