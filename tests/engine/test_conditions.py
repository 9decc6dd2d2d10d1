"""The rules with conditions of their own (screening/engine/rules.py), at every boundary, and
the helpers the table is built with, called here rather than only when the table is built."""

import inspect
from datetime import date

import pytest

from screening.engine import RULES_BY_CODE, screen
from screening.engine.intake import parse_intake
from screening.engine.result import Evidence
from screening.engine.rules import (
    always,
    answers,
    breastfeeding_or_planning_needs,
    cssrs_level,
    either,
    listed,
    pregnancy_needs,
    systolic_limit,
    yes,
)
from screening.engine.scoring import Facts
from screening.engine.thresholds import DEFAULT_THRESHOLDS
from tests.engine.quiet_intake import DELETE, QUIET_FLAGS, changed, intake, missing, screened

SYS, DIA, HTN = "medical.bp_systolic", "medical.bp_diastolic", "medical.hypertension"
MISSING = "RV_MISSING_INFO"


def facts(changes=None, thresholds=DEFAULT_THRESHOLDS, now=None):
    return Facts(parse_intake(intake(changes), now), thresholds)


# --- The helpers -----------------------------------------------------------------------------


def test_answers_fires_on_any_listed_answer_and_quotes_each_in_order():
    condition = answers(
        {"medical.glaucoma": ("untreated", "treated"), "medical.eye_injury": ("yes",)}
    )

    assert condition.needs == ("medical.glaucoma", "medical.eye_injury")
    assert condition.firing == {
        "medical.glaucoma": frozenset({"untreated", "treated"}),
        "medical.eye_injury": frozenset({"yes"}),
    }
    assert condition(facts()) is None
    assert condition(facts({"medical.glaucoma": "unsure"})) is None
    assert condition(facts({"medical.glaucoma": DELETE})) is None
    assert condition(facts({"medical.eye_injury": "yes"})) == [
        Evidence("medical.eye_injury", "yes")
    ]
    both = {"medical.glaucoma": "treated", "medical.eye_injury": "yes"}
    assert condition(facts(both)) == [
        Evidence("medical.glaucoma", "treated"),
        Evidence("medical.eye_injury", "yes"),
    ]


def test_yes_fires_on_yes_only():
    condition = yes("medical.seizures", "medical.dementia")

    assert condition.needs == ("medical.seizures", "medical.dementia")
    assert condition.firing == {
        "medical.seizures": frozenset({"yes"}),
        "medical.dementia": frozenset({"yes"}),
    }
    for answer in ("no", "unsure", None):
        assert condition(facts({"medical.seizures": answer, "medical.dementia": answer})) is None
    assert condition(facts({"medical.dementia": "yes"})) == [Evidence("medical.dementia", "yes")]


def test_listed_fires_on_any_wanted_entry_and_quotes_its_place():
    condition = listed("medications.classes", ("maoi", "opioid"))
    key = "medications.classes"

    assert condition.needs == (key,)
    assert not hasattr(condition, "firing")  # lists are never looked up as answers
    assert condition(facts()) is None  # an empty list: "none of these"
    assert condition(facts({key: DELETE})) is None
    assert condition(facts({key: ["stimulant", "lamotrigine"]})) is None
    assert condition(facts({key: ["stimulant", "opioid", "lamotrigine", "maoi"]})) == [
        Evidence(f"{key}[1]", "opioid"),
        Evidence(f"{key}[3]", "maoi"),
    ]


def test_either_fires_when_any_part_does_and_quotes_every_part():
    first = yes("medical.seizures")
    second = listed("medications.classes", ("maoi",))
    condition = either(first, second, always)

    assert condition.needs == ("medical.seizures", "medications.classes")
    assert not hasattr(condition, "firing")
    quiet = facts({"care_team.driver_available": DELETE})  # always() gives [] here
    assert condition(quiet) is None
    assert condition(
        facts({"medications.classes": ["maoi"], "care_team.driver_available": DELETE})
    ) == [Evidence("medications.classes[0]", "maoi")]
    every = {"medical.seizures": "yes", "medications.classes": ["maoi"]}
    assert condition(facts(every)) == [
        Evidence("medical.seizures", "yes"),
        Evidence("medications.classes[0]", "maoi"),
        Evidence("care_team.driver_available", "yes"),
    ]


@pytest.mark.parametrize("level", ["none", "low", "moderate", "high"])
def test_cssrs_level_fires_on_its_level_only(level):
    condition = cssrs_level(level)
    cssrs = {
        "none": {"q1": False, "q2": False, "q6": False},
        "low": {"q1": True, "q2": False, "q6": False},
        "moderate": {"q1": False, "q2": True, "q3": True, "q4": False, "q5": False, "q6": False},
        "high": {"q1": False, "q2": False, "q6": True, "q6_past_3_months": True},
    }

    assert condition.__name__ == f"cssrs_{level}"
    for other, answers_given in cssrs.items():
        found = condition(facts({"questionnaires.cssrs": answers_given}))
        f = facts({"questionnaires.cssrs": answers_given})
        if other == level:
            assert found == [Evidence(key, answer) for key, answer in f.cssrs_evidence]
        else:
            assert found is None


def test_every_rule_of_the_table_is_a_condition_with_declared_needs():
    for rule in RULES_BY_CODE.values():
        assert callable(rule.when)
        assert inspect.signature(rule.when).parameters.keys() == {"f"}


# --- Suicide risk ------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", [1, 2, 3])
def test_phq9_item_9_above_0_is_urgent_with_its_answer(answer):
    result = screen(intake({"questionnaires.phq9[8]": answer}))

    assert result.outcome == "urgent"
    assert changed({"questionnaires.phq9[8]": answer}) == {
        "RISK_PHQ9_ITEM9": (Evidence("questionnaires.phq9[8]", answer),)
    }


def test_phq9_item_9_at_0_is_not_a_risk_flag():
    assert changed({"questionnaires.phq9[8]": 0}) == {}


def test_phq9_item_9_unanswered_is_asked_for_first():
    flags = changed({"questionnaires.phq9[8]": None})

    assert flags == {MISSING: missing(("questionnaires.phq9[8]", None))}


def test_no_phq9_is_asked_for_once():
    flags = changed({"questionnaires.phq9": DELETE})

    assert flags == {MISSING: missing(("questionnaires.phq9", None))}


# --- Age ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "under"),
    [
        ("2008-11-20", False),  # 18 on the day of submission
        ("2008-11-21", True),  # 18 tomorrow
        ("2010-01-01", True),
        ("1930-01-01", False),
    ],
)
def test_under_the_minimum_age_on_the_day_of_submission(born, under):
    flags = changed({"about.date_of_birth": born})

    expected = {
        "CI_AGE_UNDER_18": (
            Evidence("about.date_of_birth", born),
            Evidence("submitted_at", "2026-11-20T15:04:00-05:00"),
        )
    }
    assert flags == (expected if under else {})


def test_the_minimum_age_is_the_clinics():
    born = {"about.date_of_birth": "2005-11-20"}  # 21
    older = DEFAULT_THRESHOLDS.replace(min_age=21)
    oldest = DEFAULT_THRESHOLDS.replace(min_age=22)

    assert "CI_AGE_UNDER_18" not in screened(born, thresholds=older)
    assert "CI_AGE_UNDER_18" in screened(born, thresholds=oldest)


def test_without_a_submission_time_the_age_is_on_the_screening_day():
    data = intake({"about.date_of_birth": "2008-11-21", "submitted_at": DELETE})

    result = screen(data, now=date(2026, 11, 20))

    assert result.flag("CI_AGE_UNDER_18").evidence == (
        Evidence("about.date_of_birth", "2008-11-21"),
    )
    assert result.scores.age == 17
    assert screen(data, now=date(2026, 11, 21)).flag("CI_AGE_UNDER_18") is None


# --- Ketamine in the allergy list ----------------------------------------------------------------


@pytest.mark.parametrize(
    "allergy",
    ["ketamine", "Ketamine", "KETAMINE (rash)", "esketamine", "Ketalar", "ketalar", "Spravato",
     "SPRAVATO nasal spray", "ketamin"],
)  # fmt: skip
def test_a_ketamine_name_in_the_allergy_list_is_an_allergy(allergy):
    allergies = ["penicillin", allergy]

    flags = changed({"medical.allergies": allergies})

    assert flags == {"CI_KETAMINE_HYPERSENSITIVITY": (Evidence("medical.allergies[1]", allergy),)}


@pytest.mark.parametrize(
    "allergies", [[], None, ["penicillin"], ["keta", "mine"], ["latex", "ket amine"]]
)
def test_other_allergies_are_not_ketamine(allergies):
    assert changed({"medical.allergies": allergies}) == {}


def test_an_allergy_list_naming_every_ketamine_name_quotes_each():
    allergies = ["Ketamine", "Ketalar", "Spravato"]

    flags = changed({"medical.allergies": allergies})

    assert flags == {
        "CI_KETAMINE_HYPERSENSITIVITY": tuple(
            Evidence(f"medical.allergies[{i}]", name) for i, name in enumerate(allergies)
        )
    }


@pytest.mark.parametrize("answer", ["no", "unsure", None])
def test_an_allergy_listed_counts_whatever_the_yes_no_answer(answer):
    flags = screened({"medical.ketamine_allergy": answer, "medical.allergies": ["Spravato"]})

    assert flags["CI_KETAMINE_HYPERSENSITIVITY"] == (Evidence("medical.allergies[0]", "Spravato"),)


# --- Pregnancy, breastfeeding, planning ----------------------------------------------------------

PREGNANT, FEEDING, PLANNING = (
    "medical.pregnant",
    "medical.breastfeeding",
    "medical.planning_pregnancy",
)
NOT_ASKED = {PREGNANT: DELETE, FEEDING: DELETE, PLANNING: DELETE}


@pytest.mark.parametrize(
    ("sex", "answer", "needed"),
    [
        ("male", DELETE, []),
        ("male", "unsure", [(PREGNANT, "unsure")]),
        ("male", "no", []),
        ("female", DELETE, [(PREGNANT, None)]),
        ("female", "unsure", [(PREGNANT, "unsure")]),
        ("female", "not_applicable", []),
        ("intersex", DELETE, [(PREGNANT, None)]),
        ("prefer_not_to_say", DELETE, [(PREGNANT, None)]),
        (DELETE, DELETE, [(PREGNANT, None)]),
        (DELETE, "yes", []),
    ],
)
def test_pregnancy_is_asked_unless_answered_or_not_possible(sex, answer, needed):
    assert pregnancy_needs(facts({"about.sex_at_birth": sex, PREGNANT: answer})) == needed


@pytest.mark.parametrize(
    ("changes", "needed"),
    [
        ({"about.sex_at_birth": "male", **NOT_ASKED}, []),
        ({"about.sex_at_birth": "male", FEEDING: "unsure"}, [(FEEDING, "unsure")]),
        ({"about.sex_at_birth": "male", PLANNING: "unsure"}, [(PLANNING, "unsure")]),
        (
            {"about.sex_at_birth": "male", FEEDING: "unsure", PLANNING: "unsure"},
            [(FEEDING, "unsure"), (PLANNING, "unsure")],
        ),
        (NOT_ASKED, [(FEEDING, None), (PLANNING, None)]),
        ({**NOT_ASKED, PREGNANT: "not_applicable"}, [(FEEDING, None)]),
        ({PREGNANT: "not_applicable", PLANNING: "unsure"}, [(PLANNING, "unsure")]),
        ({PREGNANT: "not_applicable", PLANNING: DELETE}, []),
        ({PREGNANT: "unsure", PLANNING: DELETE}, [(PLANNING, None)]),
        ({FEEDING: "unsure"}, [(FEEDING, "unsure")]),
        ({FEEDING: "yes", PLANNING: "yes"}, []),
        ({"about.sex_at_birth": "intersex", FEEDING: DELETE}, [(FEEDING, None)]),
    ],
)
def test_breastfeeding_and_planning_are_asked_unless_answered_or_not_possible(changes, needed):
    assert breastfeeding_or_planning_needs(facts(changes)) == needed


def test_a_man_who_skipped_the_pregnancy_questions_is_not_asked_for_them():
    assert changed({"about.sex_at_birth": "male", **NOT_ASKED}) == {}


def test_unsure_about_breastfeeding_or_planning_is_asked_even_of_a_man():
    flags = changed({"about.sex_at_birth": "male", FEEDING: "unsure", PLANNING: "unsure"})

    assert flags == {MISSING: missing((FEEDING, "unsure"), (PLANNING, "unsure"))}


# --- Blood pressure ------------------------------------------------------------------------------


def bp(systolic, diastolic, status="controlled", born=None):
    changes = {SYS: systolic, DIA: diastolic, HTN: status}
    if born is not None:
        changes["about.date_of_birth"] = born
    return changes


CONTROLLED = "IN_HYPERTENSION_CONTROLLED"
# (systolic, diastolic, status) -> the flags besides the quiet intake's.
BP_CASES = [
    ((128, 82, "controlled"), {CONTROLLED: [(HTN, "controlled"), (SYS, 128), (DIA, 82)]}),
    ((140, 90, "controlled"), {CONTROLLED: [(HTN, "controlled"), (SYS, 140), (DIA, 90)]}),
    ((141, 90, "controlled"), {"RV_BP_ELEVATED": [(SYS, 141)]}),
    ((140, 91, "controlled"), {"RV_BP_ELEVATED": [(DIA, 91)]}),
    ((179, 99, "controlled"), {"RV_BP_ELEVATED": [(SYS, 179), (DIA, 99)]}),
    ((180, 80, "controlled"), {"RISK_BP_CRISIS": [(SYS, 180)], "CI_BP_SEVERE": [(SYS, 180)]}),
    ((120, 100, "controlled"), {"CI_BP_SEVERE": [(DIA, 100)]}),
    ((180, 100, "controlled"), {"RISK_BP_CRISIS": [(SYS, 180)],
                                "CI_BP_SEVERE": [(SYS, 180), (DIA, 100)]}),
    ((179, 119, "controlled"), {"CI_BP_SEVERE": [(DIA, 119)]}),
    ((170, 120, "controlled"), {"RISK_BP_CRISIS": [(DIA, 120)],
                                "CI_BP_SEVERE": [(DIA, 120)]}),
    ((300, 200, "untreated"), {"RISK_BP_CRISIS": [(SYS, 300), (DIA, 200)],
                               "CI_BP_SEVERE": [(SYS, 300), (DIA, 200), (HTN, "untreated")]}),
    ((120, 80, "untreated"), {"CI_BP_SEVERE": [(HTN, "untreated")]}),
    ((120, 80, "uncontrolled"), {"CI_BP_SEVERE": [(HTN, "uncontrolled")]}),
    ((150, 95, "uncontrolled"),
     {"CI_BP_SEVERE": [(HTN, "uncontrolled")], "RV_BP_ELEVATED": [(SYS, 150), (DIA, 95)]}),
    ((179, 80, "no"), {"RV_BP_ELEVATED": [(SYS, 179)]}),
    ((120, 80, "no"), {}),
    ((181, 101, "no"), {"RISK_BP_CRISIS": [(SYS, 181)], "CI_BP_SEVERE": [(SYS, 181), (DIA, 101)]}),
    ((120, 80, "unsure"), {MISSING: [(HTN, "unsure")]}),
    ((50, 20, "controlled"), {CONTROLLED: [(HTN, "controlled"), (SYS, 50), (DIA, 20)]}),
]  # fmt: skip


@pytest.mark.parametrize(("reading", "expected"), BP_CASES)
def test_blood_pressure_at_each_limit(reading, expected):
    flags = changed(bp(*reading))

    assert {code: [tuple(e[:2]) for e in evidence] for code, evidence in flags.items()} == expected
    if MISSING in flags:
        assert [e.missing for e in flags[MISSING]] == [False]


@pytest.mark.parametrize(
    ("born", "systolic", "expected"),
    [
        ("1961-11-20", 140, "IN_HYPERTENSION_CONTROLLED"),  # 65: 140 is the limit
        ("1961-11-20", 141, "RV_BP_ELEVATED"),
        ("1961-11-20", 150, "RV_BP_ELEVATED"),
        ("1960-11-20", 150, "IN_HYPERTENSION_CONTROLLED"),  # 66: over 65, 150 is the limit
        ("1960-11-20", 151, "RV_BP_ELEVATED"),
        ("1960-11-21", 141, "RV_BP_ELEVATED"),  # 66 tomorrow
    ],
)
def test_the_systolic_limit_is_higher_over_65(born, systolic, expected):
    flags = changed(bp(systolic, 80, born=born))

    assert expected in flags
    assert flags.keys() - {expected} == set()


def test_the_stricter_systolic_limit_applies_without_an_age():
    data = bp(145, 80) | {"about.date_of_birth": DELETE}

    assert systolic_limit(facts(data)) == 140
    assert systolic_limit(facts(bp(145, 80, born="1950-01-01"))) == 150
    assert systolic_limit(facts(bp(145, 80))) == 140
    assert "RV_BP_ELEVATED" in screened(data)


def test_the_blood_pressure_limits_are_the_clinics():
    th = DEFAULT_THRESHOLDS.replace(
        bp_severe_systolic=170,
        bp_severe_diastolic=95,
        bp_elevated_systolic=130,
        bp_elevated_diastolic=85,
        bp_elevated_systolic_over_65=135,
    )

    def codes(reading, born=None):
        return set(changed(bp(*reading, born=born), thresholds=th))

    assert codes((170, 80)) == {"CI_BP_SEVERE"}
    assert codes((169, 80)) == {"RV_BP_ELEVATED"}
    assert codes((120, 95)) == {"CI_BP_SEVERE"}
    assert codes((120, 94)) == {"RV_BP_ELEVATED"}
    assert codes((131, 80)) == {"RV_BP_ELEVATED"}
    assert codes((130, 85)) == {"IN_HYPERTENSION_CONTROLLED"}
    assert codes((120, 86)) == {"RV_BP_ELEVATED"}
    assert codes((135, 80), born="1950-01-01") == {"IN_HYPERTENSION_CONTROLLED"}
    assert codes((136, 80), born="1950-01-01") == {"RV_BP_ELEVATED"}


@pytest.mark.parametrize(
    ("changes", "needed"),
    [
        ({HTN: "no"}, []),
        ({HTN: "no", SYS: 120}, []),
        ({HTN: "untreated"}, []),
        ({HTN: "uncontrolled"}, []),
        ({HTN: "controlled"}, [(SYS, None), (DIA, None)]),
        ({HTN: "controlled", SYS: 120}, [(DIA, None)]),
        ({HTN: "controlled", DIA: 80}, [(SYS, None)]),
        ({HTN: "controlled", SYS: 120, DIA: 80}, []),
        ({HTN: "unsure"}, [(HTN, "unsure"), (SYS, None), (DIA, None)]),
        ({HTN: "unsure", SYS: 120, DIA: 80}, [(HTN, "unsure")]),
        ({HTN: DELETE}, [(HTN, None), (SYS, None), (DIA, None)]),
        ({HTN: DELETE, SYS: 120, DIA: 80}, [(HTN, None)]),
    ],
)
def test_a_reading_is_asked_for_only_where_it_decides(changes, needed):
    flags = changed(changes)

    assert flags.get(MISSING, ()) == missing(*needed)


def test_a_partial_reading_of_controlled_hypertension_is_not_within_limits():
    assert changed({HTN: "controlled", SYS: 120}) == {MISSING: missing((DIA, None))}
    assert changed({HTN: "controlled", DIA: 80}) == {MISSING: missing((SYS, None))}


def test_a_high_reading_without_treated_hypertension_is_not_controlled():
    assert changed(bp(120, 80, status="no")) == {}
    assert changed(bp(120, 80, status="unsure")) == {MISSING: missing((HTN, "unsure"))}


# --- Bipolar disorder ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("diagnoses", "mania", "expected"),
    [
        (["bipolar"], "no", {"RV_BIPOLAR": (Evidence("mental_health.diagnoses[0]", "bipolar"),)}),
        (
            ["depression", "anxiety", "bipolar"],
            "no",
            {"RV_BIPOLAR": (Evidence("mental_health.diagnoses[2]", "bipolar"),)},
        ),
        (
            ["bipolar"],
            "unsure",
            {
                "RV_BIPOLAR": (Evidence("mental_health.diagnoses[0]", "bipolar"),),
                MISSING: missing(("mental_health.mania_now", "unsure")),
            },
        ),
        (
            ["bipolar"],
            DELETE,
            {
                "RV_BIPOLAR": (Evidence("mental_health.diagnoses[0]", "bipolar"),),
                MISSING: missing(("mental_health.mania_now", None)),
            },
        ),
        (["bipolar"], "yes", {"CI_MANIA_CURRENT": (Evidence("mental_health.mania_now", "yes"),)}),
        (["depression"], "no", {}),
        ([], "no", {}),
    ],
)
def test_bipolar_disorder_is_reviewed_unless_mania_is_current(diagnoses, mania, expected):
    assert (
        changed({"mental_health.diagnoses": diagnoses, "mental_health.mania_now": mania})
        == expected
    )


# --- Trials ------------------------------------------------------------------------------------

TRIALS = "mental_health.antidepressant_trials"
FAILED = {"medication": "a", "weeks": 8, "current_episode": True, "improvement": "none"}
UNCLEAR = {"medication": "b", "weeks": None, "current_episode": True, "improvement": "none"}
SHORT = {"medication": "c", "weeks": 2, "current_episode": True, "improvement": "none"}


@pytest.mark.parametrize(
    ("trials", "expected"),
    [
        ([], {"IN_TRD_LIKELY": None, "RV_TRD_NOT_ESTABLISHED": ([],)}),
        ([SHORT], {"IN_TRD_LIKELY": None, "RV_TRD_NOT_ESTABLISHED": ([SHORT],)}),
        ([FAILED], {"IN_TRD_LIKELY": None, "RV_TRD_NOT_ESTABLISHED": ([FAILED],)}),
        (
            [FAILED, UNCLEAR],
            {
                "IN_TRD_LIKELY": None,
                "RV_TRD_NOT_ESTABLISHED": ([FAILED, UNCLEAR],),
                MISSING: ((f"{TRIALS}[1].weeks", None),),
            },
        ),
        ([FAILED, FAILED], {"IN_TRD_LIKELY": ((f"{TRIALS}[0]", FAILED), (f"{TRIALS}[1]", FAILED))}),
        (
            [FAILED, UNCLEAR, FAILED],
            {"IN_TRD_LIKELY": ((f"{TRIALS}[0]", FAILED), (f"{TRIALS}[2]", FAILED))},
        ),
    ],
)
def test_failed_trials_against_the_clinics_minimum(trials, expected):
    flags = changed({TRIALS: trials})

    want = {}
    for code, evidence in expected.items():
        if evidence is None:
            want[code] = None
        elif code == "RV_TRD_NOT_ESTABLISHED":
            want[code] = (Evidence(TRIALS, evidence[0]),)
        elif code == MISSING:
            want[code] = missing(*evidence)
        else:
            want[code] = tuple(Evidence(key, trial) for key, trial in evidence)
    assert flags == want


@pytest.mark.parametrize(("minimum", "likely"), [(0, True), (1, True), (2, True), (3, False)])
def test_the_minimum_number_of_failed_trials_is_the_clinics(minimum, likely):
    th = DEFAULT_THRESHOLDS.replace(min_failed_trials=minimum)
    trials = [FAILED, FAILED, UNCLEAR]

    flags = screened({TRIALS: trials}, thresholds=th)

    assert ("IN_TRD_LIKELY" in flags) is likely
    assert ("RV_TRD_NOT_ESTABLISHED" in flags) is not likely
    # The unclear trial matters only while it could still decide.
    assert (MISSING in flags) is not likely


def test_no_trials_counted_at_a_minimum_of_zero_is_likely_with_nothing_to_quote():
    th = DEFAULT_THRESHOLDS.replace(min_failed_trials=0)

    assert screened({TRIALS: []}, thresholds=th)["IN_TRD_LIKELY"] == ()


def test_the_minimum_trial_length_is_the_clinics():
    th = DEFAULT_THRESHOLDS.replace(min_trial_weeks=9)

    flags = screened({TRIALS: [FAILED, FAILED]}, thresholds=th)

    assert "IN_TRD_LIKELY" not in flags
    assert flags["RV_TRD_NOT_ESTABLISHED"] == (Evidence(TRIALS, [FAILED, FAILED]),)


# --- PHQ-9 and GAD-7 levels --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "below"), [([1, 1, 1, 1, 1, 1, 1, 2, 0], True), ([2, 1, 1, 1, 1, 1, 1, 2, 0], False)]
)
def test_phq9_below_the_level_for_a_consultation(items, below):
    flags = changed({"questionnaires.phq9": items})

    expected = {"RV_DEPRESSION_BELOW_THRESHOLD": (Evidence("questionnaires.phq9", items),)}
    assert flags == (expected if below else {})


def test_the_phq9_level_is_the_clinics():
    items = [2, 2, 2, 2, 1, 1, 0, 0, 0]  # 10
    th = DEFAULT_THRESHOLDS.replace(phq9_consult_min=11)

    assert "RV_DEPRESSION_BELOW_THRESHOLD" in screened(
        {"questionnaires.phq9": items}, thresholds=th
    )
    th = DEFAULT_THRESHOLDS.replace(phq9_consult_min=10)
    assert "RV_DEPRESSION_BELOW_THRESHOLD" not in screened(
        {"questionnaires.phq9": items}, thresholds=th
    )


def test_the_gad7_level_is_the_clinics():
    items = [2, 2, 2, 1, 1, 0, 0]  # 8
    th = DEFAULT_THRESHOLDS.replace(gad7_significant=8)

    assert screened({"questionnaires.gad7": items}, thresholds=th)["IN_ANXIETY_SIGNIFICANT"] == (
        Evidence("questionnaires.gad7", items),
    )
    th = DEFAULT_THRESHOLDS.replace(gad7_significant=9)
    assert "IN_ANXIETY_SIGNIFICANT" not in screened({"questionnaires.gad7": items}, thresholds=th)


def test_a_partial_gad7_lists_its_unanswered_items():
    flags = changed({"questionnaires.gad7": [3, 3, 3, None, 3, None, 0]})

    assert flags == {
        MISSING: missing(("questionnaires.gad7[3]", None), ("questionnaires.gad7[5]", None))
    }


# --- Escort ---------------------------------------------------------------------------------------


def test_the_escort_flag_always_fires_and_quotes_the_driver_answer():
    assert always(facts()) == [Evidence("care_team.driver_available", "yes")]
    assert always(facts({"care_team.driver_available": DELETE})) == []
    assert QUIET_FLAGS["IN_ESCORT_NEEDED"] == (Evidence("care_team.driver_available", "yes"),)
