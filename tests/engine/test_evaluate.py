"""The evaluator (screening/engine/evaluate.py): the plan it makes of the table, the order of
missing information, the outcome, the scores and the thresholds it screens with."""

from datetime import date, datetime

from screening.engine import RULES, RULESET_VERSION, Thresholds, screen
from screening.engine import evaluate as evaluate_module
from screening.engine.evaluate import _PLAN, _Plan
from screening.engine.result import Evidence, Flag, Result, Scores
from screening.engine.thresholds import DEFAULT_THRESHOLDS
from tests.engine.quiet_intake import DELETE, QUIET_FLAGS, changed, intake, missing, screened

MISSING = "RV_MISSING_INFO"

# --- The plan ------------------------------------------------------------------------------------


def _steps(rules):
    """Needed keys and needs functions, each once, in table order."""
    steps = []
    for rule in rules:
        for step in (*rule.needed_keys, rule.needs_function):
            if step is not None and step not in steps:
                steps.append(step)
    return steps


def test_the_plan_is_made_from_the_table_as_it_is_now():
    # Made here, not only when the module is imported.
    plan = _Plan(RULES)

    steps = _steps(RULES)
    keys = [step for step in steps if isinstance(step, str)]
    assert plan.position == {step: index for index, step in enumerate(steps)}
    assert plan.needs_functions == tuple(step for step in steps if not isinstance(step, str))
    assert plan.needed == frozenset(keys)
    assert plan.needed_unsure == frozenset((key, "unsure") for key in keys)
    assert plan.rules == tuple(
        (rule.when, (rule.code, rule.severity, rule.title, rule.rationale, rule.source))
        for rule in RULES
    )
    assert plan.always == tuple(
        i for i, rule in enumerate(RULES) if not hasattr(rule.when, "firing")
    )
    pairs = {
        (key, answer): frozenset(
            i
            for i, rule in enumerate(RULES)
            if answer in getattr(rule.when, "firing", {}).get(key, ())
        )
        for rule in RULES
        for key, answers in getattr(rule.when, "firing", {}).items()
        for answer in answers
    }
    assert plan.by_pair == pairs
    assert plan.firing_pairs == frozenset(pairs)
    assert vars(plan) == vars(_PLAN)


def test_the_plan_lists_the_needs_functions_and_keys_of_the_table():
    plan = _Plan(RULES)

    assert [f.__name__ for f in plan.needs_functions] == [
        "phq9_item9_needs",
        "cssrs_needs",
        "pregnancy_needs",
        "bp_needs",
        "breastfeeding_or_planning_needs",
        "trial_needs",
        "phq9_needs",
        "gad7_needs",
    ]
    assert len(plan.needed) == 38
    assert plan.position["about.date_of_birth"] == 2
    assert ("medical.glaucoma", "treated") in plan.firing_pairs
    assert ("medical.glaucoma", "no") not in plan.firing_pairs
    assert len(plan.rules) == len(RULES)


def test_the_rules_to_run_are_the_always_ones_and_those_an_answer_fires():
    plan = _Plan(RULES)
    codes = [rule.code for rule in RULES]
    eye = codes.index("RV_EYE_PRESSURE_TREATED")
    raised = codes.index("CI_RAISED_PRESSURE_ACTIVE")
    misuse = codes.index("RV_DISSOCIATIVE_MISUSE")
    substance = codes.index("RV_SUBSTANCE_USE")

    assert plan.to_run(set()) == plan.always
    assert list(plan.to_run({("medical.glaucoma", "treated")})) == sorted({*plan.always, eye})
    both = {("medical.glaucoma", "untreated"), ("substances.dissociatives", "past_month")}
    assert list(plan.to_run(both)) == sorted({*plan.always, raised, misuse, substance})


def test_an_empty_table_flags_nothing_and_is_eligible(monkeypatch):
    monkeypatch.setattr(evaluate_module, "_PLAN", _Plan(()))

    result = screen(intake())

    assert result.flags == ()
    assert result.outcome == "eligible_for_consultation"


def test_a_table_of_needs_only_lists_missing_info(monkeypatch):
    missing_rule = next(rule for rule in RULES if rule.code == MISSING)
    table = tuple(rule for rule in RULES if rule.code in {"CI_PREGNANT", MISSING})
    monkeypatch.setattr(evaluate_module, "_PLAN", _Plan(table))

    assert screened({"medical.pregnant": "unsure"}) == {
        MISSING: missing(("medical.pregnant", "unsure"))
    }
    assert screened() == {}
    assert missing_rule.needs == ()


# --- Missing information, in table order ---------------------------------------------------------

EVERY_NEEDED_KEY = [
    "questionnaires.phq9",
    "questionnaires.cssrs",
    "about.date_of_birth",
    "medical.aneurysm_or_avm",
    "medical.brain_bleed",
    "medical.ketamine_allergy",
    "medical.pregnant",
    "mental_health.psychosis_now",
    "mental_health.diagnoses",
    "mental_health.mania_now",
    "medical.hypertension",
    "medical.bp_systolic",
    "medical.bp_diastolic",
    "medical.thyroid",
    "medical.raised_intracranial_pressure",
    "medical.glaucoma",
    "substances.dissociative_misuse_ever",
    "substances.dissociatives",
    "mental_health.psychosis_past",
    "mental_health.psychosis_family",
    "medical.heart_attack_12_months",
    "medical.unstable_angina",
    "medical.stent_or_bypass_12_months",
    "medical.heart_failure",
    "medical.arrhythmia",
    "medical.stroke_or_tia",
    "medical.hypertensive_encephalopathy",
    "medical.head_injury_lasting",
    "medical.brain_shunt",
    "medical.eye_injury",
    "medical.seizures",
    "medical.liver_disease",
    "medical.sleep_apnea",
    "medical.severe_lung_disease",
    "medical.bladder_problems",
    "medical.breastfeeding",
    "medical.planning_pregnancy",
    "medical.dementia",
    "substances.problem_past_3_months",
    "substances.alcohol",
    "substances.cannabis",
    "substances.stimulants_nonprescribed",
    "substances.opioids_nonprescribed",
    "substances.sedatives_nonprescribed",
    "medical.prior_anesthesia_or_ketamine_reaction",
    "medications.classes",
    "mental_health.antidepressant_trials",
    "questionnaires.gad7",
]


def test_an_empty_intake_lists_every_needed_answer_in_table_order():
    result = screen({"format": "clinic-intake/1", "submitted_at": "2026-11-20T15:04:00Z"})

    assert result.outcome == "needs_review"
    assert [flag.code for flag in result.flags] == [MISSING, "IN_ESCORT_NEEDED"]
    assert result.flag(MISSING).evidence == missing(*[(key, None) for key in EVERY_NEEDED_KEY])
    assert result.flag("IN_ESCORT_NEEDED").evidence == ()


def test_absent_unsure_and_derived_gaps_are_merged_in_table_order_each_once():
    unclear = {"medication": "x", "weeks": None, "current_episode": True, "improvement": "unsure"}
    changes = {
        "questionnaires.phq9": [None, 1, None, 1, 1, 1, 1, 2, None],
        "medical.aneurysm_or_avm": DELETE,
        "medical.hypertension": "controlled",
        "medical.glaucoma": "unsure",
        "mental_health.antidepressant_trials": [unclear],
        "medical.dementia": "unsure",
    }

    flags = changed(changes)

    assert flags[MISSING] == missing(
        ("questionnaires.phq9[8]", None),  # RISK_PHQ9_ITEM9 needs it first
        ("medical.aneurysm_or_avm", None),
        ("medical.bp_systolic", None),
        ("medical.bp_diastolic", None),
        ("medical.glaucoma", "unsure"),
        ("medical.dementia", "unsure"),
        ("mental_health.antidepressant_trials[0].weeks", None),
        ("mental_health.antidepressant_trials[0].improvement", "unsure"),
        ("questionnaires.phq9[0]", None),
        ("questionnaires.phq9[2]", None),
    )


def test_only_an_unsure_answer_is_missing_info():
    assert changed({"medical.seizures": "unsure"}) == {
        MISSING: missing(("medical.seizures", "unsure"))
    }


def test_only_an_absent_answer_is_missing_info():
    assert changed({"medical.seizures": DELETE}) == {MISSING: missing(("medical.seizures", None))}


def test_only_a_derived_gap_is_missing_info():
    assert changed({"questionnaires.gad7[6]": None}) == {
        MISSING: missing(("questionnaires.gad7[6]", None))
    }


# --- The result ----------------------------------------------------------------------------------


def test_the_result_carries_the_version_the_thresholds_the_scores_and_the_flags():
    result = screen(intake())

    assert type(result) is Result
    assert result.ruleset_version == RULESET_VERSION == "2026.12-1"
    assert result.thresholds is DEFAULT_THRESHOLDS
    assert type(result.scores) is Scores
    assert type(result.flags) is tuple
    for flag in result.flags:
        assert type(flag) is Flag
        assert type(flag.evidence) is tuple
        rule = next(rule for rule in RULES if rule.code == flag.code)
        assert flag[:5] == (rule.code, rule.severity, rule.title, rule.rationale, rule.source)
    assert {flag.code: flag.evidence for flag in result.flags} == QUIET_FLAGS


def test_the_clinics_thresholds_are_used_and_returned():
    th = Thresholds(phq9_consult_min=11)

    result = screen(intake(), thresholds=th)

    assert result.thresholds is th
    assert result.flag("RV_DEPRESSION_BELOW_THRESHOLD") is not None
    assert screen(intake(), thresholds=None).thresholds is DEFAULT_THRESHOLDS


def test_the_outcome_is_the_most_severe_flags():
    assert screen(intake()).outcome == "eligible_for_consultation"
    assert screen(intake({"medical.seizures": "yes"})).outcome == "needs_review"
    assert screen(intake({"medical.seizures": "yes", "medical.pregnant": "yes"})).outcome == (
        "likely_excluded"
    )
    both = {"medical.pregnant": "yes", "questionnaires.cssrs.q1": True}
    assert screen(intake(both)).outcome == "urgent"


def test_every_score_is_reported():
    changes = {
        "questionnaires.phq9": [3, 3, 3, 3, 3, 3, 0, 0, 0],
        "questionnaires.gad7": [3, 3, 3, 3, 3, 0, 0],
        "questionnaires.cssrs.q1": True,
        "mental_health.antidepressant_trials": [
            {"weeks": 8, "current_episode": True, "improvement": "none"},
            {"weeks": None, "current_episode": True, "improvement": "none"},
            {"weeks": 8, "current_episode": None, "improvement": "none"},
        ],
        "medical.height_cm": 180,
        "medical.weight_kg": 81,
        "about.date_of_birth": "1960-11-21",
    }

    scores = screen(intake(changes)).scores

    assert scores == Scores(
        phq9_total=18,
        phq9_band="moderately_severe",
        gad7_total=15,
        gad7_band="severe",
        cssrs_risk="low",
        failed_adequate_trials=1,
        unclear_trials=2,
        bmi=25.0,
        age=65,
    )


def test_the_age_without_a_submission_time_is_on_the_day_given():
    data = intake({"submitted_at": DELETE})

    assert screen(data, now=date(2027, 3, 13)).scores.age == 39
    assert screen(data, now=datetime(2027, 3, 14, 9, 0)).scores.age == 40
    assert screen(intake(), now=date(2040, 1, 1)).scores.age == 39  # submitted_at wins


def test_an_unsure_answer_is_quoted_not_marked_missing():
    flags = screened({"medical.seizures": "unsure"})

    (entry,) = flags[MISSING]
    assert entry == Evidence("medical.seizures", "unsure", False)
    assert entry.to_dict() == {"key": "medical.seizures", "answer": "unsure"}
