"""Scores and derived facts (screening/engine/scoring.py): every total's band, the extremes of
each scale, the C-SSRS triage for every combination of answers, adequate and unclear trials."""

import itertools

import pytest

from screening.engine import screen
from screening.engine.intake import parse_intake
from screening.engine.result import Evidence
from screening.engine.scoring import (
    GAD7_BANDS,
    PHQ9_BANDS,
    Facts,
    assess_cssrs,
    assess_trials,
    band,
    bmi,
    gad7_band,
    phq9_band,
    total,
    unanswered_items,
)
from screening.engine.thresholds import DEFAULT_THRESHOLDS
from tests.engine.quiet_intake import DELETE, QUIET, changed, intake, missing

# --- Bands ---------------------------------------------------------------------------------------

# the clinical reference (the bands in docs/screening-rules.md), as (lowest, highest, band).
PHQ9_REFERENCE = [
    (0, 4, "minimal"),
    (5, 9, "mild"),
    (10, 14, "moderate"),
    (15, 19, "moderately_severe"),
    (20, 27, "severe"),
]
GAD7_REFERENCE = [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe")]


def _by_total(reference):
    return {score: name for low, high, name in reference for score in range(low, high + 1)}


def test_the_band_tables_are_the_reference():
    assert tuple((high, name) for _, high, name in PHQ9_REFERENCE) == PHQ9_BANDS
    assert tuple((high, name) for _, high, name in GAD7_REFERENCE) == GAD7_BANDS


@pytest.mark.parametrize(("score", "name"), sorted(_by_total(PHQ9_REFERENCE).items()))
def test_every_phq9_total_has_its_band(score, name):
    assert phq9_band(score) == name
    assert band(score, PHQ9_BANDS) == name


@pytest.mark.parametrize(("score", "name"), sorted(_by_total(GAD7_REFERENCE).items()))
def test_every_gad7_total_has_its_band(score, name):
    assert gad7_band(score) == name
    assert band(score, GAD7_BANDS) == name


def test_no_total_no_band():
    assert phq9_band(None) is None
    assert gad7_band(None) is None
    assert band(None, PHQ9_BANDS) is None


def test_a_score_above_the_table_takes_its_last_band():
    assert band(28, PHQ9_BANDS) == "severe"
    assert band(3, ((1, "low"), (2, "middle"), (2, "high"))) == "high"


def _scores(changes):
    return screen(intake(changes)).scores


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([0] * 9, (0, "minimal")),
        ([3] * 9, (27, "severe")),
        ([3] * 8 + [2], (26, "severe")),
        ([1] * 5 + [0] * 4, (5, "mild")),
        ([1] * 4 + [0] * 5, (4, "minimal")),
    ],
)
def test_phq9_extremes_are_screened(items, expected):
    scores = _scores({"questionnaires.phq9": items})

    assert (scores.phq9_total, scores.phq9_band) == expected


def test_phq9_at_27_is_severe_and_urgent_for_item_9():
    result = screen(intake({"questionnaires.phq9": [3] * 9}))

    assert result.outcome == "urgent"
    assert result.flag("RISK_PHQ9_ITEM9").evidence == (Evidence("questionnaires.phq9[8]", 3),)
    assert result.flag("RV_DEPRESSION_BELOW_THRESHOLD") is None


def test_phq9_at_0_is_below_the_level_for_a_consultation():
    flags = changed({"questionnaires.phq9": [0] * 9})

    assert flags == {
        "RV_DEPRESSION_BELOW_THRESHOLD": (Evidence("questionnaires.phq9", [0] * 9),),
    }


@pytest.mark.parametrize(
    ("items", "expected", "anxious"),
    [
        ([0] * 7, (0, "minimal"), False),
        ([3] * 7, (21, "severe"), True),
        ([3] * 6 + [2], (20, "severe"), True),
        ([3, 3, 3, 1, 0, 0, 0], (10, "moderate"), True),
        ([3, 3, 3, 0, 0, 0, 0], (9, "mild"), False),
    ],
)
def test_gad7_extremes_are_screened(items, expected, anxious):
    result = screen(intake({"questionnaires.gad7": items}))

    assert (result.scores.gad7_total, result.scores.gad7_band) == expected
    anxiety = result.flag("IN_ANXIETY_SIGNIFICANT")
    assert (anxiety.evidence if anxiety else None) == (
        (Evidence("questionnaires.gad7", items),) if anxious else None
    )


# --- Totals and unanswered items -----------------------------------------------------------------


def test_a_total_needs_every_item():
    assert total(None) is None
    assert total([1, None, 1]) is None
    assert total([None]) is None
    assert total([0, 0]) == 0
    assert total([3, 2, 1]) == 6


def test_unanswered_items_are_named_one_by_one():
    assert unanswered_items(None, "q") == [("q", None)]
    assert unanswered_items([0, 1, 2], "q") == []
    assert unanswered_items([None, 1, None], "q") == [("q[0]", None), ("q[2]", None)]


def test_a_partial_phq9_lists_each_unanswered_item_and_has_no_total():
    items = [1, None, 2, 2, 2, None, 2, 2, 0]

    result = screen(intake({"questionnaires.phq9": items}))

    assert result.scores.phq9_total is None
    assert result.scores.phq9_band is None
    assert result.flag("RV_MISSING_INFO").evidence == missing(
        ("questionnaires.phq9[1]", None), ("questionnaires.phq9[5]", None)
    )


# --- C-SSRS --------------------------------------------------------------------------------------

CSSRS = "questionnaires.cssrs"
NAMES = ("q1", "q2", "q3", "q4", "q5", "q6", "q6_past_3_months")


def _key(name):
    return f"{CSSRS}.{name}"


def reference_cssrs(answers):
    """The screener as the clinical reference words it (section 2), written plainly."""
    q = dict(zip(NAMES, answers, strict=True))
    needed = [name for name in ("q1", "q2") if q[name] is None]
    if q["q2"] is True:
        needed += [name for name in ("q3", "q4", "q5") if q[name] is None]
    if q["q6"] is None:
        needed.append("q6")
    elif q["q6"] is True and q["q6_past_3_months"] is None:
        needed.append("q6_past_3_months")
    needed = [(_key(name), None) for name in needed]

    # Behaviour with its timing unknown is taken as recent.
    recent_behaviour = q["q6"] is True and q["q6_past_3_months"] is not False
    high = [name for name in ("q4", "q5") if q[name] is True]
    if recent_behaviour:
        high.append("q6")
        if q["q6_past_3_months"] is True:
            high.append("q6_past_3_months")
    if high:
        return "high", [(_key(name), True) for name in high], needed
    moderate = [(_key("q3"), True)] if q["q3"] is True else []
    if q["q6"] is True:
        moderate += [(_key("q6"), True), (_key("q6_past_3_months"), False)]
    if moderate:
        return "moderate", moderate, needed
    low = [(_key(name), True) for name in ("q1", "q2") if q[name] is True]
    return ("low" if low else "none"), low, needed


def _exactly(value):
    """A value with the types of what is in it: True and 1, False and 0 compare equal."""
    if isinstance(value, (list, tuple)):
        return [_exactly(item) for item in value]
    return (type(value).__name__, value)


def test_every_combination_of_cssrs_answers_is_triaged_as_the_reference():
    for answers in itertools.product((None, True, False), repeat=len(NAMES)):
        cssrs = dict(zip(NAMES, answers, strict=True))

        assert _exactly(assess_cssrs(cssrs)) == _exactly(reference_cssrs(answers)), cssrs


def test_cssrs_keys_left_out_are_unanswered():
    assert _exactly(assess_cssrs({})) == _exactly(reference_cssrs((None,) * 7))
    assert _exactly(assess_cssrs({"q2": True, "q4": True})) == _exactly(
        reference_cssrs((None, True, None, True, None, None, None))
    )


def test_no_cssrs_at_all_is_needed_as_a_whole():
    assert assess_cssrs(None) == ("none", [], [(CSSRS, None)])


@pytest.mark.parametrize(
    ("answers", "code", "evidence"),
    [
        ({"q1": True}, "RISK_CSSRS_LOW", [("q1", True)]),
        ({"q2": True, "q3": False, "q4": False, "q5": False}, "RISK_CSSRS_LOW", [("q2", True)]),
        ({"q1": True, "q2": True, "q3": False, "q4": False, "q5": False}, "RISK_CSSRS_LOW",
         [("q1", True), ("q2", True)]),
        ({"q2": True, "q3": True, "q4": False, "q5": False}, "RISK_CSSRS_MODERATE",
         [("q3", True)]),
        ({"q6": True, "q6_past_3_months": False}, "RISK_CSSRS_MODERATE",
         [("q6", True), ("q6_past_3_months", False)]),
        ({"q2": True, "q3": True, "q4": False, "q5": False, "q6": True,
          "q6_past_3_months": False}, "RISK_CSSRS_MODERATE",
         [("q3", True), ("q6", True), ("q6_past_3_months", False)]),
        ({"q2": True, "q3": False, "q4": True, "q5": False}, "RISK_CSSRS_HIGH", [("q4", True)]),
        ({"q2": True, "q3": False, "q4": False, "q5": True}, "RISK_CSSRS_HIGH", [("q5", True)]),
        ({"q6": True, "q6_past_3_months": True}, "RISK_CSSRS_HIGH",
         [("q6", True), ("q6_past_3_months", True)]),
        ({"q2": True, "q3": True, "q4": True, "q5": True, "q6": True, "q6_past_3_months": True},
         "RISK_CSSRS_HIGH",
         [("q4", True), ("q5", True), ("q6", True), ("q6_past_3_months", True)]),
    ],
)  # fmt: skip
def test_cssrs_flags_quote_the_answers_behind_the_level(answers, code, evidence):
    cssrs = {"q1": False, "q2": False, "q6": False, **answers}

    flags = changed({CSSRS: cssrs})

    assert list(flags) == [code]
    assert _exactly(flags[code]) == _exactly(
        [Evidence(_key(name), answer) for name, answer in evidence]
    )
    assert screen(intake({CSSRS: cssrs})).scores.cssrs_risk == code.rsplit("_", 1)[1].lower()


def test_cssrs_behaviour_without_its_timing_is_high_and_the_timing_is_asked():
    flags = changed({CSSRS: {"q1": False, "q2": False, "q6": True}})

    assert _exactly(flags["RISK_CSSRS_HIGH"]) == _exactly([Evidence(_key("q6"), True)])
    assert flags["RV_MISSING_INFO"] == missing((_key("q6_past_3_months"), None))
    assert list(flags) == ["RISK_CSSRS_HIGH", "RV_MISSING_INFO"]


@pytest.mark.parametrize(
    ("cssrs", "risk"),
    [
        ({"q1": False, "q2": False, "q6": False}, "none"),
        ({"q1": False, "q6": False}, None),  # unknown, not "none"
        ({}, None),
        ({"q1": True}, "low"),  # a level found is shown even with items missing
        ({"q2": True, "q6": False, "q1": False}, "low"),
    ],
)
def test_cssrs_risk_is_unknown_rather_than_none_while_items_are_missing(cssrs, risk):
    assert screen(intake({CSSRS: cssrs})).scores.cssrs_risk == risk


def test_no_cssrs_is_unknown_risk_and_missing_info():
    result = screen(intake({CSSRS: DELETE}))

    assert result.scores.cssrs_risk is None
    assert result.flag("RV_MISSING_INFO").evidence == missing((CSSRS, None))


# --- Trials --------------------------------------------------------------------------------------

TRIALS = "mental_health.antidepressant_trials"


def _trial(weeks=8, current_episode=True, improvement="none", **more):
    found = {"medication": "x", **more}
    for name, value in (
        ("weeks", weeks),
        ("current_episode", current_episode),
        ("improvement", improvement),
    ):
        if value is not DELETE:
            found[name] = value
    return found


@pytest.mark.parametrize(
    ("trial", "counts"),
    [
        (_trial(), True),
        (_trial(improvement="a_little"), True),
        (_trial(weeks=6), True),  # at the minimum: adequate
        (_trial(weeks=5), False),
        (_trial(weeks=0), False),
        (_trial(current_episode=False), False),
        (_trial(improvement="partial"), False),
        (_trial(improvement="much"), False),
    ],
)
def test_a_trial_counts_when_adequate_and_failed(trial, counts):
    failed, unclear = assess_trials([trial], 6)

    assert failed == ([(f"{TRIALS}[0]", trial)] if counts else [])
    assert unclear == []


@pytest.mark.parametrize(
    ("trial", "gaps"),
    [
        (_trial(weeks=None), [("[0].weeks", None)]),
        (_trial(weeks=DELETE), [("[0].weeks", None)]),
        (_trial(current_episode=None), [("[0].current_episode", None)]),
        (_trial(improvement=None), [("[0].improvement", None)]),
        (_trial(improvement="unsure"), [("[0].improvement", "unsure")]),
        (
            _trial(weeks=None, current_episode=None, improvement="unsure"),
            [("[0].weeks", None), ("[0].current_episode", None), ("[0].improvement", "unsure")],
        ),
        ({}, [("[0].weeks", None), ("[0].current_episode", None), ("[0].improvement", None)]),
    ],
)
def test_a_trial_that_could_count_lists_what_would_settle_it(trial, gaps):
    failed, unclear = assess_trials([trial], 6)

    assert failed == []
    assert unclear == [[(f"{TRIALS}{key}", answer) for key, answer in gaps]]


@pytest.mark.parametrize(
    "trial",
    [
        _trial(weeks=3, improvement="unsure"),
        _trial(weeks=3, current_episode=None),
        _trial(current_episode=False, improvement=None),
        _trial(weeks=None, improvement="partial"),
        _trial(weeks=None, current_episode=None, improvement="much"),
    ],
)
def test_a_trial_already_ruled_out_needs_nothing(trial):
    assert assess_trials([trial], 6) == ([], [])


def test_trials_are_numbered_by_their_place_in_the_list():
    trials = [_trial(), _trial(weeks=2), _trial(weeks=None), _trial(improvement="a_little")]

    failed, unclear = assess_trials(trials, 6)

    assert failed == [(f"{TRIALS}[0]", trials[0]), (f"{TRIALS}[3]", trials[3])]
    assert unclear == [[(f"{TRIALS}[2].weeks", None)]]


def test_the_minimum_weeks_is_the_clinics():
    assert assess_trials([_trial(weeks=8)], 9) == ([], [])
    assert assess_trials([_trial(weeks=8)], 8)[0] == [(f"{TRIALS}[0]", _trial(weeks=8))]


def test_no_trials_count_none():
    assert assess_trials(None, 6) == ([], [])
    assert assess_trials([], 6) == ([], [])


def test_the_counts_are_scores():
    trials = [_trial(), _trial(improvement="a_little"), _trial(weeks=None), _trial(weeks=None)]

    scores = screen(intake({TRIALS: trials})).scores

    assert (scores.failed_adequate_trials, scores.unclear_trials) == (2, 2)


# --- BMI, age and the facts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("height", "weight", "expected"),
    [(168, 72.5, 25.7), (200, 100, 25.0), (150, 45, 20.0), (180, 81.05, 25.0), (172, 61, 20.6)],
)
def test_bmi_is_weight_over_height_squared_to_one_decimal(height, weight, expected):
    assert bmi(height, weight) == expected
    changes = {"medical.height_cm": height, "medical.weight_kg": weight}
    assert screen(intake(changes)).scores.bmi == expected


def test_no_bmi_without_both_measurements():
    assert bmi(None, 70) is None
    assert bmi(170, None) is None
    assert screen(intake()).scores.bmi is None


def test_the_facts_are_read_from_the_answers():
    cssrs = {"q1": True, "q2": False, "q6": None}
    trials = [_trial(), _trial(weeks=None)]
    data = intake(
        {
            "questionnaires.cssrs": cssrs,
            "questionnaires.phq9": [1] * 9,
            "questionnaires.gad7": [2] * 7,
            TRIALS: trials,
            "medical.height_cm": 200,
            "medical.weight_kg": 80,
        }
    )
    facts = Facts(parse_intake(data), DEFAULT_THRESHOLDS.replace(min_trial_weeks=10))

    assert facts.answers["medical.height_cm"] == 200
    assert facts.thresholds.min_trial_weeks == 10
    assert facts.age == 39
    assert (facts.phq9, facts.phq9_total) == ([1] * 9, 9)
    assert (facts.gad7, facts.gad7_total) == ([2] * 7, 14)
    assert facts.cssrs_level == "low"
    assert facts.cssrs_evidence == [(_key("q1"), True)]
    assert facts.cssrs_needed == [(_key("q6"), None)]
    assert facts.trials == trials
    # 8 weeks is short of the clinic's 10 here.
    assert (facts.failed_trials, facts.unclear_trials) == ([], [[(f"{TRIALS}[1].weeks", None)]])
    assert facts.bmi == 20.0
    assert facts.missing == {}
    assert facts.cssrs_risk == "low"


def test_the_quiet_intake_has_the_expected_scores():
    scores = screen(intake()).scores

    assert scores._asdict() == {
        "phq9_total": 10,
        "phq9_band": "moderate",
        "gad7_total": 6,
        "gad7_band": "mild",
        "cssrs_risk": "none",
        "failed_adequate_trials": 2,
        "unclear_trials": 0,
        "bmi": None,
        "age": 39,
    }
    assert QUIET["about"]["date_of_birth"] == "1987-03-14"
