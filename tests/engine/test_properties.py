"""Properties of the engine over generated intakes (tests/strategies.py)."""

import json
from datetime import UTC, datetime

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from screening.engine import (
    OUTCOME_RANK,
    RULES,
    SEVERITY_TO_OUTCOME,
    IntakeError,
    parse_intake,
    screen,
)
from screening.engine.intake import OBJECT, SCHEMA, Field, check_value
from screening.engine.scoring import Facts
from screening.engine.thresholds import DEFAULT_THRESHOLDS
from tests.strategies import (
    ABSENT,
    CSSRS_KEYS,
    example_intake,
    intakes,
    resolve,
    with_answers,
)

# Fixed, so generated intakes without submitted_at are screened the same on any day.
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

# Modest example counts keep the engine's tests to a few seconds: generating an intake costs
# far more than screening it.
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(intakes())
def test_valid_partial_intakes_are_always_screened(intake):
    result = screen(intake, now=NOW)

    assert "IN_ESCORT_NEEDED" in result.codes
    most_severe = result.flags[0].severity
    assert result.outcome == SEVERITY_TO_OUTCOME[most_severe]


@settings(SETTINGS, max_examples=40)
@given(intakes(complete=True))
def test_complete_intakes_are_screened_and_serialise(intake):
    result = screen(intake)
    as_json = json.dumps(result.to_dict())

    assert json.loads(as_json)["outcome"] == result.outcome


@SETTINGS
@given(intakes())
def test_evidence_names_answers_that_are_in_the_intake(intake):
    for flag in screen(intake, now=NOW).flags:
        for evidence in flag.evidence:
            found = resolve(intake, evidence.key)
            if flag.code != "RV_MISSING_INFO":
                assert found is not ABSENT and found == evidence.answer, evidence
            elif evidence.missing:
                assert found is ABSENT or found is None, evidence
            else:
                assert found == evidence.answer == "unsure", evidence


# --- Adding a risk answer never makes the outcome less urgent ------------------------------------

CONTRAINDICATIONS = [
    {"medical.aneurysm_or_avm": "yes"},
    {"medical.brain_bleed": "yes"},
    {"medical.ketamine_allergy": "yes"},
    {"medical.pregnant": "yes"},
    {"mental_health.psychosis_now": "yes"},
    {"mental_health.mania_now": "yes"},
    {"medical.hypertension": "untreated"},
    {"medical.bp_systolic": 190},
    {"medical.thyroid": "overactive_uncontrolled"},
    {"medical.glaucoma": "untreated"},
    {"medical.raised_intracranial_pressure": "yes"},
    {"medical.seizures": "yes"},
    {"medical.heart_failure": "yes"},
    {"substances.dissociative_misuse_ever": "yes"},
    {"medications.classes": ["maoi"]},
]


def _rank(intake):
    return OUTCOME_RANK[screen(intake, now=NOW).outcome]


@SETTINGS
@given(intakes(), st.integers(1, 3))
def test_raising_phq9_item_9_never_lowers_urgency(intake, answer):
    phq9 = resolve(intake, "questionnaires.phq9")
    items = list(phq9) if isinstance(phq9, list) else [None] * 9
    items[8] = max(items[8] or 0, answer)

    raised = with_answers(intake, {"questionnaires.phq9": items})

    assert _rank(raised) <= _rank(intake)
    assert screen(raised, now=NOW).outcome == "urgent"


@SETTINGS
@given(intakes(), st.sampled_from(CSSRS_KEYS))
def test_a_cssrs_yes_never_lowers_urgency(intake, item):
    if not isinstance(resolve(intake, "questionnaires.cssrs"), dict):
        intake = with_answers(intake, {"questionnaires.cssrs": {}})

    answered = with_answers(intake, {f"questionnaires.cssrs.{item}": True})

    assert _rank(answered) <= _rank(intake)


@SETTINGS
@given(intakes(), st.sampled_from(CONTRAINDICATIONS))
def test_a_contraindication_never_lowers_urgency(intake, answer):
    changed = with_answers(intake, answer)

    assert _rank(changed) <= min(_rank(intake), OUTCOME_RANK["needs_review"])


# --- The evaluator's shortcuts agree with reading every rule plainly -----------------------------


def _plain_evaluation(intake):
    """Every rule's needs and condition, called one by one with no skipping."""
    facts = Facts(parse_intake(intake, NOW), DEFAULT_THRESHOLDS)
    missing = {}
    for rule in RULES:
        for key in rule.needed_keys:
            value = facts.answers.get(key)
            if value is None or value == "unsure":
                missing.setdefault(key, value)
        if rule.needs_function is not None:
            for key, value in rule.needs_function(facts):
                missing.setdefault(key, value)
    facts.missing = missing
    flags = []
    for rule in RULES:
        evidence = rule.when(facts)
        if evidence is not None:
            flags.append((rule.code, tuple(evidence)))
    return flags


@settings(SETTINGS, max_examples=150)
@given(intakes())
def test_screen_matches_a_plain_reading_of_every_rule(intake):
    result = screen(intake, now=NOW)

    assert [(flag.code, flag.evidence) for flag in result.flags] == _plain_evaluation(intake)


# --- Fast validation agrees with the plain, exact check ------------------------------------------

# Every known key but the date of birth (whose "not after submission" check is not per field),
# and some inside lists.
MUTABLE_KEYS = sorted(
    {f"{section}.{name}" for section, fields in SCHEMA.items() for name in fields}
    - {"about.date_of_birth"}
    | {
        "questionnaires.phq9[8]",
        "questionnaires.gad7[0]",
        "questionnaires.cssrs.q2",
        "mental_health.antidepressant_trials[0]",
        "mental_health.antidepressant_trials[0].weeks",
        "mental_health.antidepressant_trials[0].improvement",
        "mental_health.diagnoses[0]",
        "medications.current[0].name",
        "medical.allergies[0]",
        "care_team.emergency_contact.phone",
    }
)
# Near misses of every type, equally likely: the confusions an exporter actually makes.
ANY_JSON = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 1200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "yes", "no", "unsure", "none", "past_month", "2026-01-01", "x"]),
    st.lists(st.one_of(st.none(), st.booleans(), st.integers(-1, 4), st.text(max_size=3))),
    st.dictionaries(st.sampled_from(["q1", "weeks", "name", "x"]), st.booleans()),
)


def _exact_error_key(intake):
    """The key the plain check names for this intake, or None when it finds nothing wrong."""
    try:
        for section, fields in SCHEMA.items():
            block = intake.get(section)
            if block is not None:
                check_value(Field(OBJECT, (fields, None)), block, section)
    except IntakeError as error:
        return error.key
    return None


# The example intake rather than generated ones: cheap to draw, so many more values get tried.
@settings(SETTINGS, max_examples=300)
@given(st.sampled_from(MUTABLE_KEYS), ANY_JSON)
def test_fast_validation_names_the_same_key_as_the_exact_check(key, value):
    try:
        changed = with_answers(example_intake(), {key: value})
    except (IndexError, TypeError):
        assume(False)  # the path does not exist in this intake (e.g. an empty list)

    expected = _exact_error_key(changed)
    try:
        screen(changed, now=NOW)
    except IntakeError as error:
        assert error.key == expected
    else:
        assert expected is None
