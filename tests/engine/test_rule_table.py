"""The rule table, answer by answer: every key the rules read, every answer the intake format
allows for it, each given alone in the quiet intake (tests/engine/quiet_intake.py).

The expected effects are written out below from the clinical reference (summarised in
docs/screening-rules.md), not read from rules.py, so that any change to the table's entries
fails here. The keys and answers tried are the union of what this reference names and what the
table reads, with every answer the format allows: a rule or an answer added to the table is
tried without a new test, and fails until it is written down here too.
"""

import pytest

from screening.engine import RULES, RULES_BY_CODE, screen
from screening.engine.intake import LIST, ONE_OF, SCHEMA, parse_intake
from screening.engine.result import Evidence
from screening.engine.scoring import Facts
from screening.engine.thresholds import DEFAULT_THRESHOLDS
from tests.engine.quiet_intake import DELETE, QUIET_FLAGS, changed, intake, missing, screened

YES = ("yes",)
MISSING = "RV_MISSING_INFO"

# --- The reference, as the table should implement it -------------------------------------------

# The table in order, with each rule's severity: flags come out in this order and the first one
# decides the outcome.
TABLE = [
    ("RISK_PHQ9_ITEM9", "crisis"),
    ("RISK_CSSRS_HIGH", "crisis"),
    ("RISK_CSSRS_MODERATE", "crisis"),
    ("RISK_CSSRS_LOW", "crisis"),
    ("RISK_BP_CRISIS", "crisis"),
    ("CI_AGE_UNDER_18", "exclude"),
    ("CI_ANEURYSM_AVM", "exclude"),
    ("CI_INTRACEREBRAL_HEMORRHAGE", "exclude"),
    ("CI_KETAMINE_HYPERSENSITIVITY", "exclude"),
    ("CI_PREGNANT", "exclude"),
    ("CI_PSYCHOSIS_CURRENT", "exclude"),
    ("CI_MANIA_CURRENT", "exclude"),
    ("CI_BP_SEVERE", "exclude"),
    ("CI_HYPERTHYROID_UNCONTROLLED", "exclude"),
    ("CI_RAISED_PRESSURE_ACTIVE", "exclude"),
    ("RV_DISSOCIATIVE_MISUSE", "review"),
    ("RV_BP_ELEVATED", "review"),
    ("RV_PSYCHOSIS_HISTORY", "review"),
    ("RV_BIPOLAR", "review"),
    ("RV_CARDIOVASCULAR", "review"),
    ("RV_STROKE_BRAIN_INJURY", "review"),
    ("RV_EYE_PRESSURE_TREATED", "review"),
    ("RV_SEIZURES", "review"),
    ("RV_LIVER", "review"),
    ("RV_BREATHING_SEDATION", "review"),
    ("RV_BLADDER", "review"),
    ("RV_BREASTFEEDING_OR_PLANNING", "review"),
    ("RV_DEMENTIA", "review"),
    ("RV_SUBSTANCE_USE", "review"),
    ("RV_PRIOR_KETAMINE_REACTION", "review"),
    ("RV_MED_SEDATIVE", "review"),
    ("RV_MED_STIMULANT", "review"),
    ("RV_MED_MAOI", "review"),
    ("RV_TRD_NOT_ESTABLISHED", "review"),
    ("RV_DEPRESSION_BELOW_THRESHOLD", "review"),
    ("RV_MISSING_INFO", "review"),
    ("IN_TRD_LIKELY", "info"),
    ("IN_HYPERTENSION_CONTROLLED", "info"),
    ("IN_LAMOTRIGINE", "info"),
    ("IN_ANXIETY_SIGNIFICANT", "info"),
    ("IN_ESCORT_NEEDED", "info"),
]
OUTCOME = {
    "crisis": "urgent",
    "exclude": "likely_excluded",
    "review": "needs_review",
    "info": "eligible_for_consultation",
}

# Rules that fire on a single answer: {code: {key: the answers that fire it}}.
ANSWER_RULES = {
    "CI_ANEURYSM_AVM": {"medical.aneurysm_or_avm": YES},
    "CI_INTRACEREBRAL_HEMORRHAGE": {"medical.brain_bleed": YES},
    "CI_KETAMINE_HYPERSENSITIVITY": {"medical.ketamine_allergy": YES},
    "CI_PREGNANT": {"medical.pregnant": YES},
    "CI_PSYCHOSIS_CURRENT": {"mental_health.psychosis_now": YES},
    "CI_MANIA_CURRENT": {"mental_health.mania_now": YES},
    "CI_HYPERTHYROID_UNCONTROLLED": {"medical.thyroid": ("overactive_uncontrolled",)},
    "CI_RAISED_PRESSURE_ACTIVE": {
        "medical.raised_intracranial_pressure": YES,
        "medical.glaucoma": ("untreated",),
    },
    "RV_DISSOCIATIVE_MISUSE": {
        "substances.dissociative_misuse_ever": YES,
        "substances.dissociatives": ("past_only", "past_year", "past_month"),
    },
    "RV_PSYCHOSIS_HISTORY": {
        "mental_health.psychosis_past": YES,
        "mental_health.psychosis_family": YES,
    },
    "RV_CARDIOVASCULAR": {
        "medical.heart_attack_12_months": YES,
        "medical.unstable_angina": YES,
        "medical.stent_or_bypass_12_months": YES,
        "medical.heart_failure": YES,
        "medical.arrhythmia": YES,
    },
    "RV_STROKE_BRAIN_INJURY": {
        "medical.stroke_or_tia": YES,
        "medical.hypertensive_encephalopathy": YES,
        "medical.head_injury_lasting": YES,
        "medical.brain_shunt": YES,
    },
    "RV_EYE_PRESSURE_TREATED": {"medical.glaucoma": ("treated",), "medical.eye_injury": YES},
    "RV_SEIZURES": {"medical.seizures": YES},
    "RV_LIVER": {"medical.liver_disease": ("mild", "moderate", "severe")},
    "RV_BREATHING_SEDATION": {"medical.sleep_apnea": YES, "medical.severe_lung_disease": YES},
    "RV_BLADDER": {"medical.bladder_problems": YES},
    "RV_BREASTFEEDING_OR_PLANNING": {
        "medical.breastfeeding": YES,
        "medical.planning_pregnancy": YES,
    },
    "RV_DEMENTIA": {"medical.dementia": YES},
    "RV_SUBSTANCE_USE": {
        "substances.problem_past_3_months": YES,
        "substances.alcohol": ("heavy_daily",),
        "substances.cannabis": ("past_month",),
        "substances.stimulants_nonprescribed": ("past_month",),
        "substances.opioids_nonprescribed": ("past_month",),
        "substances.sedatives_nonprescribed": ("past_month",),
        "substances.dissociatives": ("past_month",),
    },
    "RV_PRIOR_KETAMINE_REACTION": {"medical.prior_anesthesia_or_ketamine_reaction": YES},
}

# Rules that fire when a list holds one of some entries: {code: (key, entries)}.
LIST_RULES = {
    "CI_PSYCHOSIS_CURRENT": ("mental_health.diagnoses", ("schizophrenia", "schizoaffective")),
    "RV_MED_SEDATIVE": ("medications.classes", ("benzodiazepine", "sedative_hypnotic", "opioid")),
    "RV_MED_STIMULANT": ("medications.classes", ("stimulant",)),
    "RV_MED_MAOI": ("medications.classes", ("maoi",)),
    "IN_LAMOTRIGINE": ("medications.classes", ("lamotrigine",)),
}

SYS, DIA, HTN = "medical.bp_systolic", "medical.bp_diastolic", "medical.hypertension"

# What other single answers do in the quiet intake (conditions of their own, read with other
# answers; their thresholds are tested in test_conditions.py): {(key, answer): flags}.
OTHER_EFFECTS = {
    ("mental_health.diagnoses", "bipolar"): {
        "RV_BIPOLAR": (Evidence("mental_health.diagnoses[0]", "bipolar"),)
    },
    (HTN, "untreated"): {"CI_BP_SEVERE": (Evidence(HTN, "untreated"),)},
    (HTN, "uncontrolled"): {"CI_BP_SEVERE": (Evidence(HTN, "uncontrolled"),)},
    # Treated hypertension: only a reading tells whether it is under control.
    (HTN, "controlled"): {MISSING: missing((SYS, None), (DIA, None))},
    (HTN, "unsure"): {MISSING: missing((HTN, "unsure"), (SYS, None), (DIA, None))},
    (HTN, None): {MISSING: missing((HTN, None), (SYS, None), (DIA, None))},
    ("care_team.driver_available", "no"): {
        "IN_ESCORT_NEEDED": (Evidence("care_team.driver_available", "no"),)
    },
    ("care_team.driver_available", "unsure"): {
        "IN_ESCORT_NEEDED": (Evidence("care_team.driver_available", "unsure"),)
    },
    ("care_team.driver_available", None): {"IN_ESCORT_NEEDED": ()},
    # "No possibility of pregnancy" also answers "planning a pregnancy", which is answered here.
    ("medical.pregnant", "not_applicable"): {},
    # No date of birth, no age: the minimum age cannot be checked.
    ("about.date_of_birth", None): {MISSING: missing(("about.date_of_birth", None))},
    # No trials answer: nothing to count, and nothing to quote either way.
    ("mental_health.antidepressant_trials", None): {
        MISSING: missing(("mental_health.antidepressant_trials", None)),
        "IN_TRD_LIKELY": None,
    },
}

# The keys each rule needs before it can decide, besides the keys it fires on (a missing or
# "unsure" answer to any of them is listed in RV_MISSING_INFO, never read as "no").
OTHER_NEEDS = {
    "RISK_PHQ9_ITEM9": {"questionnaires.phq9"},
    "RISK_CSSRS_HIGH": {"questionnaires.cssrs"},
    "RISK_CSSRS_MODERATE": {"questionnaires.cssrs"},
    "RISK_CSSRS_LOW": {"questionnaires.cssrs"},
    "CI_AGE_UNDER_18": {"about.date_of_birth"},
    "CI_KETAMINE_HYPERSENSITIVITY": {"medical.ketamine_allergy"},
    "CI_PSYCHOSIS_CURRENT": {"mental_health.psychosis_now", "mental_health.diagnoses"},
    "CI_BP_SEVERE": {HTN},
    "RV_BIPOLAR": {"mental_health.diagnoses", "mental_health.mania_now"},
    "RV_MED_SEDATIVE": {"medications.classes"},
    "RV_MED_STIMULANT": {"medications.classes"},
    "RV_MED_MAOI": {"medications.classes"},
    "RV_TRD_NOT_ESTABLISHED": {"mental_health.antidepressant_trials"},
    "RV_DEPRESSION_BELOW_THRESHOLD": {"questionnaires.phq9"},
    "IN_LAMOTRIGINE": {"medications.classes"},
    "IN_ANXIETY_SIGNIFICANT": {"questionnaires.gad7"},
}


def needs_of(code):
    """Every key the reference says the rule needs, on the quiet intake."""
    keys = set(OTHER_NEEDS.get(code, ()))
    keys |= set(ANSWER_RULES.get(code, {}))
    if code in LIST_RULES:
        keys.add(LIST_RULES[code][0])
    return keys


NEEDED = set().union(*(needs_of(code) for code, _ in TABLE))


# --- The keys and answers to try ---------------------------------------------------------------


def _field(key):
    section, name = key.split(".", 1)
    return SCHEMA[section][name]


def table_keys():
    """Every key a rule of the table declares it reads or needs."""
    keys = set()
    for rule in RULES:
        keys.update(rule.needed_keys)
        keys.update(getattr(rule.when, "firing", {}))
        keys.update(getattr(rule.when, "needs", ()))
    return keys


def reference_keys():
    keys = set(NEEDED)
    keys.update(key for key, _ in OTHER_EFFECTS)
    return keys


def allowed(key):
    """Every answer the intake format allows for ``key``, as stored in the intake: a choice, or
    a one-entry list for a list of choices."""
    field = _field(key)
    if field.kind == ONE_OF:
        return sorted(field.arg)
    if field.kind == LIST and field.arg.kind == ONE_OF:
        return [[entry] for entry in sorted(field.arg.arg)]
    return []


ALL_KEYS = sorted(table_keys() | reference_keys())
CASES = [
    pytest.param(key, answer, id=f"{key}={answer}")
    for key in ALL_KEYS
    for answer in [*allowed(key), None]
]


def expected(key, answer):
    """How one answer changes the quiet intake's flags (see quiet_intake.changed), by the
    reference above."""
    entry = answer[0] if isinstance(answer, list) else answer
    if (key, entry) in OTHER_EFFECTS:
        return OTHER_EFFECTS[key, entry]
    flags = {}
    for code, firing in ANSWER_RULES.items():
        if entry in firing.get(key, ()):
            flags[code] = (Evidence(key, answer),)
    for code, (list_key, entries) in LIST_RULES.items():
        if key == list_key and entry in entries:
            flags[code] = (Evidence(f"{key}[0]", entry),)
    if key in NEEDED and (answer is None or answer == "unsure"):
        flags[MISSING] = missing((key, answer))
    order = [code for code, _ in TABLE]
    return dict(sorted(flags.items(), key=lambda item: order.index(item[0])))


# --- The tests ---------------------------------------------------------------------------------


def test_the_quiet_intake_raises_only_the_escort_and_trd_flags():
    result = screen(intake())

    assert screened() == QUIET_FLAGS
    assert result.outcome == "eligible_for_consultation"


def test_the_table_is_the_reference_in_order():
    assert [(rule.code, rule.severity) for rule in RULES] == TABLE
    assert list(RULES_BY_CODE) == [code for code, _ in TABLE]
    assert all(RULES_BY_CODE[rule.code] is rule for rule in RULES)


def test_every_key_the_table_reads_is_in_the_reference():
    assert table_keys() <= reference_keys()


@pytest.mark.parametrize(("key", "answer"), CASES)
def test_one_answer_raises_exactly_its_flags(key, answer):
    result = changed({key: answer})

    assert result == expected(key, answer)
    # In table order.
    assert [code for code in result if result[code] is not None] == [
        code for code, flags in expected(key, answer).items() if flags is not None
    ]


@pytest.mark.parametrize(("key", "answer"), CASES)
def test_one_answer_gives_the_outcome_of_its_most_severe_flag(key, answer):
    severity = dict(TABLE)
    flags = [code for code, evidence in expected(key, answer).items() if evidence is not None]
    most_severe = min((severity[code] for code in flags), key=list(OUTCOME).index, default="info")

    assert screen(intake({key: answer})).outcome == OUTCOME[most_severe]


@pytest.mark.parametrize("key", sorted(NEEDED))
def test_a_needed_key_absent_is_missing_info(key):
    flags = screened({key: DELETE})

    assert (key, None) in [(entry.key, entry.answer) for entry in flags[MISSING]]
    assert Evidence(key, None, True) in flags[MISSING]


@pytest.mark.parametrize("key", sorted(key for key in NEEDED if "unsure" in allowed(key)))
def test_a_needed_key_unsure_is_missing_info_and_quoted(key):
    flags = screened({key: "unsure"})

    assert Evidence(key, "unsure", False) in flags[MISSING]
    assert [entry.missing for entry in flags[MISSING] if entry.key == key] == [False]


# --- Rule by rule: what each rule needs, on its own --------------------------------------------


def _facts(changes=None):
    return Facts(parse_intake(intake(changes)), DEFAULT_THRESHOLDS)


def _rule_needs(rule, facts):
    """The (key, answer) pairs the rule itself lists as missing."""
    a = facts.answers
    found = [(key, a.get(key)) for key in rule.needed_keys if a.get(key) in (None, "unsure")]
    if rule.needs_function is not None:
        found += list(rule.needs_function(facts))
    return found


def _top(key):
    return key.split("[", 1)[0]


@pytest.mark.parametrize("code", [code for code, _ in TABLE])
def test_each_rule_asks_for_the_keys_it_needs_and_no_others(code):
    rule = RULES_BY_CODE[code]
    asked = set()
    for key in ALL_KEYS:
        facts = _facts({key: DELETE})
        found = _rule_needs(rule, facts)
        if found:
            assert {_top(entry) for entry, _ in found} <= {key, SYS, DIA}, (key, found)
            asked.add(key)

    assert asked == needs_of(code)
    assert _rule_needs(rule, _facts()) == []


@pytest.mark.parametrize("code", [code for code, _ in TABLE])
def test_each_rule_asks_again_after_an_unsure_answer(code):
    rule = RULES_BY_CODE[code]
    for key in sorted(needs_of(code)):
        if "unsure" in allowed(key):
            assert (key, "unsure") in _rule_needs(rule, _facts({key: "unsure"}))


# --- Rules with two or more parts, all firing at once -----------------------------------------


@pytest.mark.parametrize("code", [code for code, firing in ANSWER_RULES.items() if len(firing) > 1])
def test_every_part_of_a_rule_fires_together(code):
    firing = ANSWER_RULES[code]
    changes = {key: answers[-1] for key, answers in firing.items()}

    flags = screened(changes)

    assert flags[code] == tuple(Evidence(key, answer) for key, answer in changes.items())


def test_a_ketamine_allergy_answered_and_listed_quotes_both():
    allergies = ["penicillin", "Ketamine (hives)", "latex", "esketamine"]

    flags = screened({"medical.ketamine_allergy": "yes", "medical.allergies": allergies})

    assert flags["CI_KETAMINE_HYPERSENSITIVITY"] == (
        Evidence("medical.ketamine_allergy", "yes"),
        Evidence("medical.allergies[1]", "Ketamine (hives)"),
        Evidence("medical.allergies[3]", "esketamine"),
    )


def test_psychosis_now_and_a_schizophrenia_diagnosis_quote_both():
    diagnoses = ["depression", "schizoaffective", "anxiety", "schizophrenia"]

    flags = screened({"mental_health.psychosis_now": "yes", "mental_health.diagnoses": diagnoses})

    assert flags["CI_PSYCHOSIS_CURRENT"] == (
        Evidence("mental_health.psychosis_now", "yes"),
        Evidence("mental_health.diagnoses[1]", "schizoaffective"),
        Evidence("mental_health.diagnoses[3]", "schizophrenia"),
    )


@pytest.mark.parametrize("code", sorted(LIST_RULES))
def test_a_list_rule_quotes_every_matching_entry_at_its_place(code):
    key, entries = LIST_RULES[code]
    others = [entry[0] for entry in allowed(key) if not set(entry) & set(entries)]
    # Non-matching entries around and between the matching ones.
    answer = [others[0], *[item for entry in entries for item in (entry, others[-1])]]

    flags = screened({key: answer})

    assert flags[code] == tuple(
        Evidence(f"{key}[{i}]", item) for i, item in enumerate(answer) if item in entries
    )


def test_many_answers_at_once_raise_every_flag_in_table_order():
    changes = {}
    for firing in ANSWER_RULES.values():
        for key, answers in firing.items():
            changes.setdefault(key, answers[0])
    changes["medications.classes"] = ["maoi", "stimulant", "opioid", "lamotrigine"]

    codes = list(screened(changes))

    assert set(ANSWER_RULES) | {"RV_MED_SEDATIVE", "RV_MED_STIMULANT", "RV_MED_MAOI"} <= set(codes)
    assert codes == [code for code, _ in TABLE if code in codes]
    assert screen(intake(changes)).outcome == "likely_excluded"
