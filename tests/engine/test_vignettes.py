"""Clinical vignettes: the reference example with one small, readable change each (or a few),
and the outcome and exact flags a clinician would expect (docs/screening-rules.md).

The example is submitted on 2026-11-20 (-05:00) by a 39-year-old with treated hypertension
(128/82), two failed adequate trials, a too-short venlafaxine trial and lamotrigine; it gives
eligible_for_consultation with the four BASE flags below.
"""

import pytest

from screening.engine import DEFAULT_THRESHOLDS, RULES, screen
from screening.engine.result import Evidence
from tests.strategies import DELETE, example_intake, with_answers

BASE = frozenset(
    {"IN_TRD_LIKELY", "IN_HYPERTENSION_CONTROLLED", "IN_LAMOTRIGINE", "IN_ESCORT_NEEDED"}
)
URGENT = "urgent"
EXCLUDED = "likely_excluded"
REVIEW = "needs_review"
ELIGIBLE = "eligible_for_consultation"

NO_HTN = BASE - {"IN_HYPERTENSION_CONTROLLED"}
NO_TRD = BASE - {"IN_TRD_LIKELY"}
MISSING = "RV_MISSING_INFO"
CSSRS_Q2_YES = {"questionnaires.cssrs.q2": True}
CSSRS_FOLLOW_UP_NO = {
    "questionnaires.cssrs.q3": False,
    "questionnaires.cssrs.q4": False,
    "questionnaires.cssrs.q5": False,
}


def vignette(name, changes, outcome, codes):
    return pytest.param(changes, outcome, frozenset(codes), id=name)


VIGNETTES = [
    vignette("example as given", {}, ELIGIBLE, BASE),
    # Suicide risk: any of these is urgent, whatever else is true.
    vignette("phq9 item 9 several days", {"questionnaires.phq9[8]": 1}, URGENT,
             BASE | {"RISK_PHQ9_ITEM9"}),
    vignette("phq9 item 9 nearly every day", {"questionnaires.phq9[8]": 3}, URGENT,
             BASE | {"RISK_PHQ9_ITEM9"}),
    vignette("cssrs wish to be dead only, phq9 item 9 zero (Louzon)",
             {"questionnaires.cssrs.q1": True}, URGENT, BASE | {"RISK_CSSRS_LOW"}),
    vignette("cssrs thoughts of suicide, no method intent or plan",
             {**CSSRS_Q2_YES, **CSSRS_FOLLOW_UP_NO}, URGENT, BASE | {"RISK_CSSRS_LOW"}),
    vignette("cssrs thought about how", {**CSSRS_Q2_YES, **CSSRS_FOLLOW_UP_NO,
                                         "questionnaires.cssrs.q3": True},
             URGENT, BASE | {"RISK_CSSRS_MODERATE"}),
    vignette("cssrs intention to act", {**CSSRS_Q2_YES, **CSSRS_FOLLOW_UP_NO,
                                        "questionnaires.cssrs.q4": True},
             URGENT, BASE | {"RISK_CSSRS_HIGH"}),
    vignette("cssrs plan with intent", {**CSSRS_Q2_YES, **CSSRS_FOLLOW_UP_NO,
                                        "questionnaires.cssrs.q5": True},
             URGENT, BASE | {"RISK_CSSRS_HIGH"}),
    vignette("cssrs behaviour in the past 3 months",
             {"questionnaires.cssrs.q6": True, "questionnaires.cssrs.q6_past_3_months": True},
             URGENT, BASE | {"RISK_CSSRS_HIGH"}),
    vignette("cssrs behaviour over 3 months ago",
             {"questionnaires.cssrs.q6": True, "questionnaires.cssrs.q6_past_3_months": False},
             URGENT, BASE | {"RISK_CSSRS_MODERATE"}),
    vignette("cssrs behaviour with timing unanswered is treated as recent",
             {"questionnaires.cssrs.q6": True}, URGENT, BASE | {"RISK_CSSRS_HIGH", MISSING}),
    vignette("cssrs q2 yes with q3-q5 unanswered", CSSRS_Q2_YES, URGENT,
             BASE | {"RISK_CSSRS_LOW", MISSING}),
    vignette("phq9 item 9 and cssrs intent together",
             {"questionnaires.phq9[8]": 2, **CSSRS_Q2_YES, **CSSRS_FOLLOW_UP_NO,
              "questionnaires.cssrs.q4": True},
             URGENT, BASE | {"RISK_PHQ9_ITEM9", "RISK_CSSRS_HIGH"}),
    vignette("cssrs not answered at all", {"questionnaires.cssrs": DELETE}, REVIEW,
             BASE | {MISSING}),
    vignette("phq9 item 9 unanswered is not reassuring", {"questionnaires.phq9[8]": None},
             REVIEW, BASE | {MISSING}),
    # Age, taken on the submission's own calendar day.
    vignette("18th birthday on the day of submission", {"about.date_of_birth": "2008-11-20"},
             ELIGIBLE, BASE),
    vignette("one day short of 18", {"about.date_of_birth": "2008-11-21"}, EXCLUDED,
             BASE | {"CI_AGE_UNDER_18"}),
    vignette("18 on the submission day in its own zone (UTC)",
             {"about.date_of_birth": "2008-11-21", "submitted_at": "2026-11-21T02:00:00Z"},
             ELIGIBLE, BASE),
    vignette("late evening in North Carolina is still the day before the birthday",
             {"about.date_of_birth": "2008-11-21", "submitted_at": "2026-11-20T23:30:00-05:00"},
             EXCLUDED, BASE | {"CI_AGE_UNDER_18"}),
    vignette("born 29 February, 28 February of a common year",
             {"about.date_of_birth": "2008-02-29", "submitted_at": "2026-02-28T12:00:00-05:00"},
             EXCLUDED, BASE | {"CI_AGE_UNDER_18"}),
    vignette("born 29 February, 1 March of a common year",
             {"about.date_of_birth": "2008-02-29", "submitted_at": "2026-03-01T12:00:00-05:00"},
             ELIGIBLE, BASE),
    vignette("17 with item 9 answered: urgent first", {"about.date_of_birth": "2010-01-01",
                                                       "questionnaires.phq9[8]": 1},
             URGENT, BASE | {"CI_AGE_UNDER_18", "RISK_PHQ9_ITEM9"}),
    # Absolute contraindications.
    vignette("aneurysm or AVM", {"medical.aneurysm_or_avm": "yes"}, EXCLUDED,
             BASE | {"CI_ANEURYSM_AVM"}),
    vignette("bleed in the brain", {"medical.brain_bleed": "yes"}, EXCLUDED,
             BASE | {"CI_INTRACEREBRAL_HEMORRHAGE"}),
    vignette("ketamine allergy answered yes", {"medical.ketamine_allergy": "yes"}, EXCLUDED,
             BASE | {"CI_KETAMINE_HYPERSENSITIVITY"}),
    vignette("esketamine named in the allergy list though the question says no",
             {"medical.allergies": ["penicillin", "Esketamine (hives)"]}, EXCLUDED,
             BASE | {"CI_KETAMINE_HYPERSENSITIVITY"}),
    vignette("pregnant", {"medical.pregnant": "yes"}, EXCLUDED, BASE | {"CI_PREGNANT"}),
    vignette("pregnancy not applicable is an answer", {"medical.pregnant": "not_applicable"},
             ELIGIBLE, BASE),
    vignette("pregnancy not applicable also answers planning one",
             {"medical.pregnant": "not_applicable", "medical.planning_pregnancy": DELETE},
             ELIGIBLE, BASE),
    vignette("pregnancy unsure", {"medical.pregnant": "unsure"}, REVIEW, BASE | {MISSING}),
    vignette("pregnancy question skipped for someone female at birth",
             {"medical.pregnant": DELETE}, REVIEW, BASE | {MISSING}),
    vignette("pregnancy questions skipped for someone male at birth",
             {"about.sex_at_birth": "male", "medical.pregnant": DELETE,
              "medical.breastfeeding": DELETE, "medical.planning_pregnancy": DELETE},
             ELIGIBLE, BASE),
    vignette("psychotic symptoms now", {"mental_health.psychosis_now": "yes"}, EXCLUDED,
             BASE | {"CI_PSYCHOSIS_CURRENT"}),
    vignette("schizoaffective diagnosis", {"mental_health.diagnoses": ["depression",
                                                                      "schizoaffective"]},
             EXCLUDED, BASE | {"CI_PSYCHOSIS_CURRENT"}),
    vignette("manic episode now", {"mental_health.mania_now": "yes"}, EXCLUDED,
             BASE | {"CI_MANIA_CURRENT"}),
    vignette("overactive thyroid not under control", {"medical.thyroid":
                                                      "overactive_uncontrolled"},
             EXCLUDED, BASE | {"CI_HYPERTHYROID_UNCONTROLLED"}),
    vignette("overactive thyroid under control", {"medical.thyroid": "overactive_controlled"},
             ELIGIBLE, BASE),
    vignette("raised pressure in the brain", {"medical.raised_intracranial_pressure": "yes"},
             EXCLUDED, BASE | {"CI_RAISED_PRESSURE_ACTIVE"}),
    vignette("untreated glaucoma", {"medical.glaucoma": "untreated"}, EXCLUDED,
             BASE | {"CI_RAISED_PRESSURE_ACTIVE"}),
    # Blood pressure: severe limits are inclusive, elevated limits are "above".
    vignette("systolic exactly 180 is in the crisis range", {"medical.bp_systolic": 180}, URGENT,
             NO_HTN | {"CI_BP_SEVERE", "RISK_BP_CRISIS"}),
    vignette("diastolic exactly 100", {"medical.bp_diastolic": 100}, EXCLUDED,
             NO_HTN | {"CI_BP_SEVERE"}),
    # The hypertensive-crisis range (180 systolic or 120 diastolic and above) is urgent, with
    # CI_BP_SEVERE as well, whatever the reading's date.
    vignette("250/150 is a hypertensive crisis",
             {"medical.bp_systolic": 250, "medical.bp_diastolic": 150}, URGENT,
             NO_HTN | {"RISK_BP_CRISIS", "CI_BP_SEVERE"}),
    vignette("180/90 is a crisis on the top number alone",
             {"medical.bp_systolic": 180, "medical.bp_diastolic": 90}, URGENT,
             NO_HTN | {"RISK_BP_CRISIS", "CI_BP_SEVERE"}),
    vignette("170/120 is a crisis on the bottom number alone",
             {"medical.bp_systolic": 170, "medical.bp_diastolic": 120}, URGENT,
             NO_HTN | {"RISK_BP_CRISIS", "CI_BP_SEVERE"}),
    vignette("179/119 is severe, not a crisis",
             {"medical.bp_systolic": 179, "medical.bp_diastolic": 119}, EXCLUDED,
             NO_HTN | {"CI_BP_SEVERE"}),
    vignette("a crisis reading from years ago is still urgent",
             {"medical.bp_systolic": 250, "medical.bp_diastolic": 150,
              "medical.bp_measured_on": "2019-01-05"}, URGENT,
             NO_HTN | {"RISK_BP_CRISIS", "CI_BP_SEVERE"}),
    vignette("a crisis reading with no known hypertension",
             {"medical.hypertension": "no", "medical.bp_systolic": 200,
              "medical.bp_diastolic": 125}, URGENT,
             NO_HTN | {"RISK_BP_CRISIS", "CI_BP_SEVERE"}),
    vignette("a crisis reading and suicide risk together",
             {"medical.bp_systolic": 250, "medical.bp_diastolic": 150,
              "questionnaires.cssrs.q1": True}, URGENT,
             NO_HTN | {"RISK_CSSRS_LOW", "RISK_BP_CRISIS", "CI_BP_SEVERE"}),
    vignette("179/99 is elevated, not severe",
             {"medical.bp_systolic": 179, "medical.bp_diastolic": 99}, REVIEW,
             NO_HTN | {"RV_BP_ELEVATED"}),
    vignette("140/90 is within limits", {"medical.bp_systolic": 140, "medical.bp_diastolic": 90},
             ELIGIBLE, BASE),
    vignette("141 systolic is elevated", {"medical.bp_systolic": 141}, REVIEW,
             NO_HTN | {"RV_BP_ELEVATED"}),
    vignette("91 diastolic is elevated", {"medical.bp_diastolic": 91}, REVIEW,
             NO_HTN | {"RV_BP_ELEVATED"}),
    vignette("66 years old at 145 is within the over-65 limit",
             {"about.date_of_birth": "1960-11-20", "medical.bp_systolic": 145}, ELIGIBLE, BASE),
    vignette("66 years old at 151 is elevated",
             {"about.date_of_birth": "1960-11-20", "medical.bp_systolic": 151}, REVIEW,
             NO_HTN | {"RV_BP_ELEVATED"}),
    vignette("exactly 65 at 145 uses the under-65 limit",
             {"about.date_of_birth": "1961-11-20", "medical.bp_systolic": 145}, REVIEW,
             NO_HTN | {"RV_BP_ELEVATED"}),
    vignette("hypertension untreated", {"medical.hypertension": "untreated"}, EXCLUDED,
             NO_HTN | {"CI_BP_SEVERE"}),
    vignette("hypertension not under control", {"medical.hypertension": "uncontrolled"},
             EXCLUDED, NO_HTN | {"CI_BP_SEVERE"}),
    vignette("no hypertension and no reading", {"medical.hypertension": "no",
                                                "medical.bp_systolic": DELETE,
                                                "medical.bp_diastolic": DELETE},
             ELIGIBLE, NO_HTN),
    vignette("no known hypertension but a high reading",
             {"medical.hypertension": "no", "medical.bp_systolic": 152}, REVIEW,
             NO_HTN | {"RV_BP_ELEVATED"}),
    vignette("treated hypertension without a reading",
             {"medical.bp_systolic": DELETE, "medical.bp_diastolic": DELETE}, REVIEW,
             NO_HTN | {MISSING}),
    vignette("hypertension unsure", {"medical.hypertension": "unsure"}, REVIEW,
             NO_HTN | {MISSING}),
    # Relative contraindications and precautions.
    vignette("psychosis in the past", {"mental_health.psychosis_past": "yes"}, REVIEW,
             BASE | {"RV_PSYCHOSIS_HISTORY"}),
    vignette("psychosis in a parent or sibling", {"mental_health.psychosis_family": "yes"},
             REVIEW, BASE | {"RV_PSYCHOSIS_HISTORY"}),
    vignette("bipolar without mania", {"mental_health.diagnoses": ["depression", "bipolar"]},
             REVIEW, BASE | {"RV_BIPOLAR"}),
    vignette("bipolar with mania now", {"mental_health.diagnoses": ["bipolar"],
                                        "mental_health.mania_now": "yes"},
             EXCLUDED, BASE | {"CI_MANIA_CURRENT"}),
    vignette("bipolar with mania unsure", {"mental_health.diagnoses": ["bipolar"],
                                           "mental_health.mania_now": "unsure"},
             REVIEW, BASE | {"RV_BIPOLAR", MISSING}),
    vignette("heart failure", {"medical.heart_failure": "yes"}, REVIEW,
             BASE | {"RV_CARDIOVASCULAR"}),
    vignette("stent in the past year and irregular heartbeat",
             {"medical.stent_or_bypass_12_months": "yes", "medical.arrhythmia": "yes"}, REVIEW,
             BASE | {"RV_CARDIOVASCULAR"}),
    vignette("TIA", {"medical.stroke_or_tia": "yes"}, REVIEW, BASE | {"RV_STROKE_BRAIN_INJURY"}),
    vignette("brain shunt", {"medical.brain_shunt": "yes"}, REVIEW,
             BASE | {"RV_STROKE_BRAIN_INJURY"}),
    vignette("glaucoma under treatment", {"medical.glaucoma": "treated"}, REVIEW,
             BASE | {"RV_EYE_PRESSURE_TREATED"}),
    vignette("eye injury", {"medical.eye_injury": "yes"}, REVIEW,
             BASE | {"RV_EYE_PRESSURE_TREATED"}),
    vignette("seizure disorder", {"medical.seizures": "yes"}, REVIEW, BASE | {"RV_SEIZURES"}),
    vignette("moderate liver disease", {"medical.liver_disease": "moderate"}, REVIEW,
             BASE | {"RV_LIVER"}),
    vignette("sleep apnea", {"medical.sleep_apnea": "yes"}, REVIEW,
             BASE | {"RV_BREATHING_SEDATION"}),
    vignette("interstitial cystitis", {"medical.bladder_problems": "yes"}, REVIEW,
             BASE | {"RV_BLADDER"}),
    vignette("breastfeeding", {"medical.breastfeeding": "yes"}, REVIEW,
             BASE | {"RV_BREASTFEEDING_OR_PLANNING"}),
    vignette("planning a pregnancy", {"medical.planning_pregnancy": "yes"}, REVIEW,
             BASE | {"RV_BREASTFEEDING_OR_PLANNING"}),
    vignette("dementia", {"medical.dementia": "yes"}, REVIEW, BASE | {"RV_DEMENTIA"}),
    vignette("substance problem in the past 3 months",
             {"substances.problem_past_3_months": "yes"}, REVIEW, BASE | {"RV_SUBSTANCE_USE"}),
    vignette("heavy daily drinking", {"substances.alcohol": "heavy_daily"}, REVIEW,
             BASE | {"RV_SUBSTANCE_USE"}),
    vignette("daily (not heavy) drinking", {"substances.alcohol": "daily"}, ELIGIBLE, BASE),
    vignette("cannabis in the past month", {"substances.cannabis": "past_month"}, REVIEW,
             BASE | {"RV_SUBSTANCE_USE"}),
    vignette("non-prescribed stimulants in the past month",
             {"substances.stimulants_nonprescribed": "past_month"}, REVIEW,
             BASE | {"RV_SUBSTANCE_USE"}),
    vignette("ketamine misuse ever", {"substances.dissociative_misuse_ever": "yes"}, REVIEW,
             BASE | {"RV_DISSOCIATIVE_MISUSE"}),
    vignette("dissociative use in the past year", {"substances.dissociatives": "past_year"},
             REVIEW, BASE | {"RV_DISSOCIATIVE_MISUSE"}),
    vignette("dissociative use in the past month",
             {"substances.dissociatives": "past_month"}, REVIEW,
             BASE | {"RV_DISSOCIATIVE_MISUSE", "RV_SUBSTANCE_USE"}),
    vignette("bad reaction to anaesthesia", {"medical.prior_anesthesia_or_ketamine_reaction":
                                             "yes"},
             REVIEW, BASE | {"RV_PRIOR_KETAMINE_REACTION"}),
    vignette("benzodiazepine", {"medications.classes": ["lamotrigine", "benzodiazepine"]},
             REVIEW, BASE | {"RV_MED_SEDATIVE"}),
    vignette("opioid", {"medications.classes": ["opioid"]}, REVIEW,
             (BASE - {"IN_LAMOTRIGINE"}) | {"RV_MED_SEDATIVE"}),
    vignette("psychostimulant", {"medications.classes": ["lamotrigine", "stimulant"]}, REVIEW,
             BASE | {"RV_MED_STIMULANT"}),
    vignette("MAO inhibitor", {"medications.classes": ["lamotrigine", "maoi"]}, REVIEW,
             BASE | {"RV_MED_MAOI"}),
    vignette("memantine needs no flag", {"medications.classes": ["lamotrigine", "memantine"]},
             ELIGIBLE, BASE),
    vignette("no medication classes", {"medications.classes": []}, ELIGIBLE,
             BASE - {"IN_LAMOTRIGINE"}),
    # Treatment resistance: adequate = at least 6 weeks in this episode; failed = 25% or less.
    vignette("only one failed trial", {"mental_health.antidepressant_trials[1].improvement":
                                       "partial"},
             REVIEW, NO_TRD | {"RV_TRD_NOT_ESTABLISHED"}),
    vignette("exactly 6 weeks counts", {"mental_health.antidepressant_trials[0].weeks": 6},
             ELIGIBLE, BASE),
    vignette("5 weeks is too short", {"mental_health.antidepressant_trials[0].weeks": 5},
             REVIEW, NO_TRD | {"RV_TRD_NOT_ESTABLISHED"}),
    vignette("a trial in an earlier episode does not count",
             {"mental_health.antidepressant_trials[1].current_episode": False}, REVIEW,
             NO_TRD | {"RV_TRD_NOT_ESTABLISHED"}),
    vignette("a trial with weeks unanswered is unclear",
             {"mental_health.antidepressant_trials[1].weeks": DELETE}, REVIEW,
             NO_TRD | {"RV_TRD_NOT_ESTABLISHED", MISSING}),
    vignette("an unclear trial is not chased once two have failed",
             {"mental_health.antidepressant_trials[2].weeks": 8}, ELIGIBLE, BASE),
    vignette("an unclear trial is chased while it could make the difference",
             {"mental_health.antidepressant_trials[2].weeks": 8,
              "mental_health.antidepressant_trials[1].improvement": "partial"},
             REVIEW, NO_TRD | {"RV_TRD_NOT_ESTABLISHED", MISSING}),
    vignette("no antidepressant trials", {"mental_health.antidepressant_trials": []}, REVIEW,
             NO_TRD | {"RV_TRD_NOT_ESTABLISHED"}),
    vignette("trials question not answered", {"mental_health.antidepressant_trials": DELETE},
             REVIEW, NO_TRD | {MISSING}),
    # Questionnaire totals.
    vignette("PHQ-9 total 9 is below the consultation level",
             {"questionnaires.phq9": [1, 1, 1, 1, 1, 1, 1, 2, 0]}, REVIEW,
             BASE | {"RV_DEPRESSION_BELOW_THRESHOLD"}),
    vignette("PHQ-9 total 10 is at the consultation level",
             {"questionnaires.phq9": [1, 1, 1, 1, 1, 1, 2, 2, 0]}, ELIGIBLE, BASE),
    vignette("PHQ-9 item left blank", {"questionnaires.phq9[2]": None}, REVIEW,
             BASE | {MISSING}),
    vignette("GAD-7 total 10", {"questionnaires.gad7": [2, 2, 2, 1, 1, 1, 1]}, ELIGIBLE,
             BASE | {"IN_ANXIETY_SIGNIFICANT"}),
    vignette("GAD-7 item left blank", {"questionnaires.gad7[6]": None}, REVIEW,
             BASE | {MISSING}),
    # Missing sections and "don't know".
    vignette("several unsure answers give one missing-info flag",
             {"medical.dementia": "unsure", "medical.seizures": "unsure",
              "medical.liver_disease": "unsure"}, REVIEW, BASE | {MISSING}),
    vignette("no about section (no date of birth)", {"about": DELETE}, REVIEW,
             BASE | {MISSING}),
    vignette("no care team section", {"care_team": DELETE}, ELIGIBLE, BASE),
    vignette("no mental health section", {"mental_health": DELETE}, REVIEW, NO_TRD | {MISSING}),
    vignette("no questionnaires", {"questionnaires": DELETE}, REVIEW, BASE | {MISSING}),
    vignette("no medical section", {"medical": DELETE}, REVIEW, NO_HTN | {MISSING}),
    vignette("no substances section", {"substances": DELETE}, REVIEW, BASE | {MISSING}),
    vignette("no medications section", {"medications": DELETE}, REVIEW,
             (BASE - {"IN_LAMOTRIGINE"}) | {MISSING}),
    vignette("only the format", {key: DELETE for key in example_intake() if key != "format"},
             REVIEW, {"IN_ESCORT_NEEDED", MISSING}),
    vignette("unknown keys are ignored", {"medical.future_question": "yes",
                                          "extra_section": {"anything": [1, 2]}},
             ELIGIBLE, BASE),
    # Combinations: the most urgent outcome wins and every finding is still listed.
    vignette("brain bleed and item 9", {"medical.brain_bleed": "yes",
                                        "questionnaires.phq9[8]": 2},
             URGENT, BASE | {"CI_INTRACEREBRAL_HEMORRHAGE", "RISK_PHQ9_ITEM9"}),
    vignette("pregnant, treated glaucoma and unsure about dementia",
             {"medical.pregnant": "yes", "medical.glaucoma": "treated",
              "medical.dementia": "unsure"},
             EXCLUDED, BASE | {"CI_PREGNANT", "RV_EYE_PRESSURE_TREATED", MISSING}),
    vignette("bipolar on a benzodiazepine, drinking heavily",
             {"mental_health.diagnoses": ["bipolar"], "substances.alcohol": "heavy_daily",
              "medications.classes": ["benzodiazepine", "lamotrigine"]},
             REVIEW, BASE | {"RV_BIPOLAR", "RV_MED_SEDATIVE", "RV_SUBSTANCE_USE"}),
    vignette("severe blood pressure with untreated glaucoma and a wish to be dead",
             {"medical.bp_systolic": 185, "medical.glaucoma": "untreated",
              "questionnaires.cssrs.q1": True},
             URGENT, NO_HTN | {"CI_BP_SEVERE", "CI_RAISED_PRESSURE_ACTIVE", "RISK_CSSRS_LOW",
                               "RISK_BP_CRISIS"}),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "outcome", "codes"), VIGNETTES)
def test_vignette(changes, outcome, codes):
    result = screen(with_answers(example_intake(), changes))

    assert (result.outcome, set(result.codes)) == (outcome, set(codes))
    assert len(result.flags) == len(result.codes), "a rule fired twice"


def test_every_rule_is_exercised_by_some_vignette():
    expected = set().union(*(param.values[2] for param in VIGNETTES))
    assert {rule.code for rule in RULES} <= expected


# --- A reading in the crisis range: urgent for a medical reason, after suicide risk --------------

CRISIS_READING = {"medical.bp_systolic": 250, "medical.bp_diastolic": 150}


@pytest.mark.parametrize(
    "cssrs",
    [
        {},
        {"questionnaires.cssrs.q1": True},
        {**CSSRS_Q2_YES, **CSSRS_FOLLOW_UP_NO, "questionnaires.cssrs.q3": True},
        {**CSSRS_Q2_YES, **CSSRS_FOLLOW_UP_NO, "questionnaires.cssrs.q4": True},
        {"questionnaires.cssrs": DELETE},
    ],
    ids=["none", "low", "moderate", "high", "unanswered"],
)
def test_a_crisis_reading_leaves_the_cssrs_risk_level_as_it_was(cssrs):
    without = screen(with_answers(example_intake(), cssrs))
    with_reading = screen(with_answers(example_intake(), {**cssrs, **CRISIS_READING}))

    assert with_reading.scores.cssrs_risk == without.scores.cssrs_risk
    assert "RISK_BP_CRISIS" in with_reading.codes
    assert with_reading.outcome == URGENT


def test_suicide_risk_flags_come_before_the_crisis_reading():
    result = screen(
        with_answers(
            example_intake(),
            {**CRISIS_READING, "questionnaires.phq9[8]": 1, "questionnaires.cssrs.q1": True},
        )
    )

    codes = [flag.code for flag in result.flags]
    assert codes[:3] == ["RISK_PHQ9_ITEM9", "RISK_CSSRS_LOW", "RISK_BP_CRISIS"]
    assert result.flag("RISK_BP_CRISIS").evidence == (
        Evidence("medical.bp_systolic", 250),
        Evidence("medical.bp_diastolic", 150),
    )


@pytest.mark.parametrize(
    ("reading", "codes"),
    [
        ((165, 95), {"RISK_BP_CRISIS", "CI_BP_SEVERE"}),
        ((150, 110), {"RISK_BP_CRISIS", "CI_BP_SEVERE"}),
        ((159, 109), {"RV_BP_ELEVATED"}),
    ],
)
def test_crisis_limits_follow_the_clinic_and_a_crisis_reading_is_always_severe(reading, codes):
    # Crisis limits set below the severe ones: a reading in the crisis range is severe too.
    th = DEFAULT_THRESHOLDS.replace(
        bp_crisis_systolic=160,
        bp_crisis_diastolic=110,
        bp_severe_systolic=200,
        bp_severe_diastolic=115,
    )
    systolic, diastolic = reading
    result = screen(
        with_answers(
            example_intake(),
            {"medical.bp_systolic": systolic, "medical.bp_diastolic": diastolic},
        ),
        th,
    )

    assert set(result.codes) - NO_HTN == codes


def test_crisis_range_is_inclusive_at_both_limits():
    th = DEFAULT_THRESHOLDS
    assert th.bp_in_crisis_range(180, 80)
    assert th.bp_in_crisis_range(150, 120)
    assert not th.bp_in_crisis_range(179, 119)
    assert not th.bp_in_crisis_range(None, None)
    assert th.bp_in_crisis_range(None, 130)
